/**
 * The example app as a Hono application. `fetch` opens one scope per
 * request around the app, and the globals are bound by one ordinary Hono
 * middleware, so route handlers (and the helpers they call)
 * read `request`, `g`, `currentApp` and `session` instead of passing `c`
 * around. Hono's own `contextStorage()` runs alongside: it has its own
 * AsyncLocalStorage, and the two do not interfere.
 *
 * @module
 */
import { Hono } from "hono";
import { contextStorage, getContext } from "hono/context-storage";
import { manager, openRequest } from "./app/globals.ts";
import { appFor, echo, type ExtraIds, home, respond, whoami } from "./app/routes.ts";

/** The Hono app: `app.fetch` is a fetch handler for any server. */
export const app: Hono = new Hono();

app.use(contextStorage());
// Bind the globals first thing, in the scope that `fetch` (below) opens
// around the whole app, so that it lasts until the response is sent.
app.use((c, next) => {
  openRequest(c.req.raw, appFor(c.req.raw));
  return next();
});

/** `app.fetch` in one scope per request: the handler to give the server. */
export const fetch: Hono["fetch"] = manager.middleware(app.fetch, { streams: true });

/** The request id as Hono's own context storage sees it, deep in a helper. */
const honoIds: ExtraIds = () => ({ hono: getContext().req.header("x-request-id") ?? null });

app.get("/", () => respond(home));
app.get("/whoami", () => respond(whoami));
app.post("/echo", () => respond(() => echo(honoIds)));
