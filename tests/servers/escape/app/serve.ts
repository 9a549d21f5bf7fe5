/**
 * Serves every escape case on one server: `serve.ts deno` (Deno.serve),
 * `serve.ts bun` (Bun.serve) or `serve.ts node` (node:http through the
 * examples' adapter, on any runtime). Prints `listening on <url>`.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { argv } from "node:process";
import { nodeListener } from "../../../../examples/node_adapter.ts";
import { manager } from "./globals.ts";
import { addRoutes, answer, fetchHandler, handlers, type Wiring, wiringOf } from "./handler.ts";
import {
  acceptWebSockets,
  bunUpgrade,
  type BunUpgrader,
  bunWebSocket,
  denoWebSocketRoutes,
} from "./websockets.ts";

interface BunRuntime {
  serve(options: {
    hostname: string;
    port: number;
    fetch(req: Request, server: BunUpgrader): Promise<Response | undefined>;
    websocket: typeof bunWebSocket;
  }): { port: number };
}

const listening = (port: number) => console.log(`listening on http://127.0.0.1:${port}/`);

function serveDeno(): void {
  addRoutes(denoWebSocketRoutes);
  Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: ({ port }) => listening(port) },
    fetchHandler,
  );
}

function serveBun(): void {
  const { Bun } = globalThis as unknown as { Bun: BunRuntime };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req, upgrader) =>
      new URL(req.url).pathname.startsWith("/ws/") ? bunUpgrade(req, upgrader) : fetchHandler(req),
    websocket: bunWebSocket,
  });
  listening(server.port);
}

/**
 * node:http as the README wires it: the scope wraps the whole listener, so
 * the adapter's piping of the body runs in it too. `{ streams: true }` wraps
 * the fetch-style handler inside the adapter instead.
 */
function serveNode(): void {
  type Listener = (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  const listeners: Record<Wiring, Listener> = {
    scoped: manager.middleware(nodeListener(answer)),
    streams: nodeListener(handlers.streams),
    unscoped: nodeListener(handlers.unscoped),
  };
  const server = createServer((req, res) =>
    listeners[wiringOf(new URL(req.url ?? "/", "http://localhost").pathname)](req, res)
  );
  server.keepAliveTimeout = 10_000;
  acceptWebSockets(server);
  server.listen(0, "127.0.0.1", () => listening((server.address() as AddressInfo).port));
}

const servers: Record<string, () => void> = { deno: serveDeno, bun: serveBun, node: serveNode };
const serve = servers[argv[2]];
if (serve === undefined) throw new TypeError(`serve.ts expects deno, bun or node; got ${argv[2]}`);
serve();
