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

/** What a read of `fn` at one key of one object returns: `fn` itself or bound. */
interface CachedMethod {
  readonly fn: Method;
  readonly result: Method;
}

/** Object -> key -> what the function last read there returns. */
const boundMethods = new WeakMap<object, Map<PropertyKey, CachedMethod>>();
/** Methods of primitives (which cannot be WeakMap keys), one entry per function and scope. */
const primitiveMethods = new WeakMap<Scope, Map<Method, { real: unknown; bound: Method }>>();

/** What a read of `real[key]` that gave the function `fn` returns through a proxy. */
export function methodOf(real: unknown, key: PropertyKey, fn: Method): Method {
  if (typeof real !== "object" && typeof real !== "function") return primitiveMethod(real, fn);
  let methods = boundMethods.get(real as object);
  if (methods === undefined) {
    methods = new Map();
    boundMethods.set(real as object, methods);
  }
  const cached = methods.get(key);
  // Own or inherited is decided once per object, key and function.
  if (cached !== undefined && cached.fn === fn) return cached.result;
  const result = key === "constructor" || Object.hasOwn(real as object, key) ? fn : fn.bind(real);
  if (cached === undefined && methods.size >= METHODS_PER_OBJECT) {
    // Evict the oldest: a class's methods never reach the bound, and the
    // method just read stays the same function until 256 others are read.
    methods.delete(methods.keys().next().value as PropertyKey);
  }
  methods.set(key, { fn, result });
  return result;
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
