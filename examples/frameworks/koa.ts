/**
 * Koa 3 with Flask-style `request` (here Koa's `ctx`) and `g`. The
 * recommended wiring opens the scope OUTSIDE Koa, around the whole callback,
 * and pushes `ctx` in the first middleware:
 *
 *     app.use((ctx, next) => (requestStack.push(ctx), next()));
 *     createServer(manager.middleware(app.callback()));
 *
 * Koa sends a stream body (`ctx.body = stream`) after the middleware chain
 * has returned, so a scope opened inside the chain has ended by then
 * (every stream body unbound); the outer scope lasts until the response is
 * sent. WebSockets: `ws` on the server's `upgrade` event (`_node_ws.ts`).
 *
 *     node examples/frameworks/koa.ts    # PORT=0 picks a free port
 *
 * @module
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import Koa, { type Context } from "koa";
import { LocalManager, LocalProxy, LocalStack } from "../../mod.ts";
import { acceptWebSockets } from "./_node_ws.ts";
import { announce, hostname, listenPort as port } from "../servers.ts";
import { g, idLines, probe, pulledStream } from "./_probe.ts";

const requestStack = new LocalStack<Context>({ strict: true, name: "requestStack" });
/** The current request's Koa context (Flask's `request`). */
export const request: Context = new LocalProxy(requestStack, undefined, {
  unboundMessage: "working outside of request context",
});
const manager = new LocalManager([requestStack, g]);
const seen = probe((name) => request.query[name] as string | undefined);
const contextId = (ctx: Context) => () => ctx.query.id as string;

const app = new Koa();
app.use((ctx, next) => {
  requestStack.push(ctx);
  return next();
});
// Koa's error handling: the first middleware catches what the rest throws, in the request's scope.
app.use(async (ctx, next) => {
  try {
    await next();
  } catch {
    ctx.status = 500;
    ctx.body = { ids: await seen.ids(contextId(ctx)) };
  }
});
app.use(async (ctx) => {
  await seen.enter();
  const see = () => seen.ids(contextId(ctx));
  switch (ctx.path) {
    case "/json":
      ctx.body = await see();
      break;
    case "/upload": {
      let text = "";
      for await (const chunk of ctx.req) text += chunk;
      ctx.body = await seen.ids(contextId(ctx), { body: JSON.parse(text).id });
      break;
    }
    case "/stream/node":
      ctx.body = Readable.from(idLines(see));
      break;
    case "/stream/pulled": {
      const lines = idLines(see);
      ctx.body = pulledStream(lines);
      break;
    }
    case "/error":
      throw new Error("the error route failed, as it should");
    default:
      ctx.throw(404);
  }
});

const server = createServer(manager.middleware(app.callback()));
acceptWebSockets(server);
server.listen(port, hostname, () => announce((server.address() as AddressInfo).port));
