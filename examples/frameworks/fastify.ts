/**
 * Fastify 5 with Flask-style `request` and `g`. The recommended wiring is a
 * done-style `onRequest` hook wrapped in `manager.middleware`:
 *
 *     app.addHook("onRequest", manager.middleware((request, _reply, done) => {
 *       requestStack.push(request);
 *       done();
 *     }));
 *
 * Fastify runs the rest of the request (body parsing, the handler, the error
 * handler, the reply's stream) from inside `done()`, so it all stays in that
 * scope. An `async` hook that only pushes opens no scope: with a strict
 * stack it throws at the first request (non-strict, every request would
 * read another's). WebSockets: `ws` on `app.server`'s `upgrade` event
 * (`_node_ws.ts`).
 *
 *     node examples/frameworks/fastify.ts    # PORT=0 picks a free port
 *
 * @module
 */
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import { LocalManager, LocalProxy, LocalStack } from "../../mod.ts";
import { acceptWebSockets } from "./_node_ws.ts";
import { announce, hostname, listenPort as port } from "../servers.ts";
import { g, idLines, probe, pulledStream } from "./_probe.ts";

type Query = { Querystring: { id: string }; Body: { id: string } };

const requestStack = new LocalStack<FastifyRequest>({ strict: true, name: "requestStack" });
/** The current request (Flask's `request`). */
export const request: FastifyRequest = new LocalProxy(requestStack, undefined, {
  unboundMessage: "working outside of request context",
});
const manager = new LocalManager([requestStack, g]);
const seen = probe((name) => (request.query as Record<string, string>)[name]);

const app = Fastify();
app.addHook(
  "onRequest",
  manager.middleware((request: FastifyRequest, _reply: FastifyReply, done: () => void) => {
    requestStack.push(request);
    done();
  }),
);

app.get<Query>("/json", async (req) => {
  await seen.enter();
  return await seen.ids(() => req.query.id);
});
app.post<Query>("/upload", async (req) => {
  await seen.enter();
  return await seen.ids(() => req.query.id, { body: req.body.id });
});
// Fastify sends a Node stream or a Web ReadableStream as the body, pulling it.
app.get<Query>("/stream/node", async (req, reply) => {
  await seen.enter();
  return reply.send(Readable.from(idLines(() => seen.ids(() => req.query.id))));
});
app.get<Query>("/stream/pulled", async (req, reply) => {
  await seen.enter();
  return reply.send(pulledStream(idLines(() => seen.ids(() => req.query.id))));
});
app.get("/error", async () => {
  await seen.enter();
  throw new Error("the error route failed, as it should");
});
// The error handler runs in the request's scope.
app.setErrorHandler(async (_error, req: FastifyRequest<Query>, reply) => {
  return reply.status(500).send({ ids: await seen.ids(() => req.query.id) });
});

acceptWebSockets(app.server);
await app.listen({ port, host: hostname });
announce((app.server.address() as AddressInfo).port);
