/**
 * {@linkcode LocalProxy}: an object that forwards every operation to the
 * current value of a Local, LocalStack, AsyncLocalStorage or function, like
 * werkzeug's `LocalProxy` (Flask's `request`, `g`, `current_app`).
 *
 * @example A Flask-style `request`
 * ```ts
 * import { LocalProxy, LocalStack } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const requestStack = new LocalStack<Request>();
 * const request = new LocalProxy(requestStack);
 *
 * function currentPath(): string {
 *   return new URL(request.url).pathname;
 * }
 *
 * requestStack.run(new Request("http://localhost/hello"), () => {
 *   assert.equal(currentPath(), "/hello");
 *   assert.ok(request instanceof Request);
 * });
 * ```
 *
 * @module
 */
import type { AsyncLocalStorage } from "node:async_hooks";
import { proxyRegistry } from "./_scope.ts";
import { typeError } from "./_describe.ts";
import { createLocalProxy } from "./_proxy_handler.ts";
import { parseArguments } from "./_proxy_options.ts";
import type { AnyLocal, Local } from "./local.ts";
import type { LocalStack } from "./stack.ts";

/**
 * Options of {@linkcode LocalProxy}.
 *
 * @example A proxy with its own unbound message
 * ```ts
 * import {
 *   LocalProxy,
 *   type LocalProxyOptions,
 *   LocalStack,
 * } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const options: LocalProxyOptions = { unboundMessage: "no request here" };
 * const stack = new LocalStack<Request>();
 * const request = new LocalProxy(stack, undefined, options);
 * assert.throws(() => request.url, { message: "no request here" });
 * ```
 */
export interface LocalProxyOptions {
  /**
   * The message of the Error thrown when the proxy is used while nothing is
   * bound.
   *
   * @default {"object is not bound"}
   *
   * @example Flask's "working outside of request context"
   * ```ts
   * import { LocalProxy, LocalStack } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const request = new LocalProxy(new LocalStack<Request>(), undefined, {
   *   unboundMessage: "working outside of request context",
   * });
   * assert.throws(() => request.url, {
   *   message: "working outside of request context",
   * });
   * ```
   */
  unboundMessage?: string;
  /**
   * Proxy a function: `typeof proxy` becomes `"function"` and calling or
   * `new`-ing the proxy calls the current object. Off by default, so that
   * validators and serializers see an object.
   *
   * @default {false}
   *
   * @example A per-request logger that is called directly
   * ```ts
   * import { Local, LocalManager, LocalProxy } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const hooks = new Local<{ log: (message: string) => string }>();
   * const log = new LocalProxy(hooks, "log", { callable: true });
   * new LocalManager().run(() => {
   *   hooks.log = (message) => `logged ${message}`;
   *   assert.equal(log("hi"), "logged hi");
   * });
   * ```
   */
  callable?: boolean;
}

/**
 * A source that a {@linkcode LocalProxy} follows without a name: a
 * LocalStack (its top), an AsyncLocalStorage (its store) or a function (its
 * result). A Local needs the name of one of its values as well.
 *
 * @typeParam T The type of the source's current value.
 *
 * @example A proxy over a source chosen at run time
 * ```ts
 * import {
 *   LocalProxy,
 *   type LocalProxySource,
 *   LocalStack,
 * } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const stack = new LocalStack<URL>();
 * const source: LocalProxySource<URL> = stack;
 * const url: URL = new LocalProxy(source);
 * stack.run(new URL("http://localhost/a"), () => {
 *   assert.equal(url.pathname, "/a");
 * });
 * ```
 */
export type LocalProxySource<T = unknown> =
  | LocalStack<T>
  | AsyncLocalStorage<T>
  | (() => T);

/**
 * The constructor of {@linkcode LocalProxy}; `new LocalProxy(...)` is typed
 * as the proxied object.
 *
 * @example A proxy typed as the object it stands for
 * ```ts
 * import { LocalProxy, LocalStack } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const stack = new LocalStack<Request>();
 * const request: Request = new LocalProxy(stack);
 * stack.run(new Request("http://localhost/"), () => {
 *   assert.equal(request.method, "GET");
 * });
 * ```
 */
