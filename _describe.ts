/**
 * Error-message helpers (internal): every bad argument is reported with what
 * was expected and what was received.
 *
 * @module
 */

/** A short, safe description of any value for an error message. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "string":
      return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)}`;
    case "symbol":
      return `symbol ${
        value.description === undefined ? "Symbol()" : `Symbol(${value.description})`
      }`;
    case "function":
      return value.name ? `function ${value.name}` : "an anonymous function";
    case "object":
      return `object ${objectName(value)}`;
    case "bigint":
      return `bigint ${String(value)}n`;
    default:
      return `${typeof value} ${String(value)}`;
  }
}

function objectName(value: object): string {
  try {
    if (Array.isArray(value)) return `Array(${value.length})`;
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === null) return "with a null prototype";
    const ctor = (proto as { constructor?: unknown }).constructor;
    return typeof ctor === "function" && ctor.name ? ctor.name : "Object";
  } catch {
    // A revoked proxy or a throwing getPrototypeOf trap.
    return "(uninspectable)";
  }
}

/** A TypeError saying that `what` expected `expected` and received `value`. */
export function typeError(what: string, expected: string, value: unknown): TypeError {
  return new TypeError(`${what} expects ${expected}; received ${describe(value)}`);
}
