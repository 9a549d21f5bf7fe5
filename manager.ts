/**
 * {@linkcode LocalManager}: opens scopes (one per request with
 * `middleware`) and clears a set of locals, like werkzeug's `LocalManager`.
 *
 * @example Per-request scopes for a server's handler
 * ```ts
 * import { Local, LocalManager } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const g = new Local<{ user: string }>();
 * const manager = new LocalManager([g]);
 * // Deno.serve(handle), Bun.serve({ fetch: handle }), workerd's fetch
 * const handle = manager.middleware(async (request: Request) => {
 *   g.user = request.headers.get("x-user") ?? "anonymous";
 *   await new Promise((resolve) => setTimeout(resolve, 1));
 *   return new Response(`hello ${g.user}`);
 * });
 * const response = await handle(
 *   new Request("http://localhost/", { headers: { "x-user": "ada" } }),
 * );
 * assert.equal(await response.text(), "hello ada");
 * assert.equal(g.user, undefined); // the root scope was never written
 * ```
 *
 * @module
 */
import {
  currentScope as sharedCurrentScope,
  forkScope as sharedForkScope,
  type Operation,
  releaseSlot,
  rootScopeFor,
  storage as sharedStorage,
} from "./_scope.ts";
import { typeError } from "./_describe.ts";
import { call1, call2, keepNameAndLength, RUN_KEEPS_UNDEFINED_THIS } from "./_run_in_scope.ts";
import { withScopedBodies } from "./_scoped_response.ts";
import { notReleasable, slotOfReleasable } from "./_local_values.ts";
import type { Releasable } from "./release.ts";

// Module-level consts, not the imported bindings, on hot paths (CONTRIBUTING.md, Conventions).
const storage = sharedStorage;
const forkScope = sharedForkScope;
const currentScope = sharedCurrentScope;

/**
 * Opens scopes and clears the locals it manages (werkzeug's `LocalManager`).
 *
 * Every scope it opens starts with the current scope's values and is
 * independent afterwards: writes inside never show outside, nor in sibling
 * scopes. Values need no cleanup when a scope ends: they go with the scope.
 *
 * @example Concurrent scopes keep their own values
 * ```ts
 * import { Local, LocalManager } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const g = new Local<{ id: number }>();
 * const manager = new LocalManager(g);
 * const ids = await Promise.all([1, 2, 3].map((id) =>
 *   manager.run(async () => {
 *     g.id = id;
 *     await new Promise((resolve) => setTimeout(resolve, 3 - id));
 *     return g.id;
 *   })
 * ));
 * assert.deepEqual(ids, [1, 2, 3]);
 * ```
 */
export class LocalManager {
  #slots: object[];