export interface LocalProxyConstructor {
  /**
   * A proxy for the top of a LocalStack, the store of an AsyncLocalStorage or
   * the result of a function.
   *
   * @typeParam T The type of the source's current value.
   *
   * @example The top of a stack
   * ```ts
   * import { LocalProxy, LocalStack } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const stack = new LocalStack<URL>();
   * const url = new LocalProxy(stack);
   * stack.run(new URL("http://localhost/a"), () => {
   *   assert.equal(url.pathname, "/a");
   * });
   * ```
   */
  new <T>(
    source: LocalProxySource<T>,
    name?: undefined,
    options?: LocalProxyOptions,
  ): NonNullable<T>;
  /**
   * A proxy for one value of a Local.
   *
   * @typeParam T The Local's value types.
   * @typeParam K The name of the proxied value.
   *
   * @example One value of a Local
   * ```ts
   * import { Local, LocalManager, LocalProxy } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const g = new Local<{ user: { name: string } }>();
   * const user = new LocalProxy(g, "user");
   * new LocalManager().run(() => {
   *   g.user = { name: "ada" };
   *   assert.equal(user.name, "ada");
   * });
   * ```
   */
  new <T extends object, K extends keyof T & string>(
    source: Local<T>,
    name: K,
    options?: LocalProxyOptions,
  ): NonNullable<T[K]>;
  /**
   * A proxy for the value at `name`, a property name or dotted path, of the
   * current value of a LocalStack, AsyncLocalStorage or function. Give the
   * proxied type as `T`.
   *
   * @typeParam T The type of the value at `name`.
   *
   * @example A member of the current request
   * ```ts
   * import { LocalProxy, LocalStack } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const requestStack = new LocalStack<Request>();
   * const headers = new LocalProxy<Headers>(requestStack, "headers");
   * const request = new Request("http://x/", { headers: { "x-id": "7" } });
   * requestStack.run(request, () => {
   *   assert.equal(headers.get("x-id"), "7");
   * });
   * ```
   */
  new <T = unknown>(
    source: LocalProxySource,
    name: string,
    options?: LocalProxyOptions,
  ): T;
  /**
   * A proxy for the value at a dotted path into one value of a Local. Give
   * the proxied type as `T`. (A plain name is typed by the overload above,
   * which also rejects names the Local does not have.)
   *
   * @typeParam T The type of the value at the path.
   *
   * @example A value nested in a value of a Local
   * ```ts
   * import { Local, LocalManager, LocalProxy } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const g = new Local<{ user: { name: string } }>();
   * const userName = new LocalProxy<string>(g, "user.name");
   * new LocalManager().run(() => {
   *   g.user = { name: "ada" };
   *   assert.equal(userName.toUpperCase(), "ADA");
   * });
   * ```
   */
  new <T = unknown>(
    source: AnyLocal,
    name: `${string}.${string}`,
    options?: LocalProxyOptions,
  ): T;
  /**
   * `LocalProxy.prototype`: what `Object.getPrototypeOf(proxy)` reports
   * while the proxy is unbound. A bound proxy reports its current object's
   * prototype instead, so `request instanceof Request` holds.
   *
   * @example What an unbound proxy reports
   * ```ts
   * import { LocalProxy, LocalStack } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const request = new LocalProxy(new LocalStack<Request>());
   * assert.equal(Object.getPrototypeOf(request), LocalProxy.prototype);
   * ```
   */
  readonly prototype: object;
  /**
   * The object `proxy` currently forwards to (werkzeug's
   * `_get_current_object()`): use it where identity matters, e.g. as a
   * WeakMap key, for `structuredClone`, or for built-ins that check their
   * argument's brand (`new Response(bytes)`, `new Request(request)`).
   *
   * @typeParam T The proxy's type, which is its object's type.
   * @param proxy A LocalProxy.
   * @returns The current object.
   * @throws {TypeError} When `proxy` is not a LocalProxy.
   * @throws {Error} With the proxy's unbound message when nothing is bound.
   *
   * @example The real object behind a proxy
   * ```ts
   * import { LocalProxy, LocalStack } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const stack = new LocalStack<Map<string, number>>();
   * const map = new LocalProxy(stack);
   * const real = new Map([["a", 1]]);
   * stack.run(real, () => {
   *   assert.notEqual(map, real);
   *   assert.equal(LocalProxy.getCurrentObject(map), real);
   * });
   * ```
   */
  getCurrentObject<T>(proxy: T): T;
  /**
   * Whether `proxy` has a current object right now (Flask's
   * `has_request_context`): `false` where using it would throw its unbound
   * message. Never throws for a LocalProxy, also when its source throws.
   *
   * @param proxy A LocalProxy.
   * @returns `true` when the proxy's source has a current object.
   * @throws {TypeError} When `proxy` is not a LocalProxy.
   *
   * @example Checking for a request before reading it
   * ```ts
   * import { LocalProxy, LocalStack } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const requestStack = new LocalStack<Request>();
   * const request = new LocalProxy(requestStack);
   * assert.equal(LocalProxy.isBound(request), false);
   * requestStack.run(new Request("http://localhost/"), () => {
   *   assert.equal(LocalProxy.isBound(request), true);
   * });
   * ```
   */
  isBound(proxy: unknown): boolean;
  /**
   * What `value instanceof LocalProxy` asks: `true` for every LocalProxy,
   * bound or not, `false` for anything else. (A bound proxy is also an
   * instance of its current object's class.)
   *
   * @param value Anything.
   * @returns Whether `value` is a LocalProxy.
   *
   * @example Recognising a proxy
   * ```ts
   * import { LocalProxy, LocalStack } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const request = new LocalProxy(new LocalStack<object>());
   * assert.ok(request instanceof LocalProxy);
   * assert.ok(!({} instanceof LocalProxy));
   * ```
   */
  [Symbol.hasInstance](value: unknown): boolean;
}

