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
import { AsyncLocalStorage } from "node:async_hooks";
import { currentScope, proxyRegistry, readSlot } from "./_scope.ts";
import { readLocal, slotOfLocal } from "./_local_values.ts";
import { describe, typeError } from "./_describe.ts";
import type { AnyLocal, Local } from "./local.ts";
import { LocalStack } from "./stack.ts";

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
 * Anything a {@linkcode LocalProxy} can follow.
 *
 * @example
 * ```ts
 * import { LocalStack, type LocalProxySource } from "@contextlocal/contextlocal";
 *
 * const source: LocalProxySource = new LocalStack<Request>();
 * ```
 */
export type LocalProxySource =
  | AnyLocal
  | LocalStack<unknown>
  | AsyncLocalStorage<unknown>
  | (() => unknown);

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
    source: LocalStack<T> | AsyncLocalStorage<T> | (() => T),
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
    source: LocalStack<unknown> | AsyncLocalStorage<unknown> | (() => unknown),
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

const INSPECT = Symbol.for("nodejs.util.inspect.custom");
const GET_CURRENT_OBJECT = "_getCurrentObject";
const DEFAULT_UNBOUND_MESSAGE = "object is not bound";

/** Functions read through a proxy, bound to their object: one per object and key. */
// deno-lint-ignore no-explicit-any -- any function at all may be read through a proxy
type Method = (this: unknown, ...args: any[]) => unknown;
const boundMethods = new WeakMap<object, Map<PropertyKey, { fn: Method; bound: Method }>>();

function bindMethod(real: unknown, key: PropertyKey, fn: Method): Method {
  if (typeof real !== "object" && typeof real !== "function") return fn.bind(real);
  let methods = boundMethods.get(real as object);
  if (methods === undefined) {
    methods = new Map();
    boundMethods.set(real as object, methods);
  }
  const cached = methods.get(key);
  if (cached !== undefined && cached.fn === fn) return cached.bound;
  const bound = fn.bind(real);
  methods.set(key, { fn, bound });
  return bound;
}

function isAsyncLocalStorage(value: unknown): value is AsyncLocalStorage<unknown> {
  try {
    return value instanceof AsyncLocalStorage;
  } catch {
    return false; // a revoked proxy throws on getPrototypeOf
  }
}

/** Builds the function returning the source's current value at `path`. */
function resolverFor(source: unknown, path: string[]): () => unknown {
  const localSlot = slotOfLocal(source);
  let lookup: () => unknown;
  if (localSlot !== undefined) {
    const first = path.shift() as string;
    lookup = () => readLocal(localSlot, first);
  } else if (source instanceof LocalStack) {
    // The slot, not the public `top`: a strict stack's getter throws its own
    // error outside scopes, where the proxy must throw its unbound message.
    const stack: object = source;
    lookup = () => (readSlot(currentScope(), stack) as { item: unknown } | undefined)?.item;
  } else if (isAsyncLocalStorage(source)) {
    const als = source;
    lookup = () => als.getStore();
  } else {
    const fn = source as () => unknown;
    lookup = () => fn();
  }
  if (path.length === 0) return lookup;
  return () => {
    let value = lookup();
    for (const segment of path) {
      if (value === undefined || value === null) return undefined;
      value = (value as Record<string, unknown>)[segment];
    }
    return value;
  };
}

function validate(source: unknown, name: unknown, options: unknown): string[] {
  const what = "new LocalProxy()";
  const isLocal = slotOfLocal(source) !== undefined;
  if (
    !isLocal && !(source instanceof LocalStack) && !isAsyncLocalStorage(source) &&
    typeof source !== "function"
  ) {
    throw typeError(
      what,
      "a Local, LocalStack, AsyncLocalStorage or function as its source",
      source,
    );
  }
  if (name !== undefined && typeof name !== "string") {
    throw typeError(what, "a property name or dotted path (string) as its name", name);
  }
  if (isLocal && name === undefined) {
    throw new TypeError(
      `${what} with a Local source needs the name of the value to proxy, as in new LocalProxy(g, "user")`,
    );
  }
  const path = name === undefined ? [] : name.split(".");
  if (path.some((segment) => segment === "")) {
    throw new TypeError(
      `${what} expects a property name or dotted path such as "user.name"; received ${
        describe(name)
      }`,
    );
  }
  if (options !== undefined) {
    if (typeof options !== "object" || options === null) {
      throw typeError(what, "an options object or undefined", options);
    }
    const { unboundMessage, callable } = options as LocalProxyOptions;
    if (unboundMessage !== undefined && typeof unboundMessage !== "string") {
      throw typeError(what, "options.unboundMessage to be a string", unboundMessage);
    }
    if (callable !== undefined && typeof callable !== "boolean") {
      throw typeError(what, "options.callable to be a boolean", callable);
    }
  }
  return path;
}

function createTarget(callable: boolean): object {
  if (!callable) return {};
  // A bound function is callable and constructible yet has no `prototype`:
  // once `length` and `name` are gone it holds no property that proxy
  // invariants would force us to report.
  const target = function () {}.bind(null);
  delete (target as { length?: number }).length;
  delete (target as { name?: string }).name;
  return target;
}

