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
import { createApp } from "./hono_app.ts";
import { announce, hostname, listenPort as port, runtimes } from "../servers.ts";

const { Deno, Bun } = runtimes;

if (Deno !== undefined) {
  const { upgradeWebSocket } = await import("hono/deno");
  const { fetch } = createApp(upgradeWebSocket);
  Deno.serve({ hostname, port, onListen: (addr) => announce(addr.port) }, fetch);
} else if (Bun !== undefined) {
  const { upgradeWebSocket, websocket } = await import("hono/bun");
  const { fetch } = createApp(upgradeWebSocket);
  announce(Bun.serve({ hostname, port, fetch, websocket }).port);
} else {
  const { serve, upgradeWebSocket } = await import("@hono/node-server");
  const { WebSocketServer } = await import("ws");
  const { fetch } = createApp(upgradeWebSocket);
  const wss = new WebSocketServer({ noServer: true });
  serve({ fetch, hostname, port, websocket: { server: wss } }, (info) => announce(info.port));
}
