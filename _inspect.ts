/**
 * What the runtimes' inspectors (`node:util`, `Deno.inspect`, `Bun.inspect`,
 * `console.log`) print for a LocalProxy or a Local (internal).
 *
 * The inspectors look at a Proxy's target, not through its traps, and call
 * the target's `Symbol.for("nodejs.util.inspect.custom")` method. That method
 * returns an object, never a string it formatted itself: every inspector then
 * formats the returned object within the call in progress, so its depth
 * limit, cycle detection (`[Circular *1]`) and style apply as they would to
 * the real object.
 *
 * @module
 */

/** The custom-inspection key that all the runtimes' inspectors honour. */
export const INSPECT: symbol = Symbol.for("nodejs.util.inspect.custom");

/** One display object per values Map, so that a cycle prints `[Circular]`. */
const displays = new WeakMap<Map<PropertyKey, unknown>, object>();

/**
 * The class of what a Local prints, so the inspectors label it `Local`. (A
 * class named in its source: Bun ignores names given at run time.)
 */
const LocalDisplay = class Local {};

/**
 * What a Local prints: an object holding its values in the current scope
 * (`Local { user: 'ada' }`). The object is the same for the same values Map,
 * so a Local holding itself prints as a cycle, as a plain object holding
 * itself does.
 */
export function inspectLocal(values: Map<PropertyKey, unknown> | undefined): object {
  if (values === undefined) return new LocalDisplay();
  let display = displays.get(values);
  if (display === undefined) {
    display = new LocalDisplay();
    displays.set(values, display);
  }
  if (!mirrors(display, values)) refill(display, values);
  return display;
}

/** Whether `display` already holds exactly `values` (refilling it mid-print would reorder it). */
function mirrors(display: object, values: Map<PropertyKey, unknown>): boolean {
  if (Reflect.ownKeys(display).length !== values.size) return false;
  for (const [key, value] of values) {
    if (!Object.hasOwn(display, key) || !Object.is(Reflect.get(display, key), value)) return false;
  }
  return true;
}

function refill(display: object, values: Map<PropertyKey, unknown>): void {
  for (const key of Reflect.ownKeys(display)) Reflect.deleteProperty(display, key);
  for (const [key, value] of values) {
    Object.defineProperty(display, key as string | symbol, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
}