const LocalProxyClass = class LocalProxy {
  constructor(source: unknown, name?: unknown, options?: unknown) {
    const path = validate(source, name, options);
    const resolve = resolverFor(source, path);
    const { unboundMessage = DEFAULT_UNBOUND_MESSAGE, callable = false } =
      (options ?? {}) as LocalProxyOptions;
    const current = (): unknown => {
      const real = resolve();
      if (real === undefined || real === null) throw new Error(unboundMessage);
      return real;
    };
    const asObject = (real: unknown): object =>
      typeof real === "object" || typeof real === "function" ? real as object : Object(real);
    const getCurrentObject = (): unknown => current();
    const toJSON = (): unknown => current();

    const target = createTarget(callable);
    Object.defineProperty(target, INSPECT, {
      configurable: true,
      value(
        _depth: number,
        options: object,
        inspect?: (value: unknown, options: object) => string,
      ) {
        let real: unknown;
        try {
          real = resolve();
        } catch (error) {
          return `<LocalProxy unresolvable: ${
            error instanceof Error ? error.message : String(error)
          }>`;
        }
        if (real === undefined || real === null) return "<LocalProxy unbound>";
        return typeof inspect === "function" ? inspect(real, options) : real;
      },
    });

    // The target is shared by every scope: no trap writes to it, and none
    // reports what its invariants forbid (see DESIGN.md §4).
    const proxy: object = new Proxy(target, {
      get(_target, key) {
        if (key === GET_CURRENT_OBJECT) return getCurrentObject;
        const real = resolve();
        let value: unknown;
        // The hot path: a plain property load is [[Get]] with receiver = real,
        // exactly what Reflect.get(real, key, real) does, but engines inline it.
        if (typeof real === "object" && real !== null) {
          value = (real as Record<PropertyKey, unknown>)[key];
        } else if (real === undefined || real === null) {
          throw new Error(unboundMessage);
        } else {
          value = Reflect.get(asObject(real), key, real);
        }
        if (typeof value === "function") {
          if (key !== "constructor") return bindMethod(real, key, value as Method);
        } else if (value === undefined && key === "toJSON") {
          // JSON.stringify sees the real value (arrays stay arrays).
          return toJSON;
        }
        return value;
      },
      set(_target, key, value) {
        return Reflect.set(asObject(current()), key, value);
      },
      has(_target, key) {
        return Reflect.has(asObject(current()), key);
      },
      deleteProperty(_target, key) {
        return Reflect.deleteProperty(asObject(current()), key);
      },
      ownKeys() {
        return Reflect.ownKeys(asObject(current()));
      },
      getOwnPropertyDescriptor(_target, key) {
        const descriptor = Reflect.getOwnPropertyDescriptor(asObject(current()), key);
        // Non-configurable would contradict the (configurable) target.
        if (descriptor !== undefined) descriptor.configurable = true;
        return descriptor;
      },
      defineProperty(_target, key, descriptor) {
        const real = asObject(current());
        if (descriptor.configurable === false) {
          throw new TypeError(
            `LocalProxy cannot define the non-configurable property ${
              String(key)
            }: define it on LocalProxy.getCurrentObject(proxy) instead`,
          );
        }
        return Reflect.defineProperty(real, key, descriptor);
      },
      getPrototypeOf() {
        const real = resolve();
        if (real === undefined || real === null) return LocalProxyClass.prototype;
        return Reflect.getPrototypeOf(asObject(real));
      },
      setPrototypeOf(_target, prototype) {
        return Reflect.setPrototypeOf(asObject(current()), prototype);
      },
      isExtensible() {
        current();
        return true; // must match the target, which stays extensible
      },
      preventExtensions() {
        current();
        throw new TypeError(
          "cannot freeze, seal or prevent extensions of a LocalProxy (its target is shared by every scope): " +
            "apply it to LocalProxy.getCurrentObject(proxy) instead",
        );
      },
      apply(_target, thisArg, args) {
        const real = current();
        if (typeof real !== "function") {
          throw new TypeError(`LocalProxy cannot call its current object: it is ${describe(real)}`);
        }
        return Reflect.apply(real, thisArg, args);
      },
      construct(_target, args, newTarget) {
        const real = current();
        if (typeof real !== "function") {
          throw new TypeError(
            `LocalProxy cannot construct its current object: it is ${describe(real)}`,
          );
        }
        return Reflect.construct(real, args, newTarget === proxy ? real : newTarget);
      },
    });
    proxyRegistry.set(proxy, current);
    return proxy;
  }

  static getCurrentObject<T>(proxy: T): T {
    const current = typeof proxy === "object" || typeof proxy === "function"
      ? proxyRegistry.get(proxy as object)
      : undefined;
    if (current === undefined) {
      throw typeError("LocalProxy.getCurrentObject()", "a LocalProxy", proxy);
    }
    return current() as T;
  }

  static isBound(proxy: unknown): boolean {
    const current = typeof proxy === "object" || typeof proxy === "function"
      ? proxyRegistry.get(proxy as object)
      : undefined;
    if (current === undefined) throw typeError("LocalProxy.isBound()", "a LocalProxy", proxy);
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
