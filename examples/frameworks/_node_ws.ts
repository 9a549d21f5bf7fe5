/**
 * WebSockets with `ws` on any `node:http` server (Express, Fastify, Koa):
 * one scope per upgrade request, opened by `manager.middleware` around the
 * server's `upgrade` listener, and the socket's listeners bound to it with
 * `bindScope`, because `ws` calls them from the socket's own context.
 *
 * The upgrade request is the `upgradeRequest` global here (an
 * `IncomingMessage`, not a framework's request object).
 *
 * @module
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { bindScope, LocalManager, LocalProxy, LocalStack } from "../../mod.ts";
import { g, probe } from "./_probe.ts";

const upgradeStack = new LocalStack<IncomingMessage>({ strict: true, name: "upgradeStack" });
/** The upgrade request of the current WebSocket. */
export const upgradeRequest: IncomingMessage = new LocalProxy(upgradeStack, undefined, {
  unboundMessage: "working outside of a WebSocket's upgrade request",
});
const manager = new LocalManager([upgradeStack, g]);
const seen = probe((name) => new URL(upgradeRequest.url ?? "/", "http://x").searchParams.get(name));

/** Answers every message on `server`'s WebSockets with the ids its upgrade request sees. */
export function acceptWebSockets(server: Server): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true });
  server.on(
    "upgrade",
    manager.middleware(async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      upgradeStack.push(req);
      await seen.enter();
      const id = new URL(req.url ?? "/", "http://x").searchParams.get("id");
      wss.handleUpgrade(req, socket, head, (ws) => {
        // ws emits "message" from the socket's context: bind the listener to the upgrade's scope.
        ws.on(
          "message",
          bindScope(async () => ws.send(JSON.stringify({ ids: await seen.ids(() => id) }))),
        );
      });
    }),
  );
  return wss;
}
