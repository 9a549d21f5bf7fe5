/**
 * What a LocalProxy returns for a function-valued property (internal).
 *
 * An object's own function-valued properties (classes, namespaces,
 * callbacks, object-literal methods) come back as they are, as werkzeug
 * returns attributes. Methods inherited from the prototype chain come back
 * bound to the real object, since `Map#get`, `Request#json()` and `#private`
 * members throw when called on the proxy; the same bound function each time
 * for the same object, key and function (up to {@linkcode METHODS_PER_OBJECT}
 * keys per object).
 *
 * @module
 */
import { currentScope, type Scope } from "./_scope.ts";

/** Any function at all may be read through a proxy. */
// deno-lint-ignore no-explicit-any -- its parameters are the real method's
export type Method = (this: unknown, ...args: any[]) => unknown;

/**
 * How many bound methods one object keeps. An object whose methods are
 * request-controlled keys (an RPC or ORM client answering any key) would
 * otherwise keep one per key ever read, for as long as it lives.
 */
export const METHODS_PER_OBJECT = 256;

/**
 * What a read of `fn` at `key` of one object returns: `fn` itself or bound.
 * Entries are changed in place (when the object's `key` holds another
 * function), so that a LocalStack frame may keep the one its proxy read
 * last (see `Frame#method`).
 */
export interface CachedMethod {
  readonly key: PropertyKey;
  fn: Method;
  result: Method;
}

/**
 * The methods read from one object: the first key's entry inline (most
 * objects have one method read per request, which then allocates one entry),
 * the others in a Map made on the second key.
 */
interface MethodCache extends CachedMethod {
  others: Map<PropertyKey, CachedMethod> | undefined;
}

/** Object -> what its function-valued keys return. */
const boundMethods = new WeakMap<object, MethodCache>();
/** Methods of primitives (which cannot be WeakMap keys), one entry per function and scope. */
const primitiveMethods = new WeakMap<Scope, Map<Method, { real: unknown; bound: Method }>>();

/** What a read of `real[key]` that gave the function `fn` returns through a proxy. */
export function methodOf(real: unknown, key: PropertyKey, fn: Method): Method {
  if (typeof real !== "object" && typeof real !== "function") return primitiveMethod(real, fn);
  return methodEntry(real as object, key, fn).result;
}

/** The entry of `real`'s method cache that holds what a read of `fn` at `key` returns. */
export function methodEntry(real: object, key: PropertyKey, fn: Method): CachedMethod {
  const cache = boundMethods.get(real);
  const cached = cache === undefined || cache.key === key ? cache : cache.others?.get(key);
  if (cached !== undefined && cached.fn === fn) return cached;
  // Own or inherited is decided once per object, key and function.
  const result = key === "constructor" || Object.hasOwn(real, key) ? fn : fn.bind(real);
  if (cached !== undefined) {
    cached.fn = fn;
    cached.result = result;
    return cached;
  }
  if (cache === undefined) {
    const first: MethodCache = { key, fn, result, others: undefined };
    boundMethods.set(real, first);
    return first;
  }
  const others = cache.others ??= new Map();
  if (others.size >= METHODS_PER_OBJECT - 1) {
    // Evict the oldest: a class's methods never reach the bound, and the
    // method just read stays the same function until 255 others are read.
    others.delete(others.keys().next().value as PropertyKey);
  }
  const entry: CachedMethod = { key, fn, result };
  others.set(key, entry);
  return entry;
}

function primitiveMethod(real: unknown, fn: Method): Method {
  const scope = currentScope();
  let methods = primitiveMethods.get(scope);
  if (methods === undefined) {
    methods = new Map();
    primitiveMethods.set(scope, methods);
  }
  const cached = methods.get(fn);
  if (cached !== undefined && Object.is(cached.real, real)) return cached.bound;
  const bound = fn.bind(real);
  methods.set(fn, { real, bound });
  return bound;
}