  /**
   * Creates a manager of the given Locals and LocalStacks.
   *
   * @param locals The Locals and LocalStacks that {@linkcode LocalManager.prototype.cleanup}
   * clears: one, or an iterable of them (none by default).
   * @throws {TypeError} When an entry is neither a Local nor a LocalStack.
   *
   * @example A manager of a Local and a stack
   * ```ts
   * import { Local, LocalManager, LocalStack } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const g = new Local<{ user: string }>();
   * const requests = new LocalStack<string>();
   * const manager = new LocalManager([g, requests]);
   * manager.run(() => {
   *   g.user = "ada";
   *   requests.push("/");
   *   manager.cleanup();
   *   assert.equal(g.user, undefined);
   *   assert.equal(requests.top, undefined);
   * });
   * ```
   */
  constructor(locals?: Releasable | Iterable<Releasable>) {
    const what = "new LocalManager()";
    const single = slotOfReleasable(locals);
    if (single !== undefined) {
      this.#slots = [single];
    } else if (locals === undefined) {
      this.#slots = [];
    } else if (isIterable(locals)) {
      this.#slots = Array.from(locals as Iterable<unknown>, (local, index) => {
        const slot = slotOfReleasable(local);
        if (slot === undefined) {
          throw notReleasable(what, `a Local or LocalStack at index ${index}`, local);
        }
        return slot;
      });
    } else {
      throw notReleasable(what, "a Local, a LocalStack, an iterable of them, or undefined", locals);
    }
  }

  /**
   * Clears every managed local in the current scope only (werkzeug's
   * `cleanup`).
   *
   * @throws {Error} When no scope is open and a managed local is strict
   * (nothing is cleared then).
   *
   * @example Clearing in one scope leaves the parent's values
   * ```ts
   * import { Local, LocalManager } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const g = new Local<{ user: string }>();
   * const manager = new LocalManager(g);
   * manager.run(() => {
   *   g.user = "ada";
   *   manager.run(() => {
   *     manager.cleanup();
   *     assert.equal(g.user, undefined);
   *   });
   *   assert.equal(g.user, "ada");
   * });
   * ```
   */
  cleanup(): void {
    LocalManager.#check(this, "cleanup()");
    const slots = this.#slots;
    // All or nothing: a strict local outside any scope throws before any is cleared.
    if (storage.getStore() === undefined) { for (const slot of slots) rootScopeFor(slot, CLEANUP); }
    for (const slot of slots) releaseSlot(slot, CLEANUP);
  }

  /**
   * Calls `fn` in a new scope and returns its result. Everything `fn`
   * starts (awaits, timers, promise callbacks) runs in that scope.
   *
   * @typeParam R What `fn` returns.
   * @throws {TypeError} When `fn` is not a function.
   *
   * @example A child scope starts with its parent's values
   * ```ts
   * import { Local, LocalManager } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const g = new Local<{ user: string }>();
   * const manager = new LocalManager();
   * manager.run(() => {
   *   g.user = "outer";
   *   const inner = manager.run(() => {
   *     assert.equal(g.user, "outer");
   *     g.user = "inner";
   *     return g.user;
   *   });
   *   assert.equal(inner, "inner");
   *   assert.equal(g.user, "outer");
   * });
   * ```
   */
  run<R>(fn: () => R): R {
    LocalManager.#check(this, "run()");
    if (typeof fn !== "function") throw typeError("LocalManager#run()", "a function to call", fn);
    return storage.run(forkScope(currentScope()), fn);
  }

  /** A TypeError naming `method` unless `self` is a LocalManager of this copy. */
  static #check(self: unknown, method: string): void {
    if (typeof self !== "object" || self === null || !(#slots in self)) {
      throw typeError(
        `LocalManager#${method}`,
        `a LocalManager as \`this\` (call it as manager.${method}, or bind it)`,
        self,
      );
    }
  }

  /**
   * Wraps `handler` so that each call runs in its own new scope: one scope
   * per request. Arguments, `this` and the return value pass through
   * unchanged, and the wrapper has the handler's `length` (Deno.serve calls a
   * zero-length handler without a request) and `name`, so the result plugs
   * straight into `Deno.serve`, `Bun.serve({ fetch })` or `http.createServer`.
   *
   * With `{ streams: true }`, a `Response` with a body that the handler
   * returns (or resolves to) is answered with a copy whose body is read
   * through `streamWithContext` in the request's scope, whoever
   * pulls it: same status, `statusText` and headers (each `Set-Cookie`
   * too). Status 101 (a WebSocket upgrade) and body-less responses come back
   * untouched, the same object. Off by default: it costs every response
   * with a body one more stream, and `Deno.serve` then sends a string body
   * chunked, without `Content-Length`. Only status, `statusText` and
   * headers are copied: runtime-specific fields of the original (workerd's
   * `cf`, for instance) are not.
   *
   * @typeParam A The handler's parameters.
   * @typeParam R What the handler returns.
   * @typeParam This The handler's `this` (Bun.serve calls `fetch` as a
   * method of the server).
   * @param handler The request handler (or any function) to wrap.
   * @param options `streams`: read response bodies in the request's scope.
   * @returns A function of the same type that runs `handler` in a new scope
   * on each call.
   * @throws {TypeError} When `handler` is not a function, or `options` is
   * not an object of known options.
   *
   * @example One scope per request
   * ```ts
   * import {
   *   LocalManager,
   *   LocalProxy,
   *   LocalStack,
   * } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const requestStack = new LocalStack<Request>();
   * const request = new LocalProxy(requestStack);
   * const handle = new LocalManager(requestStack).middleware((req: Request) => {
   *   requestStack.push(req);
   *   return new Response(new URL(request.url).pathname);
   * });
   * const response = await handle(new Request("http://localhost/ping"));
   * assert.equal(await response.text(), "/ping");
   * assert.equal(requestStack.top, undefined);
   * ```
   *
   * @example A streamed body that the server pulls after the handler returned
   * ```ts
   * import {
   *   LocalManager,
   *   LocalProxy,
   *   LocalStack,
   * } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const requestStack = new LocalStack<Request>();
   * const request = new LocalProxy(requestStack);
   * async function* echoPath(): AsyncGenerator<Uint8Array> {
   *   await new Promise((resolve) => setTimeout(resolve, 1));
   *   // runs when the body is read, after the handler has returned
   *   yield new TextEncoder().encode(new URL(request.url).pathname);
   * }
   * const manager = new LocalManager(requestStack);
   * const handle = manager.middleware((req: Request) => {
   *   requestStack.push(req);
   *   return new Response(ReadableStream.from(echoPath()), { status: 201 });
   * }, { streams: true });
   * const response = await handle(new Request("http://localhost/stream"));
   * assert.equal(response.status, 201);
   * assert.equal(await response.text(), "/stream");
   * ```
   */
  middleware<A extends unknown[], R, This = unknown>(
    handler: (this: This, ...args: A) => R,
    options?: MiddlewareOptions,
  ): (this: This, ...args: A) => R {
    const what = "LocalManager#middleware()";
    if (typeof handler !== "function") throw typeError(what, "a handler function", handler);
    const inScope = streamsOption(options, what) ? withScopedBodies(handler) : handler;
    const wrapped = inNewScope(inScope as (this: This, ...args: A) => R);
    keepNameAndLength(wrapped, handler);
    return wrapped;
  }
}

