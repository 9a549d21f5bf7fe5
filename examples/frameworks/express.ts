/**
 * Express 5 with Flask-style `request` and `g`. The recommended wiring is one
 * middleware, registered first:
 *
 *     app.use(manager.middleware((req, res, next) => {
 *       requestStack.push(req);
 *       next();
 *     }));
 *
 * Everything after it (body parsers, routes, `res.write`, piped streams, the
 * error handler) runs in the request's scope. A listener you add yourself on
 * `req` or `res` (`req.on("end")`) runs in the stream's context: bind it with
 * `bindScope`. WebSockets: `ws` on the server's `upgrade` event
 * (`_node_ws.ts`).
 *
 *     node examples/frameworks/express.ts    # PORT=0 picks a free port
 *
 * @module
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import express from "express";
import { bindScope, LocalManager, LocalProxy, LocalStack } from "../../mod.ts";
import { acceptWebSockets } from "./_node_ws.ts";
import { announce, hostname, listenPort as port } from "../servers.ts";
import { g, idLines, type Probe, probe } from "./_probe.ts";

const requestStack = new LocalStack<express.Request>({ strict: true, name: "requestStack" });
/** The current request (Flask's `request`). */
export const request: express.Request = new LocalProxy(requestStack, undefined, {
  unboundMessage: "working outside of request context",
});
const manager = new LocalManager([requestStack, g]);
/** The probe of this app's globals (what the routes answer with). */
export const seen: Probe = probe((name) => request.query[name] as string | undefined);

/** The app; the server below listens on `PORT`. */
export const app: express.Express = express();
app.use(manager.middleware((req: express.Request, _res: express.Response, next: () => void) => {
  requestStack.push(req);
  next();
}));

app.get("/json", async (req, res) => {
  await seen.enter();
  res.json(await seen.ids(() => req.query.id as string));
});
app.post("/upload", express.json(), async (req, res) => {
  await seen.enter();
  res.json(await seen.ids(() => req.query.id as string, { body: req.body.id }));
});
// A body read by hand: the "end" listener runs in the stream's context, so it is bound.
app.post("/upload/events", async (req, res) => {
  await seen.enter();
  let text = "";
  req.setEncoding("utf8");
  req.on("data", (chunk: string) => text += chunk);
  req.on(
    "end",
    bindScope(async () => {
      const { id } = JSON.parse(text);
      res.json(await seen.ids(() => req.query.id as string, { body: id }));
    }),
  );
});
app.get("/stream/write", async (req, res) => {
  await seen.enter();
  for await (const line of idLines(() => seen.ids(() => req.query.id as string))) res.write(line);
  res.end();
});
app.get("/stream/piped", async (req, res) => {
  await seen.enter();
  Readable.from(idLines(() => seen.ids(() => req.query.id as string))).pipe(res);
});
app.get("/error", async () => {
  await seen.enter();
  throw new Error("the error route failed, as it should");
});
// The error handler runs in the request's scope.
app.use(
  async (_error: Error, req: express.Request, res: express.Response, _next: () => void) => {
    res.status(500).json({ ids: await seen.ids(() => req.query.id as string) });
  },
);

const server = createServer(app);
acceptWebSockets(server);
server.listen(port, hostname, () => announce((server.address() as AddressInfo).port));
