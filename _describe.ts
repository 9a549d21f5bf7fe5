/**
 * Error-message helpers (internal): every bad argument is reported with what
 * was expected and what was received.
 *
 * @module
 */

/** A short, safe, readable description of any value for an error message. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "string":
      return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)}`;
    case "symbol":
      return `the symbol ${
        value.description === undefined ? "Symbol()" : `Symbol(${value.description})`
      }`;
    case "function":
      return value.name ? `the function ${value.name}` : "an anonymous function";
    case "object":
      return describeObject(value);
    case "bigint":
      return `the bigint ${String(value)}n`;
    default:
      return `the ${typeof value} ${String(value)}`;
  }
}

function describeObject(value: object): string {
  try {
    if (Array.isArray(value)) return `an array of length ${value.length}`;
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === null) return "an object with a null prototype";
    if (proto === Object.prototype) return "a plain object";
    const ctor = (proto as { constructor?: unknown }).constructor;
    return typeof ctor === "function" && ctor.name
      ? `an instance of ${ctor.name}`
      : "an object with a custom prototype";
  } catch {
    // A revoked proxy, or a throwing getPrototypeOf trap or constructor getter.
    return "an object that cannot be inspected (a revoked proxy?)";
  }
}

/** A TypeError saying that `what` expected `expected` and received `value`. */
export function typeError(what: string, expected: string, value: unknown): TypeError {
  return new TypeError(`${what} expects ${expected}; received ${describe(value)}`);
}
