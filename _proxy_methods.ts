/**
 * Functions read through a LocalProxy, bound to their object (internal).
 *
 * @module
 */

/** Any function at all may be read through a proxy. */
// deno-lint-ignore no-explicit-any -- its parameters are the real method's
export type Method = (this: unknown, ...args: any[]) => unknown;

const boundMethods = new WeakMap<object, Map<PropertyKey, { fn: Method; bound: Method }>>();

/** `fn`, read as `real[key]`, bound to `real`: one bound function per object and key. */
export function methodOf(real: unknown, key: PropertyKey, fn: Method): Method {
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
