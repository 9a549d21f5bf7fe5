/**
 * What the runtimes' inspectors (`node:util`, `Deno.inspect`, `Bun.inspect`,
 * `console.log`) print for a LocalProxy or a Local (internal).
 *
 * @module
 */

/** The custom-inspection key that all the runtimes' inspectors honour. */
export const INSPECT: symbol = Symbol.for("nodejs.util.inspect.custom");

/** The `inspect` function the inspectors pass to a custom inspector. */
export type Inspect = (value: unknown, options: object) => string;

/**
 * What a proxy prints: its current object, or a short string when there is
 * none. `resolve` returns the current object or `undefined`/`null`.
 */
export function inspectProxy(resolve: () => unknown, options: object, inspect?: Inspect): unknown {
  let real: unknown;
  try {
    real = resolve();
  } catch (error) {
    return `<LocalProxy unresolvable: ${error instanceof Error ? error.message : String(error)}>`;
  }
  if (real === undefined || real === null) return "<LocalProxy unbound>";
  return typeof inspect === "function" ? inspect(real, options) : real;
}