/** The function returning `proxy`'s current object; a TypeError when it is no LocalProxy. */
function currentOf(proxy: unknown, what: string): () => unknown {
  const current = typeof proxy === "object" || typeof proxy === "function"
    ? proxyRegistry.get(proxy as object)
    : undefined;
  if (current === undefined) throw typeError(what, "a LocalProxy", proxy);
  return current;
}

const LocalProxyClass = class LocalProxy {
  constructor(source: unknown, name?: unknown, options?: unknown) {
    return createLocalProxy(parseArguments(source, name, options), LocalProxyClass.prototype);
  }

  static getCurrentObject<T>(proxy: T): T {
    return currentOf(proxy, "LocalProxy.getCurrentObject()")() as T;
  }

  static isBound(proxy: unknown): boolean {
    const current = currentOf(proxy, "LocalProxy.isBound()");
    try {
      current();
      return true;
    } catch {
      // Unbound, or a source that cannot say (a throwing function or
      // getter): either way there is no object to use.
      return false;
    }
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return (typeof value === "object" || typeof value === "function") && value !== null &&
      proxyRegistry.has(value);
  }
};

/**
 * A proxy that forwards every operation to the current value of its source
 * (werkzeug's `LocalProxy`): the top of a {@linkcode LocalStack}, a value of
 * a {@linkcode Local} (by name), the store of an `AsyncLocalStorage`, or the
 * result of a function; `name` may be a dotted path into that value.
 *
 * Reads go through the real object. Its own function-valued properties
 * (classes, callbacks, object-literal methods) come back as they are;
 * methods it inherits come back bound to it, the same bound function each
 * time, so `Map#get`, `Request#json()`, `url.pathname` and `#private`
 * members work. `typeof proxy` is `"object"` unless `options.callable` is
 * set. Using the proxy while nothing is bound throws an Error with
 * `options.unboundMessage`; `Object.keys` of an unbound proxy is `[]`.
 * Printing it prints the current object, cycles and depth limits included,
 * or `<LocalProxy unbound>`.
 *
 * Known limits: a proxy is not its object (`proxy !== real`; use
 * `LocalProxy.getCurrentObject(proxy)`), it is always truthy, `Array.isArray`,
 * `Array#flat` and `structuredClone` see the proxy, `Object.isFrozen(proxy)`
 * is `false`, and `_getCurrentObject` (werkzeug's `_get_current_object`)
 * reads as the function returning the current object unless that object has
 * a property of that name.
 *
 * The constructor takes `(source, name?, options?)`:
 *
 * - `new LocalProxy(stack)`, `new LocalProxy(storage)`,
 *   `new LocalProxy(() => value)`: the top of a {@linkcode LocalStack}, the
 *   store of an `AsyncLocalStorage`, the result of a function; typed as
 *   that value.
 * - `new LocalProxy(local, "name")`: one value of a {@linkcode Local},
 *   typed as it (names the Local does not have are rejected).
 * - `new LocalProxy<T>(source, "a.b")`: a property or dotted path into any
 *   of these; give its type as `T`.
 * - `options` ({@linkcode LocalProxyOptions}): `unboundMessage` and
 *   `callable`.
 *
 * It throws a `TypeError` for any other source, name or option. The static
 * members `LocalProxy.getCurrentObject(proxy)` and
 * `LocalProxy.isBound(proxy)` are documented on
 * {@linkcode LocalProxyConstructor}.
 *
 * @example Proxies over a Local and over a stack
 * ```ts
 * import {
 *   Local,
 *   LocalManager,
 *   LocalProxy,
 *   LocalStack,
 * } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const g = new Local<{ user: { name: string } }>();
 * const user = new LocalProxy(g, "user");
 * const stack = new LocalStack<URL>();
 * const path = new LocalProxy<string>(stack, "pathname");
 *
 * new LocalManager().run(() => {
 *   g.user = { name: "ada" };
 *   assert.equal(user.name, "ada");
 * });
 * stack.run(new URL("http://localhost/a/b"), () => {
 *   assert.equal(path.toUpperCase(), "/A/B");
 * });
 * ```
 */
export const LocalProxy: LocalProxyConstructor =
  LocalProxyClass as unknown as LocalProxyConstructor;
