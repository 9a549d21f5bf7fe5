/**
 * Serves the Hono example (`hono_app.ts`) on the runtime's own server, with
 * Hono's WebSocket helper for that runtime:
 *
 *     deno run -A examples/frameworks/hono.ts      # Deno.serve + hono/deno
 *     bun examples/frameworks/hono.ts              # Bun.serve + hono/bun
 *     node examples/frameworks/hono.ts             # @hono/node-server + ws
 *
 * `PORT=0` picks a free port.
 *
 * @module
 */
import { env } from "node:process";
import { createApp } from "./hono_app.ts";

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
      fetch: (req: Request, server: unknown) => Response | Promise<Response>;
      websocket: unknown;
    }): { port: number };
  };
}

const hostname = "127.0.0.1";
const port = Number(env.PORT ?? 8000);
const ready = (port: number): void => console.log(`listening on http://${hostname}:${port}/`);
const { Deno, Bun } = globalThis as Runtimes;

if (Deno !== undefined) {
  const { upgradeWebSocket } = await import("hono/deno");
  const { fetch } = createApp(upgradeWebSocket);
  Deno.serve({ hostname, port, onListen: (addr) => ready(addr.port) }, fetch);
} else if (Bun !== undefined) {
  const { upgradeWebSocket, websocket } = await import("hono/bun");
  const { fetch } = createApp(upgradeWebSocket);
  ready(Bun.serve({ hostname, port, fetch, websocket }).port);
} else {
  const { serve, upgradeWebSocket } = await import("@hono/node-server");
  const { WebSocketServer } = await import("ws");
  const { fetch } = createApp(upgradeWebSocket);
  const wss = new WebSocketServer({ noServer: true });
  serve({ fetch, hostname, port, websocket: { server: wss } }, (info) => ready(info.port));
}
