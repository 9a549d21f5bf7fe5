/**
 * The Proxy behind every LocalProxy: its target and its traps (internal).
 *
 * The target is shared by every scope: no trap writes to it, and none
 * reports what its invariants forbid (a non-configurable property, a
 * non-extensible target); those operations go to the current object or
 * throw a TypeError that says what to do instead.
 *
 * @module
 */
import { proxyRegistry, rootScope as sharedRootScope, storage as sharedStorage } from "./_scope.ts";
import { describe } from "./_describe.ts";
import { INSPECT } from "./_inspect.ts";
import { type Method, methodEntry, methodOf } from "./_proxy_methods.ts";
import type { Frame } from "./_frames.ts";
import { isUnbound, type ProxyConfig } from "./_proxy_options.ts";

// Module-level consts, not the imported bindings, on hot paths (CONTRIBUTING.md, Conventions).
const storage = sharedStorage;
const rootScope = sharedRootScope;

/** werkzeug's `_get_current_object`, a reserved property name of every proxy. */
const GET_CURRENT_OBJECT = "_getCurrentObject";
const IS_CONCAT_SPREADABLE: typeof Symbol.isConcatSpreadable = Symbol.isConcatSpreadable;

/**
 * A new LocalProxy for `config`; `unboundPrototype` is what
 * `Object.getPrototypeOf` reports while it is unbound.
 */
export function createLocalProxy(config: ProxyConfig, unboundPrototype: object): object {
  const { resolve, unboundMessage } = config;
  const current = (): unknown => {
    const real = resolve();
    if (isUnbound(real)) throw new Error(unboundMessage);
    return real;
  };
  const target = createTarget(config.callable, () => inspectProxy(resolve));
  const proxy: object = new Proxy(target, handlerFor(config, current, unboundPrototype));
  proxyRegistry.set(proxy, current);
  return proxy;
}

/**
 * The proxy's target: it holds nothing, and its prototype holds the custom
 * inspector (inspectors read it from the target; an own property would make
 * every read's invariant check on the target a little slower).
 */
function createTarget(callable: boolean, inspect: () => unknown): object {
  const inspector = Object.create(null, { [INSPECT]: { value: inspect } }) as object;
  if (!callable) return Object.create(inspector);
  // A bound function is callable and constructible yet has no `prototype`:
  // once `length` and `name` are gone it holds no property that proxy
  // invariants would force us to report.
  const target = function () {}.bind(null);
  delete (target as { length?: number }).length;
  delete (target as { name?: string }).name;
  Object.setPrototypeOf(target, inspector);
  return target;
}

/** A read while unbound: only `_getCurrentObject` can be read (calling it throws). */
function unboundRead(key: PropertyKey, current: () => unknown, unboundMessage: string): unknown {
  if (key === GET_CURRENT_OBJECT) return current;
  throw new Error(unboundMessage);
}

/** `real[key]` as the proxy returns it. */
function read(real: unknown, key: PropertyKey, current: () => unknown): unknown {
  // A property load is [[Get]] with receiver = real, a primitive's too
  // (ToObject for the lookup, the primitive as `this` for a getter).
  const value = (real as Record<PropertyKey, unknown>)[key];
  if (typeof value === "function") return methodOf(real, key, value as Method);
  return value === undefined ? missing(key, real, current) : value;
}

/**
 * What the proxy answers for a key its current object does not have: the
 * language asks the proxy, not the object, where the proxy must answer as
 * the object would.
 */
function missing(key: PropertyKey, real: unknown, current: () => unknown): unknown {
  if (key === GET_CURRENT_OBJECT) return current;
  // Array#concat spreads arrays, but IsArray(proxy) looks at the target.
  if (key === IS_CONCAT_SPREADABLE) return Array.isArray(real);
  // JSON.stringify sees the real value (arrays stay arrays).
  if (key === "toJSON") return current;
  return undefined;
}

/** The current object as an object: primitives are boxed for `Reflect`. */
function asObject(real: unknown): object {
  return typeof real === "object" || typeof real === "function" ? real as object : Object(real);
}

/** What the traps of one proxy read from its handler (`this` in a trap). */
interface ProxyData {
  readonly resolve: () => unknown;
  readonly current: () => unknown;
  readonly unboundMessage: string;
  readonly unboundPrototype: object;
  /** The fast slot of a LocalStack proxy without a path; -1 for the others. */
  readonly slot: number;
}

type Handler = ProxyHandler<object> & ProxyData;

/**
 * The proxy's handler: its own data, and the traps on a prototype shared
 * by every proxy. Engines look a trap up on the handler for every operation
 * and call it with the handler as `this`: one function per trap for all
 * proxies is optimized once, with this module's constants folded in, where a
 * closure per proxy reads its data from its context (request.a x1.26 with
 * three stack proxies vs x1.10 with one, when the traps were closures).
 */
function handlerFor(
  { resolve, unboundMessage, stackSlot }: ProxyConfig,
  current: () => unknown,
  unboundPrototype: object,
): ProxyHandler<object> {
  const handler: Handler = Object.create(TRAPS);
  // Always the same properties in the same order: one shape for every handler.
  Object.assign(handler, {
    get: stackSlot === undefined ? generalGet : stackGet,
    resolve,
    current,
    unboundMessage,
    unboundPrototype,
    slot: stackSlot ?? -1,
  });
  return handler;
}

