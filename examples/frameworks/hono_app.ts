/**
 * Hono with Flask-style `request` and `g`, the recommended wiring:
 *
 * 1. wrap the app's `fetch` once, `manager.middleware(app.fetch, { streams: true })`,
 *    so each request gets a scope and its streamed body is read in it;
 * 2. push the request in the first middleware (`app.use`);
 * 3. in `upgradeWebSocket`, bind the handlers to the upgrade request's scope
 *    with `bindScope` (Bun and Node call them from outside it).
 *
 * The runtime entry is `hono.ts` (Deno.serve, Bun.serve, @hono/node-server)
 * and `hono_worker.ts` (workerd). The routes are what the load test drives.
 *
 * @module
 */
import { Hono } from "hono";
import { stream, streamSSE, streamText } from "hono/streaming";
import type { UpgradeWebSocket } from "hono/ws";
import { bindScope, LocalManager, LocalProxy, LocalStack } from "../../mod.ts";
import { encoded, g, idLines, probe, pulledStream } from "./_probe.ts";

const requestStack = new LocalStack<Request>({ strict: true, name: "requestStack" });
/** The current request (Flask's `request`). */
export const request: Request = new LocalProxy(requestStack, undefined, {
  unboundMessage: "working outside of request context",
});
const manager = new LocalManager([requestStack, g]);
const seen = probe((name) => new URL(request.url).searchParams.get(name));

/** The app, and its `fetch` wrapped to open one scope per request. */
export function createApp(upgradeWebSocket?: UpgradeWebSocket<unknown>): {
  app: Hono;
  fetch: Hono["fetch"];
} {
  const app = new Hono();
  // The wiring: the scope is opened around app.fetch (below), the request pushed first thing.
  app.use((c, next) => {
    requestStack.push(c.req.raw);
    return next();
  });

  app.get("/json", async (c) => {
    await seen.enter();
    return c.json(await seen.ids(() => c.req.query("id")));
  });
  app.post("/upload", async (c) => {
    await seen.enter();
    const { id } = await c.req.json();
    return c.json(await seen.ids(() => c.req.query("id"), { body: id }));
  });
  // Hono's own streaming helpers.
  app.get("/stream/text", (c) =>
    streamText(c, async (s) => {
      await seen.enter();
      for await (const line of idLines(() => seen.ids(() => c.req.query("id")))) {
        await s.write(line);
      }
    }));
  app.get("/stream/sse", (c) =>
    streamSSE(c, async (s) => {
      await seen.enter();
      for await (const line of idLines(() => seen.ids(() => c.req.query("id")))) {
        await s.writeSSE({ data: line.trim() });
      }
    }));
  app.get("/stream/bytes", (c) =>
    stream(c, async (s) => {
      await seen.enter();
      for await (const line of idLines(() => seen.ids(() => c.req.query("id")))) {
        await s.write(line);
      }
    }));
  // Bodies the server pulls: a pull-driven ReadableStream and a generator.
  app.get("/stream/pulled", async (c) => {
    await seen.enter();
    const lines = idLines(() => seen.ids(() => c.req.query("id")));
    return c.body(
      pulledStream(lines),
    );
  });
  app.get("/stream/generator", async (c) => {
    await seen.enter();
    const lines = idLines(() => seen.ids(() => c.req.query("id")));
    return c.body(ReadableStream.from(encoded(lines)));
  });
  app.get("/error", async () => {
    await seen.enter();
    throw new Error("the error route failed, as it should");
  });
  // The error handler runs in the request's scope.
  app.onError(async (_error, c) => c.json({ ids: await seen.ids(() => c.req.query("id")) }, 500));

  if (upgradeWebSocket !== undefined) {
    app.get(
      "/ws",
      upgradeWebSocket(async (c) => {
        await seen.enter();
        return {
          // Bun and Node call these outside the upgrade request's scope: bind them to it.
          onMessage: bindScope(async (_event, ws) => {
            ws.send(JSON.stringify({ ids: await seen.ids(() => c.req.query("id")) }));
          }),
        };
      }),
    );
  }
  return { app, fetch: manager.middleware(app.fetch, { streams: true }) };
}
