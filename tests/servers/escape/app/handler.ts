/**
 * One fetch-style handler for every escape case, shared by the servers (see
 * serve.ts and worker.ts). The path picks the case and its wiring:
 *
 * - `/hook/*`: unwrapped (each hook case opens its scopes itself, or not);
 * - `*\/option`: `manager.middleware(handler, { streams: true })`;
 * - everything else: `manager.middleware(handler)`, as the README wires it.
 *
 * @module
 */
import { cleanupRoutes } from "./cleanup.ts";
import { flowRoutes } from "./flow.ts";
import { manager, openRequest } from "./globals.ts";
import { hookRoutes } from "./root_hook.ts";
import { listenerRoutes } from "./listeners.ts";
import { streamRoutes } from "./streams.ts";

/** A route's view: scoped views read `request`; unscoped ones get the Request. */
export type View = (req: Request) => Response | Promise<Response>;
export type Routes = Record<string, View>;
export type Wiring = "scoped" | "streams" | "unscoped";

const routes = new Map<string, View>(
  Object.entries({
    ...streamRoutes,
    ...listenerRoutes,
    ...hookRoutes,
    ...cleanupRoutes,
    ...flowRoutes,
  }),
);

/** Adds a server's own routes (its WebSocket upgrades). */
export function addRoutes(more: Routes): void {
  for (const [path, view] of Object.entries(more)) routes.set(path, view);
}

/** How the handler for `pathname` is wired. */
export function wiringOf(pathname: string): Wiring {
  if (pathname.startsWith("/hook/")) return "unscoped";
  return pathname.endsWith("/option") ? "streams" : "scoped";
}

function view(req: Request): View {
  return routes.get(new URL(req.url).pathname) ??
    (() => new Response("no such route", { status: 404 }));
}

/** Binds the request in the current scope, then answers with the case's view. */
export async function answer(req: Request): Promise<Response> {
  try {
    await openRequest(req);
    return await view(req)(req);
  } catch (error) {
    console.error(error);
    return Response.json({ error: String(error) }, { status: 500 });
  }
}

/** Each wiring's handler. */
export const handlers: Record<Wiring, (req: Request) => Promise<Response>> = {
  scoped: manager.middleware(answer),
  streams: manager.middleware(answer, { streams: true }),
  unscoped: async (req) => await view(req)(req),
};

/** The handler for any request: picks the wiring by the path. */
export function fetchHandler(req: Request): Promise<Response> {
  return handlers[wiringOf(new URL(req.url).pathname)](req);
}
