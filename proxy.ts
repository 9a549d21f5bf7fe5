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
 * @example
 * ```ts
 * import { LocalProxy, LocalStack, type LocalProxyOptions } from "@contextlocal/contextlocal";
 *
 * const options: LocalProxyOptions = { unboundMessage: "no request: call this inside a handler" };
 * const request = new LocalProxy(new LocalStack<Request>(), undefined, options);
 * ```
 */
export interface LocalProxyOptions {
  /**
   * The message of the Error thrown when the proxy is used while nothing is
   * bound. Defaults to `"object is not bound"`.
   *
   * @example
   * ```ts
   * import { LocalProxy, LocalStack } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const request = new LocalProxy(new LocalStack<Request>(), undefined, {
   *   unboundMessage: "working outside of a request",
   * });
   * assert.throws(() => request.url, { message: "working outside of a request" });
   * ```
   */
  unboundMessage?: string;
  /**
   * Proxy a function: `typeof proxy` becomes `"function"` and calling or
   * `new`-ing the proxy calls the current object. Off by default, so that
   * validators and serializers see an object.
   *
   * @example
   * ```ts
   * import { Local, LocalProxy } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const hooks = new Local<{ log: (message: string) => string }>();
   * hooks.log = (message) => `logged ${message}`;
   * const log = new LocalProxy(hooks, "log", { callable: true });
   * assert.equal(log("hi"), "logged hi");
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
 * @example
 * ```ts
 * import { LocalProxy, LocalStack } from "@contextlocal/contextlocal";
 *
 * const request: Request = new LocalProxy(new LocalStack<Request>());
 * ```
 */
export interface LocalProxyConstructor {
  /**
   * A proxy for the top of a LocalStack, the store of an AsyncLocalStorage or
   * the result of a function.
   *
   * @example
   * ```ts
   * import { LocalProxy, LocalStack } from "@contextlocal/contextlocal";
   *
   * const request = new LocalProxy(new LocalStack<Request>());
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
   * @example
   * ```ts
   * import { Local, LocalProxy } from "@contextlocal/contextlocal";
   *
   * const g = new Local<{ user: { name: string } }>();
   * const user = new LocalProxy(g, "user");
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
   * @example
   * ```ts
   * import { LocalProxy, LocalStack } from "@contextlocal/contextlocal";
   *
   * const requestStack = new LocalStack<Request>();
   * const headers = new LocalProxy<Headers>(requestStack, "headers");
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
   * @example
   * ```ts
   * import { Local, LocalProxy } from "@contextlocal/contextlocal";
   *
   * const g = new Local<{ user: { name: string } }>();
   * const userName = new LocalProxy<string>(g, "user.name");
   * ```
   */
  new <T = unknown>(
    source: AnyLocal,
    name: `${string}.${string}`,
    options?: LocalProxyOptions,
  ): T;
  /**
   * The prototype of the class (proxies report their current object's
   * prototype instead).
   *
   * @example
   * ```ts
   * import { LocalProxy } from "@contextlocal/contextlocal";
   *
   * console.log(typeof LocalProxy.prototype); // "object"
   * ```
   */
  readonly prototype: object;
  /**
   * The object `proxy` currently forwards to (werkzeug's
   * `_get_current_object()`): use it where identity matters, e.g. as a
   * WeakMap key or for `structuredClone`.
   *
   * @throws {TypeError} When `proxy` is not a LocalProxy.
   * @throws {Error} With the proxy's unbound message when nothing is bound.
   *
   * @example
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
   * `true` for every LocalProxy, bound or not.
   *
   * @example
   * ```ts
   * import { LocalProxy, LocalStack } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * assert.ok(new LocalProxy(new LocalStack<object>()) instanceof LocalProxy);
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
 * Reads go through the real object, and functions come back bound to it (the
 * same bound function each time), so `Map#get`, `Request#json()`,
 * `url.pathname` and `#private` members work. `typeof proxy` is `"object"`
 * unless `options.callable` is set. Using the proxy while nothing is bound
 * throws an Error with `options.unboundMessage`.
 *
 * Known limits: a proxy is not its object (`proxy !== real`; use
 * `LocalProxy.getCurrentObject(proxy)`), it is always truthy, `Array.isArray`
 * and `structuredClone` see the proxy, `Object.isFrozen(proxy)` is `false`,
 * and `_getCurrentObject` is a reserved property name (werkzeug's
 * `_get_current_object`).
 *
 * @example
 * ```ts
 * import { Local, LocalProxy, LocalStack } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const g = new Local<{ user: { name: string } }>();
 * const user = new LocalProxy(g, "user");
 * const stack = new LocalStack<URL>();
 * const path = new LocalProxy<string>(stack, "pathname");
 *
 * g.user = { name: "ada" };
 * assert.equal(user.name, "ada");
 * stack.run(new URL("http://localhost/a/b"), () => {
 *   assert.equal(path.toUpperCase(), "/A/B");
 * });
 * ```
 */
export const LocalProxy: LocalProxyConstructor =
  LocalProxyClass as unknown as LocalProxyConstructor;
