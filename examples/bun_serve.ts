/**
 * The example app on `Bun.serve`.
 *
 *     bun examples/bun_serve.ts   # PORT=0 picks a free port
 *
 * The wrapped handler goes straight in as `fetch`: Bun calls it as a method
 * (`this` is the server) with `(request, server)`, and `manager.middleware`
 * passes both through.
 *
 * @module
 */
import { env } from "node:process";
import { manager } from "./app/globals.ts";
import { handle } from "./app/routes.ts";

/** The part of Bun's API this file uses (Bun's types are not installed). */
interface BunRuntime {
  serve(options: {
    hostname: string;
    port: number;
    fetch: (req: Request) => Response | Promise<Response>;
  }): { hostname: string; port: number };
}

const { Bun } = globalThis as unknown as { Bun: BunRuntime };
const port = Number(env.PORT ?? 8000);

const server = Bun.serve({
  hostname: "127.0.0.1",
  port,
  fetch: manager.middleware((req: Request) => handle(req)),
});
console.log(`listening on http://${server.hostname}:${server.port}/`);
