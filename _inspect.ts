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
 * (`Local { user: 'ada' }`, or `Local [g] { user: 'ada' }` for a Local named
 * "g": node:util and Deno.inspect show the name, Bun.inspect does not). The object is the same for the
 * same values Map, so a Local holding itself prints as a cycle, as a plain
 * object holding itself does.
 */
export function inspectLocal(values: Map<PropertyKey, unknown> | undefined, name?: string): object {
  const Display = name === undefined ? LocalDisplay : namedLocal(name);
  if (values === undefined) return new Display();
  let display = displays.get(values);
  if (display === undefined || Object.getPrototypeOf(display) !== Display.prototype) {
    display = new Display();
    displays.set(values, display);
  }
  if (!mirrors(display, values)) refill(display, values);
  return display;
}

/** What a LocalStack prints: `LocalStack { top: ... }` (`LocalStack [name] ...` when named). */
export function inspectStack(top: unknown, name?: string): object {
  const Display = name === undefined ? StackDisplay : namedStack(name);
  const display = new Display();
  (display as { top?: unknown }).top = top;
  return display;
}

/** The class of what a LocalStack prints (named in its source, like `LocalDisplay`). */
const StackDisplay = class LocalStack {};

type Display = new () => object;

// A name is the display's inherited `Symbol.toStringTag`, so that the
// display's own keys stay exactly the values. One subclass per name (locals
// are created at startup, so there are few), named in the source: the label
// every inspector shows.
const namedLocals = new Map<string, Display>();
const namedStacks = new Map<string, Display>();

function namedLocal(name: string): Display {
  let Named = namedLocals.get(name);
  if (Named === undefined) {
    Named = class Local extends LocalDisplay {
      get [Symbol.toStringTag](): string {
        return name;
      }
    };
    namedLocals.set(name, Named);
  }
  return Named;
}

function namedStack(name: string): Display {
  let Named = namedStacks.get(name);
  if (Named === undefined) {
    Named = class LocalStack extends StackDisplay {
      get [Symbol.toStringTag](): string {
        return name;
      }
    };
    namedStacks.set(name, Named);
  }
  return Named;
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
