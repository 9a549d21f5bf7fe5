/**
 * What a LocalProxy returns for a function-valued property (internal).
 *
 * An object's own function-valued properties (classes, namespaces,
 * callbacks, object-literal methods) come back as they are, as werkzeug
 * returns attributes. Methods inherited from the prototype chain come back
 * bound to the real object, since `Map#get`, `Request#json()` and `#private`
 * members throw when called on the proxy; the same bound function each time
 * for the same object and function.
 *
 * @module
 */
import { currentScope, type Scope } from "./_scope.ts";

/** Any function at all may be read through a proxy. */
// deno-lint-ignore no-explicit-any -- its parameters are the real method's
export type Method = (this: unknown, ...args: any[]) => unknown;

/** Object -> function -> that function bound to the object. */
const boundMethods = new WeakMap<object, WeakMap<Method, Method>>();
/** Methods of primitives (which cannot be WeakMap keys), one entry per function and scope. */
const primitiveMethods = new WeakMap<Scope, Map<Method, { real: unknown; bound: Method }>>();

/** What a read of `real[key]` that gave the function `fn` returns through a proxy. */
export function methodOf(real: unknown, key: PropertyKey, fn: Method): Method {
  if (typeof real !== "object" && typeof real !== "function") return primitiveMethod(real, fn);
  if (key === "constructor" || Object.hasOwn(real as object, key)) return fn;
  let methods = boundMethods.get(real as object);
  if (methods === undefined) {
    methods = new WeakMap();
    boundMethods.set(real as object, methods);
  }
  let bound = methods.get(fn);
  if (bound === undefined) {
    bound = fn.bind(real);
    methods.set(fn, bound);
  }
  return bound;
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
