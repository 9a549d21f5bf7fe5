/**
 * Error-message helpers (internal): every bad argument is reported with what
 * was expected and what was received, in a description of bounded size that
 * never throws and never reads through a LocalProxy.
 *
 * @module
 */
import { proxyRegistry } from "./_scope.ts";

/** Longest name, description or string excerpt quoted in a message. */
const MAX_QUOTED = 40;

/** A short, safe, readable description of any value for an error message. */
export function describe(value: unknown): string {
  if ((typeof value === "object" || typeof value === "function") && value !== null) {
    const current = proxyRegistry.get(value);
    if (current !== undefined) return describeProxy(current);
  }
  return describeValue(value);
}

/**
 * {@linkcode describe} without the LocalProxy check, for `_scope.ts` while it
 * loads the runtime (before any LocalProxy, or the registry, exists).
 */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "string":
      return `the string ${JSON.stringify(cap(value))}`;
    case "symbol":
      return `the symbol Symbol(${cap(value.description ?? "")})`;
    case "function":
      return describeFunction(value);
    case "object":
      return describeObject(value);
    case "bigint":
      return `the bigint ${describeDigits(String(value))}`;
    default:
      return `the ${typeof value} ${String(value)}`;
  }
}

/** A LocalProxy, described by its current object (one level: a proxy may return itself). */
function describeProxy(current: () => unknown): string {
  let real: unknown;
  try {
    real = current();
  } catch {
    return "an unbound LocalProxy";
  }
  return `a LocalProxy of ${describeValue(real)}`;
}

function describeFunction(fn: { readonly name: unknown }): string {
  try {
    const name = fn.name;
    return typeof name === "string" && name !== ""
      ? `the function ${cap(name)}`
      : "an anonymous function";
  } catch {
    // A revoked proxy, or a throwing static `name` getter.
    return "a function that cannot be inspected (a revoked proxy or a throwing name getter?)";
  }
}

function describeObject(value: object): string {
  try {
    if (Array.isArray(value)) return `an array of length ${value.length}`;
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === null) return "an object with a null prototype";
    if (proto === Object.prototype) return "a plain object";
    const ctor = (proto as { constructor?: unknown }).constructor;
    const name = typeof ctor === "function" ? ctor.name : undefined;
    return typeof name === "string" && name !== ""
      ? `an instance of ${cap(name)}`
      : "an object with a custom prototype";
  } catch {
    // A revoked proxy, or a throwing getPrototypeOf trap or constructor getter.
    return "an object that cannot be inspected (a revoked proxy?)";
  }
}

function cap(text: string): string {
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
}

function describeDigits(digits: string): string {
  if (digits.length <= MAX_QUOTED) return `${digits}n`;
  return `${digits.slice(0, MAX_QUOTED / 2)}…n (${digits.length} digits)`;
}

/** A TypeError saying that `what` expected `expected` and received `value`. */
export function typeError(what: string, expected: string, value: unknown): TypeError {
  return new TypeError(`${what} expects ${expected}; received ${describe(value)}`);
}