/**
 * `handler` called in a new scope per call, with the caller's `this` and
 * arguments. `arguments` is read in place rather than passed on, so engines
 * make no arguments object, and one or two arguments (how servers call a
 * handler) reach the handler without an array per call.
 */
function inNewScope<A extends unknown[], R, This>(
  handler: (this: This, ...args: A) => R,
): (this: This, ...args: A) => R {
  const direct = handler as unknown as (...args: unknown[]) => R;
  return function (this: This): R {
    const scope = forkScope(currentScope());
    // Without `this`, `run` calls the handler itself where it keeps `this`
    // undefined: one call less (Bun's middleware x1.5 -> x1.3).
    const plain = this === undefined && RUN_KEEPS_UNDEFINED_THIS;
    switch (arguments.length) {
      case 1:
        return (plain
          ? storage.run(scope, direct, arguments[0])
          : storage.run(scope, call1, handler, this, arguments[0])) as R;
      case 2:
        return (plain
          ? storage.run(scope, direct, arguments[0], arguments[1])
          : storage.run(scope, call2, handler, this, arguments[0], arguments[1])) as R;
      default:
        return storage.run(scope, Reflect.apply, handler, this, Array.from(arguments)) as R;
    }
  };
}

/**
 * The options of {@linkcode LocalManager.prototype.middleware}.
 *
 * @example Streamed bodies read in the request's scope
 * ```ts
 * import {
 *   LocalManager,
 *   type MiddlewareOptions,
 * } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const options: MiddlewareOptions = { streams: true };
 * const manager = new LocalManager();
 * const handle = manager.middleware(() => new Response("ok"), options);
 * assert.equal(await handle().text(), "ok");
 * ```
 */
export interface MiddlewareOptions {
  /**
   * Answer each `Response` with a body with a copy whose body is read
   * through `streamWithContext` in the request's scope.
   *
   * @default {false}
   *
   * @example A generator body that reads a local when the server pulls it
   * ```ts
   * import { Local, LocalManager } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const g = new Local<{ id: string }>();
   * const manager = new LocalManager(g);
   * async function* body(): AsyncGenerator<Uint8Array> {
   *   yield new TextEncoder().encode(g.id ?? "unbound");
   * }
   * const handle = manager.middleware(() => {
   *   g.id = "42";
   *   return new Response(ReadableStream.from(body()));
   * }, { streams: true });
   * assert.equal(await handle().text(), "42");
   * ```
   */
  streams?: boolean;
}

/** Whether `options` asks for `streams`; a TypeError for anything malformed. */
function streamsOption(options: unknown, what: string): boolean {
  if (options === undefined) return false;
  if (typeof options !== "object" || options === null) {
    throw typeError(what, "an options object ({ streams?: boolean }) or undefined", options);
  }
  for (const key of Reflect.ownKeys(options)) {
    if (key !== "streams") {
      throw new TypeError(
        `${what} expects only the option "streams"; received an option named ${String(key)}`,
      );
    }
  }
  const streams = (options as MiddlewareOptions).streams;
  if (streams !== undefined && typeof streams !== "boolean") {
    throw typeError(`${what} option "streams"`, "a boolean or undefined", streams);
  }
  return streams === true;
}

const CLEANUP: Operation = (name) => `manager.cleanup() of ${name}`;

function isIterable(value: unknown): value is Iterable<unknown> {
  if (typeof value !== "object" || value === null) return false;
  try {
    return typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function";
  } catch {
    // A revoked proxy, an unbound LocalProxy or a throwing getter: not an
    // iterable we can use, so the caller reports what it received.
    return false;
  }
}