/** The get trap of a proxy of a LocalStack's fast slot (the usual `request`). */
function stackGet(this: Handler, _target: object, key: PropertyKey): unknown {
  // The hottest path: the fast slot read straight from the store, the item
  // read once (a getter runs once, as for `item[key]`), a method memoized on
  // the frame. Any item but null (unbound) is read as the language reads it,
  // a primitive's too: no typeof test before the read (request.a x1.19 ->
  // x1.11 on Deno, x1.25 -> x1.19 on Node).
  const frame = (storage.getStore() ?? rootScope).fast[this.slot] as Frame<unknown> | undefined;
  if (frame !== undefined) {
    const real = frame.item;
    if (real !== null) {
      const value = (real as Record<PropertyKey, unknown>)[key];
      if (typeof value !== "function") {
        return value === undefined ? missing(key, real, this.current) : value;
      }
      const memo = frame.method;
      if (memo !== undefined && memo.key === key && memo.fn === value) return memo.result;
      if (typeof real !== "object" && typeof real !== "function") {
        return methodOf(real, key, value as Method);
      }
      return (frame.method = methodEntry(real as object, key, value as Method)).result;
    }
  }
  return unboundRead(key, this.current, this.unboundMessage);
}

/** The get trap of every other proxy. */
function generalGet(this: Handler, _target: object, key: PropertyKey): unknown {
  return readOrUnbound(this, this.resolve(), key);
}

/** `real[key]` as `handler`'s proxy returns it, or the read of an unbound proxy. */
function readOrUnbound(handler: Handler, real: unknown, key: PropertyKey): unknown {
  return isUnbound(real)
    ? unboundRead(key, handler.current, handler.unboundMessage)
    : read(real, key, handler.current);
}

/** Every trap but `get`, for every proxy (see {@linkcode handlerFor}). */
const TRAPS: ProxyHandler<object> = {
  set(this: Handler, _target, key, value) {
    return Reflect.set(asObject(this.current()), key, value);
  },
  has(this: Handler, _target, key) {
    return Reflect.has(asObject(this.current()), key);
  },
  deleteProperty(this: Handler, _target, key) {
    return Reflect.deleteProperty(asObject(this.current()), key);
  },
  ownKeys(this: Handler) {
    // Like werkzeug's dir() of an unbound proxy: nothing to list, no error.
    const real = this.resolve();
    return isUnbound(real) ? [] : Reflect.ownKeys(asObject(real));
  },
  getOwnPropertyDescriptor(this: Handler, _target, key) {
    const descriptor = Reflect.getOwnPropertyDescriptor(asObject(this.current()), key);
    // Non-configurable would contradict the (configurable) target.
    if (descriptor !== undefined) descriptor.configurable = true;
    return descriptor;
  },
  defineProperty(this: Handler, _target, key, descriptor) {
    const real = asObject(this.current());
    if (descriptor.configurable === false) {
      throw new TypeError(
        `LocalProxy cannot define the non-configurable property ${
          String(key)
        }: define it on LocalProxy.getCurrentObject(proxy) instead`,
      );
    }
    return Reflect.defineProperty(real, key, descriptor);
  },
  getPrototypeOf(this: Handler) {
    const real = this.resolve();
    if (isUnbound(real)) return this.unboundPrototype;
    return Reflect.getPrototypeOf(asObject(real));
  },
  setPrototypeOf(this: Handler, _target, prototype) {
    return Reflect.setPrototypeOf(asObject(this.current()), prototype);
  },
  isExtensible(this: Handler) {
    this.current();
    return true; // must match the target, which stays extensible
  },
  preventExtensions(this: Handler) {
    this.current();
    throw new TypeError(
      "cannot freeze, seal or prevent extensions of a LocalProxy (its target is shared by " +
        "every scope): apply it to LocalProxy.getCurrentObject(proxy) instead",
    );
  },
  apply(this: Handler, _target, thisArg, args) {
    return Reflect.apply(callableCurrent(this.current, "call"), thisArg, args);
  },
  construct(this: Handler, _target, args, newTarget) {
    const real = callableCurrent(this.current, "construct");
    // `new proxy()` constructs the real function, not the proxy.
    return Reflect.construct(
      real,
      args,
      proxyRegistry.get(newTarget) === this.current ? real : newTarget,
    );
  },
};

function callableCurrent(current: () => unknown, action: string): Method {
  const real = current();
  if (typeof real !== "function") {
    throw new TypeError(`LocalProxy cannot ${action} its current object: it is ${describe(real)}`);
  }
  return real as Method;
}

/**
 * What a proxy prints: its current object, or a short string when there is
 * none. `resolve` returns the current object or `undefined`/`null`.
 */
function inspectProxy(resolve: () => unknown): unknown {
  let real: unknown;
  try {
    real = resolve();
  } catch (error) {
    // A log line must not throw: say why there is nothing to print.
    return `<LocalProxy unresolvable: ${describeError(error)}>`;
  }
  return isUnbound(real) ? "<LocalProxy unbound>" : real;
}

function describeError(error: unknown): string {
  try {
    if (error instanceof Error) return describe(error.message).replace(/^the string /, "");
  } catch {
    // a hostile error object: fall through to a description of it
  }
  return describe(error);
}
