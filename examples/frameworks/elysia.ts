/**
 * Elysia (Bun) with Flask-style `request` and `g`. The recommended wiring
 * wraps Elysia's `fetch` and serves it with `Bun.serve`, pushing the request
 * in `onRequest` (inside that scope):
 *
 *     app.onRequest(({ request }) => void requestStack.push(request));
 *     app.server = Bun.serve({ fetch: manager.middleware(app.fetch, { streams: true }), websocket });
 *
 * `{ streams: true }` reads generator and stream bodies in the request's
 * scope (Bun pulls a generator body from outside it). An `onRequest` push
 * with no scope around `fetch` (plain `app.listen()`) throws at the first
 * request with a strict stack (non-strict: every request reads another's).
 * WebSocket handlers run outside the upgrade's scope: capture it with
 * `captureScope()` in `derive` and run them with `ws.data.inRequest(...)`.
 *
 *     bun examples/frameworks/elysia.ts    # PORT=0 picks a free port
 *
 * @module
 */
import { Elysia } from "elysia";
import { websocket } from "elysia/ws";
import { captureScope, LocalManager, LocalProxy, LocalStack } from "../../mod.ts";
import { g, idLines, probe, pulledStream } from "./_probe.ts";
import { announce, hostname, listenPort as port, runtimes } from "../servers.ts";

const requestStack = new LocalStack<Request>({ strict: true, name: "requestStack" });
/** The current request (Flask's `request`). */
export const request: Request = new LocalProxy(requestStack, undefined, {
  unboundMessage: "working outside of request context",
});
const manager = new LocalManager([requestStack, g]);
const seen = probe((name) => new URL(request.url).searchParams.get(name));

const app = new Elysia()
  .onRequest(({ request }) => void requestStack.push(request))
  .derive(() => ({ inRequest: captureScope() }))
  .onError(async ({ query, set }) => {
    // The error handler runs in the request's scope.
    set.status = 500;
    return { ids: await seen.ids(() => query.id) };
  })
  .get("/json", async ({ query }) => {
    await seen.enter();
    return await seen.ids(() => query.id);
  })
  .post("/upload", async ({ query, body }) => {
    await seen.enter();
    return await seen.ids(() => query.id, { body: (body as { id: string }).id });
  })
  // Elysia's own streaming: a generator handler.
  .get("/stream/generator", async function* ({ query }) {
    await seen.enter();
    yield* idLines(() => seen.ids(() => query.id));
  })
  .get("/stream/pulled", async ({ query }) => {
    await seen.enter();
    const lines = idLines(() => seen.ids(() => query.id));
    return new Response(
      pulledStream(lines),
    );
  })
  .get("/error", async () => {
    await seen.enter();
    throw new Error("the error route failed, as it should");
  })
  .ws("/ws", {
    async beforeHandle() {
      await seen.enter();
    },
    // Bun calls this outside the upgrade request's scope: run it in the captured one.
    message(ws) {
      ws.data.inRequest(async () => {
        ws.send(JSON.stringify({ ids: await seen.ids(() => ws.data.query.id) }));
      });
    },
  });

const { Bun } = runtimes;
if (Bun === undefined) throw new Error("Elysia's example serves with Bun.serve: run it with bun");
const server = Bun.serve({
  hostname,
  port,
  fetch: manager.middleware(app.fetch, { streams: true }),
  websocket,
});
// Elysia's WebSocket routes upgrade through `app.server` (what `app.listen()` would set).
app.server = server as unknown as typeof app.server;
announce(server.port);
