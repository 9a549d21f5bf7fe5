/**
 * Serves the Hono example app with the server of the runtime it runs on:
 * `Deno.serve` on Deno, `Bun.serve` on Bun, `node:http` on Node.
 *
 *     deno run --allow-net --allow-env --allow-read examples/hono.ts
 *     bun examples/hono.ts
 *     node examples/hono.ts          # PORT=0 picks a free port
 *
 * @module
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { env } from "node:process";
import { fetch } from "./hono_app.ts";
import { nodeListener } from "./node_adapter.ts";

interface Runtimes {
  Deno?: {
    serve(
      options: { hostname: string; port: number; onListen(addr: { port: number }): void },
      handler: (req: Request) => Response | Promise<Response>,
    ): unknown;
  };
  Bun?: {
    serve(options: {
      hostname: string;
      port: number;
      fetch: (req: Request) => Response | Promise<Response>;
    }): { port: number };
  };
}

const hostname = "127.0.0.1";
const port = Number(env.PORT ?? 8000);
const ready = (port: number): void => console.log(`listening on http://${hostname}:${port}/`);
const { Deno, Bun } = globalThis as Runtimes;

if (Deno !== undefined) {
  Deno.serve({ hostname, port, onListen: (addr) => ready(addr.port) }, fetch);
} else if (Bun !== undefined) {
  ready(Bun.serve({ hostname, port, fetch }).port);
} else {
  const server = createServer(nodeListener(fetch));
  server.listen(port, hostname, () => ready((server.address() as AddressInfo).port));
}
