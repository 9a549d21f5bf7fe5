/**
 * Context-local state for JavaScript servers: werkzeug's `Local`,
 * `LocalStack`, `LocalProxy`, `release_local` and `LocalManager` for Deno,
 * Bun, Node and Cloudflare workerd, built on the runtime's own
 * `AsyncLocalStorage`.
 *
 * Every value lives in a scope. {@linkcode LocalManager} opens one per request
 * (`manager.middleware(handler)`) or per call (`manager.run(fn)`), and
 * {@linkcode LocalStack.prototype.run} opens one with an item on top. A new
 * scope starts with its parent's values as they are when it opens and is
 * independent afterwards. Writes change the current scope in place, so a
 * value set anywhere in a request (after an `await`, in a timer) is seen by
 * the rest of that request and by no other. Outside any scope the
 * process-wide root scope is used.
 *
 * Code that something else calls back later (listeners, WebSocket
 * handlers, a streamed body the server pulls) runs in that caller's
 * context: {@linkcode bindScope}, {@linkcode captureScope},
 * {@linkcode streamWithContext} and `manager.middleware(handler, { streams:
 * true })` carry the request's scope to it, and {@linkcode inScope} tells
 * whether any scope is open.
 *
 * @example Flask-style `request` and `g` on Deno.serve
 * ```ts ignore
 * import { Local, LocalManager, LocalProxy, LocalStack } from "@contextlocal/contextlocal";
 *
 * const requestStack = new LocalStack<Request>();
 * const request = new LocalProxy(requestStack, undefined, {
 *   unboundMessage: "working outside of a request",
 * });
 * const g = new Local<{ user: string }>();
 *
 * async function authenticate(): Promise<void> {
 *   await new Promise((resolve) => setTimeout(resolve, 1)); // a database
 *   g.user = request.headers.get("x-user") ?? "anonymous";
 * }
 *
 * const manager = new LocalManager([requestStack, g]);
 * Deno.serve(manager.middleware(async (req: Request) => {
 *   requestStack.push(req);
 *   await authenticate();
 *   return new Response(`hello ${g.user} at ${new URL(request.url).pathname}`);
 * }));
 * ```
 *
 * @module
 */
export { type AnyLocal, Local, type LocalConstructor, type LocalEntryOf } from "./local.ts";
export { LocalStack } from "./stack.ts";
export {
  LocalProxy,
  type LocalProxyConstructor,
  type LocalProxyOptions,
  type LocalProxySource,
} from "./proxy.ts";
export { type Releasable, releaseLocal } from "./release.ts";
export { LocalManager, type MiddlewareOptions } from "./manager.ts";
export { bindScope, captureScope, inScope, type ScopeRunner } from "./scope.ts";
export { type StreamChunk, type StreamSource, streamWithContext } from "./stream.ts";
