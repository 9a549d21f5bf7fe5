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

/** A display -> the name of the local it shows, printed as its tag. */
const labels = new WeakMap<object, string>();

/**
 * The class of what a Local prints, so the inspectors label it `Local`. (A
 * class named in its source: Bun ignores names given at run time.) A named
 * Local's display answers `Symbol.toStringTag` with the name: node:util and
 * Deno.inspect then print `Local [g] { ... }`; Bun.inspect shows no tag.
 * Inherited, so the display's own keys stay exactly the values.
 */
const LocalDisplay = class Local {
  get [Symbol.toStringTag](): string | undefined {
    return labels.get(this);
  }
};

/** The class of what a LocalStack prints, labelled as {@linkcode LocalDisplay} is. */
const StackDisplay = class LocalStack {
  get [Symbol.toStringTag](): string | undefined {
    return labels.get(this);
  }
};

function labelled<T extends object>(display: T, name: string | undefined): T {
  if (name !== undefined) labels.set(display, name);
  return display;
}

/**
 * What a Local prints: an object holding its values in the current scope
 * (`Local { user: 'ada' }`; `Local [g] { user: 'ada' }` when named "g"). The
 * object is the same for the same values Map, so a Local holding itself
 * prints as a cycle, as a plain object holding itself does.
 */
export function inspectLocal(values: Map<PropertyKey, unknown> | undefined, name?: string): object {
  if (values === undefined) return labelled(new LocalDisplay(), name);
  let display = displays.get(values);
  if (display === undefined) {
    display = labelled(new LocalDisplay(), name);
    displays.set(values, display);
  }
  if (!mirrors(display, values)) refill(display, values);
  return display;
}

/** What a LocalStack prints: `LocalStack { top: ... }` (`LocalStack [name] ...` when named). */
export function inspectStack(top: unknown, name?: string): object {
  const display = labelled(new StackDisplay(), name);
  (display as { top?: unknown }).top = top;
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
