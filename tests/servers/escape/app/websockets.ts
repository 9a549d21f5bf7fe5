/**
 * WebSocket upgrades whose message handlers the server calls later, from
 * the socket: every message is answered with the ids its handler saw.
 * `naive` registers the handler as it is; `bound` wraps it with `bindScope`
 * (Deno, `ws`), `captured` runs it through the `captureScope()` runner that
 * travels in Bun's `ws.data`. Each upgrade runs in `manager.middleware`
 * with the request bound, like any other request.
 *
 * @module
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { bindScope, captureScope } from "../../../../mod.ts";
import { manager, openRequest, probe, requestStack } from "./globals.ts";
import type { Routes } from "./handler.ts";

interface Sender {
  send(text: string): void;
}
/** The part of a `ws` socket this file uses (`ws` ships no types). */
interface WsSocket extends Sender {
  on(event: "message", listener: (data: unknown) => void): void;
}

/** Answers message `message` with the ids seen here. */
async function reply(socket: Sender, message: unknown): Promise<void> {
  try {
    socket.send(JSON.stringify({ n: Number(String(message)), ids: await probe() }));
  } catch (error) {
    socket.send(JSON.stringify({ error: String(error) }));
  }
}

const isBound = (url: string): boolean => new URL(url, "http://localhost").pathname !== "/ws/naive";

/** Deno.serve: `Deno.upgradeWebSocket` inside the wrapped handler. */
export const denoWebSocketRoutes: Routes = Object.fromEntries(
  ["/ws/naive", "/ws/bound"].map((path) => [path, (req: Request) => {
    // Once upgraded, Deno's Request throws "Request closed" on every read:
    // the handlers read a copy of it.
    requestStack.push(new Request(req.url, { headers: req.headers }));
    const { socket, response } = Deno.upgradeWebSocket(req);
    const onMessage = (event: MessageEvent) => reply(socket, event.data);
    socket.onmessage = isBound(req.url) ? bindScope(onMessage) : onMessage;
    return response;
  }]),
);

/** What Bun keeps with each socket: the upgrade request's scope, when captured. */
interface SocketData {
  run?: ReturnType<typeof captureScope>;
}
interface BunSocket extends Sender {
  data: SocketData;
}
export interface BunUpgrader {
  upgrade(req: Request, options: { data: SocketData }): boolean;
}

/** Bun.serve: the upgrade, in the request's scope (`fetch` for `/ws/*`). */
export const bunUpgrade: (req: Request, server: BunUpgrader) => Promise<Response | undefined> =
  manager.middleware(async (req: Request, server: BunUpgrader) => {
    await openRequest(req);
    const data = isBound(req.url) ? { run: captureScope() } : {};
    return server.upgrade(req, { data }) ? undefined : new Response("no upgrade", { status: 400 });
  });

/** Bun.serve's `websocket` handlers. */
export const bunWebSocket = {
  message(ws: BunSocket, message: string): void {
    const answer = () => reply(ws, message);
    if (ws.data.run === undefined) answer();
    else ws.data.run(answer);
  },
};

/** node:http + `ws`: the `upgrade` event, in a scope of its own per request. */
export function acceptWebSockets(server: Server): void {
  const sockets = new WebSocketServer({ noServer: true });
  server.on(
    "upgrade",
    manager.middleware(async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const id = req.headers["x-request-id"];
      const url = `http://${req.headers.host}${req.url}`;
      await openRequest(new Request(url, { headers: { "x-request-id": String(id) } }));
      const onMessage = (ws: Sender, data: unknown) => reply(ws, data);
      const handler = isBound(url) ? bindScope(onMessage) : onMessage;
      sockets.handleUpgrade(req, socket, head, (ws: WsSocket) => {
        ws.on("message", (data) => handler(ws, data));
      });
    }),
  );
}
