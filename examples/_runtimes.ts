/**
 * What the example entries need of each runtime's own server (`Deno.serve`,
 * `Bun.serve`; neither runtime's types are installed here), and where they
 * listen: 127.0.0.1 on `PORT` (0 picks a free port), announced with the line
 * the load tests wait for.
 *
 * @module
 */
import { env } from "node:process";

/** A fetch-style handler as Deno.serve and Bun.serve call it. */
type Handler = (req: Request, server: unknown) => Response | Promise<Response>;

/** `Deno` and `Bun`, when this runtime is one of them. */
export const { Deno, Bun } = globalThis as {
  Deno?: {
    serve(
      options: { hostname: string; port: number; onListen(addr: { port: number }): void },
      handler: Handler,
    ): unknown;
  };
  Bun?: {
    serve(
      options: { hostname: string; port: number; fetch: Handler; websocket?: unknown },
    ): { hostname: string; port: number };
  };
};

/** Where the examples listen. */
export const hostname = "127.0.0.1";
export const port: number = Number(env.PORT ?? 8000);

/** Announces the port: the load tests wait for this line. */
export function ready(port: number): void {
  console.log(`listening on http://${hostname}:${port}/`);
}
