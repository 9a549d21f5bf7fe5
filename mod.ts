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
 * @example Flask-style `request` and `g`, one scope per request
 * ```ts
 * import {
 *   Local,
 *   LocalManager,
 *   LocalProxy,
 *   LocalStack,
 * } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * // Strict: outside a request they throw instead of sharing values.
 * const requestStack = new LocalStack<Request>({
 *   strict: true,
 *   name: "requestStack",
 * });
 * const request = new LocalProxy(requestStack);
 * const g = new Local<{ user: string }>({ strict: true, name: "g" });
 *
 * async function authenticate(): Promise<void> {
 *   await new Promise((resolve) => setTimeout(resolve, 1)); // a database
 *   g.user = request.headers.get("x-user") ?? "anonymous";
 * }
 *
 * // The handler to give Deno.serve(handle) or Bun.serve({ fetch: handle })
 * const manager = new LocalManager([requestStack, g]);
 * const handle = manager.middleware(async (req: Request) => {
 *   requestStack.push(req);
 *   await authenticate();
 *   return new Response(`${g.user} at ${new URL(request.url).pathname}`);
 * });
 *
 * const get = (path: string, user: string) =>
 *   handle(new Request(`http://localhost${path}`, {
 *     headers: { "x-user": user },
 *   })).then((response) => response.text());
 * const answers = await Promise.all([get("/a", "ada"), get("/b", "bob")]);
 * assert.deepEqual(answers, ["ada at /a", "bob at /b"]);
 * assert.throws(() => g.user, /reading g\.user outside any scope/);
 * ```
 *
 * @module
 */
// The main classes first: the docs list symbols in this order.
export { Local } from "./local.ts";
export { LocalStack } from "./stack.ts";
export { LocalProxy } from "./proxy.ts";
export { LocalManager } from "./manager.ts";
export { releaseLocal } from "./release.ts";
export { bindScope, captureScope, inScope } from "./scope.ts";
export { streamWithContext } from "./stream.ts";
export type { AnyLocal, LocalConstructor, LocalEntryOf, LocalOptions } from "./local.ts";
export type { LocalProxyConstructor, LocalProxyOptions, LocalProxySource } from "./proxy.ts";
export type { Releasable } from "./release.ts";
export type { MiddlewareOptions } from "./manager.ts";
export type { ScopeRunner } from "./scope.ts";
export type { StreamChunk, StreamSource } from "./stream.ts";
