/**
 * Code that runs in someone else's context: {@linkcode bindScope} and
 * {@linkcode captureScope} carry the current scope to callbacks that other
 * code calls later (listeners, WebSocket handlers, pools and queues), and
 * {@linkcode inScope} tells whether any scope is open (Flask's
 * `copy_current_request_context` and `has_request_context`).
 *
 * @example A listener fired by another request sees the request that registered it
 * ```ts
 * import { bindScope, Local, LocalManager } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const g = new Local<{ id: string }>();
 * const manager = new LocalManager(g);
 * const events = new EventTarget();
 * const seen: (string | undefined)[] = [];
 * manager.run(() => {
 *   g.id = "a";
 *   events.addEventListener("done", bindScope(() => seen.push(g.id)));
 * });
 * manager.run(() => {
 *   g.id = "b";
 *   events.dispatchEvent(new Event("done")); // runs a's listener
 * });
 * assert.deepEqual(seen, ["a"]);
 * ```
 *
 * @module
 */
import { storage as sharedStorage } from "./_scope.ts";
import { typeError } from "./_describe.ts";
import { keepNameAndLength, runIn } from "./_run_in_scope.ts";

// Module-level consts, not the imported bindings, on hot paths (CONTRIBUTING.md, Conventions).
const storage = sharedStorage;

/**
 * Returns a function that calls `fn` in the scope current now: the same
 * scope, not a copy, so what `fn` writes is seen by the code of that scope
 * (the request), as a timer callback's writes are. Arguments, `this` and
 * the return value pass through unchanged. Flask's
 * `copy_current_request_context`.
 *
 * Use it for callbacks that something else calls: listeners of an
 * `EventEmitter`, `EventTarget` or `AbortSignal` (they run in the context
 * of whoever dispatches), WebSocket message handlers on Bun and `ws`, jobs
 * handed to a pool, a queue or a batcher shared by requests.
 *
 * The result has `fn`'s `name` and `length` (servers such as `Deno.serve`
 * look at a handler's `length`), so it can stand in for `fn` as a callback.
 * It is a new function, so keep it to remove a listener
 * (`emitter.off("x", bound)`), and it calls `fn`, never constructs it: bind
 * functions, not classes. A function bound in the root scope (outside any
 * scope) runs in the root scope: {@linkcode inScope} is false there. Calling
 * the result in the scope it was bound in calls `fn` directly, without
 * opening anything.
 *
 * @typeParam F The function's type, kept exactly (parameters, `this`,
 * return type).
 * @param fn The function to bind.
 * @returns A function that runs `fn` in the scope current at this call.
 * @throws {TypeError} When `fn` is not a function.
 *
 * @example The bound function reads and writes the scope it was bound in
 * ```ts
 * import { bindScope, Local, LocalManager } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const g = new Local<{ user: string }>();
 * const manager = new LocalManager(g);
 * const [login, whoAmI] = manager.run(() => [
 *   bindScope((name: string) => {
 *     g.user = name;
 *   }),
 *   bindScope(() => g.user),
 * ]);
 * login("ada"); // called outside the scope, e.g. by a shared queue
 * assert.equal(whoAmI(), "ada");
 * assert.equal(g.user, undefined); // the root scope is untouched
 * ```
 */
export function bindScope<F extends (...args: never[]) => unknown>(fn: F): F {
  if (typeof fn !== "function") throw typeError("bindScope()", "a function to bind", fn);
  const scope = storage.getStore();
  const bound = function (this: unknown, ...args: unknown[]): unknown {
    // Opening the scope costs ~0.5 µs on Deno and Node; already in it, the
    // call is the same without it.
    if (storage.getStore() === scope) return Reflect.apply(fn, this, args);
    return runIn(scope, fn, this, args);
  };
  keepNameAndLength(bound, fn);
  return bound as unknown as F;
}

/**
 * Calls `fn(...args)` in a scope captured earlier by {@linkcode captureScope}
 * and returns its result.
 *
 * @typeParam A The arguments passed on to `fn`.
 * @typeParam R What `fn` returns.
 *
 * @example A runner passes the arguments and returns the result
 * ```ts
 * import { captureScope, type ScopeRunner } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const run: ScopeRunner = captureScope();
 * assert.equal(run((a: number, b: number) => a + b, 1, 2), 3);
 * ```
 */
export type ScopeRunner = <A extends unknown[], R>(fn: (...args: A) => R, ...args: A) => R;

/**
 * Captures the scope current now and returns a runner: `run(fn, ...args)`
 * calls `fn(...args)` in that same scope (its writes are seen by the
 * request) and returns `fn`'s result. For a scope that must travel with some
 * state, such as a WebSocket's: Bun's
 * `server.upgrade(req, { data: { run: captureScope() } })`, then
 * `ws.data.run(() => ...)` in the message handler.
 *
 * Captured in the root scope (outside any scope), the runner runs in the
 * root scope: {@linkcode inScope} is false there.
 *
 * @returns A runner for the scope current at this call.
 *
 * @example A WebSocket-style message handler answers in its upgrade request's scope
 * ```ts
 * import {
 *   captureScope,
 *   Local,
 *   LocalManager,
 *   type ScopeRunner,
 * } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const g = new Local<{ id: string }>();
 * const manager = new LocalManager(g);
 * const sockets: { data: { run: ScopeRunner } }[] = [];
 * for (const id of ["a", "b"]) {
 *   manager.run(() => {
 *     g.id = id;
 *     sockets.push({ data: { run: captureScope() } }); // on upgrade
 *   });
 * }
 * // later, the server calls its message handler outside any request
 * const reply = (text: string) => `${g.id}:${text}`;
 * const replies = sockets.map((ws) => ws.data.run(reply, "hi"));
 * assert.deepEqual(replies, ["a:hi", "b:hi"]);
 * ```
 */
export function captureScope(): ScopeRunner {
  const scope = storage.getStore();
  return function run<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): R {
    if (typeof fn !== "function") {
      throw typeError("the runner of captureScope()", "a function to call", fn);
    }
    if (storage.getStore() === scope) return fn(...args);
    return runIn(scope, fn, undefined, args) as R;
  };
}

/**
 * Whether the code running now is inside a scope that this library opened
 * (`LocalManager#run`, `LocalManager#middleware`, `LocalStack#run`): false
 * in the root scope, that is, outside any request. Flask's
 * `has_request_context`.
 *
 * @returns `true` inside any scope, `false` in the root scope.
 *
 * @example Inside and outside a scope
 * ```ts
 * import { inScope, LocalManager } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * assert.equal(inScope(), false);
 * assert.equal(new LocalManager().run(() => inScope()), true);
 * ```
 */
export function inScope(): boolean {
  return storage.getStore() !== undefined;
}
