/**
 * The options of `new Local()` and `new LocalStack()` (internal): checked
 * once, in the constructor.
 *
 * @module
 */
import { typeError } from "./_describe.ts";

/**
 * Options of `new Local()` and `new LocalStack()`.
 *
 * @example A strict, named stack
 * ```ts
 * import { LocalStack, type LocalOptions } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const options: LocalOptions = { strict: true, name: "requestStack" };
 * const requestStack = new LocalStack<Request>(options);
 * assert.throws(() => requestStack.top, /requestStack\.top outside any scope/);
 * ```
 */
export interface LocalOptions {
  /**
   * Throw on every read and write outside any scope (in the root scope,
   * which every request shares) instead of using the root scope's values.
   * Inside a scope a strict local behaves like any other.
   *
   * @default {false}
   *
   * @example A strict Local outside and inside a scope
   * ```ts
   * import { Local, LocalManager } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const g = new Local<{ user: string }>({ strict: true, name: "g" });
   * assert.throws(() => g.user, /reading g\.user outside any scope/);
   * new LocalManager().run(() => {
   *   g.user = "ada";
   *   assert.equal(g.user, "ada");
   * });
   * ```
   */
  strict?: boolean;
  /**
   * The name that error messages use for this local, and that
   * `util.inspect` and `Deno.inspect` print (`Local [g] { user: 'ada' }`;
   * `Bun.inspect` prints `Local { ... }` without it). Unnamed, a local is
   * `<Local>` (`<LocalStack>`) in messages.
   *
   * @example The name in an error message and in `util.inspect`
   * ```ts
   * import { LocalManager, LocalStack } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   * import { inspect } from "node:util";
   *
   * const stack = new LocalStack<string>({ strict: true, name: "jobs" });
   * assert.throws(() => stack.pop(), /jobs\.pop\(\) outside any scope/);
   * new LocalManager().run(() => {
   *   stack.push("a");
   *   assert.equal(inspect(stack), "LocalStack [jobs] { top: 'a' }");
   * });
   * ```
   */
  name?: string;
}

/** Checked options: `label` names the local in messages. */
export interface CheckedOptions {
  readonly strict: boolean;
  readonly name: string | undefined;
  /** The name, or `<strict Local>` / `<Local>` (`kind` in angle brackets). */
  readonly label: string;
}

const KNOWN = ["strict", "name"];

/**
 * Validates the options given to `new ${kind}()`.
 *
 * @throws {TypeError} On anything but `undefined` or an object with an
 * optional boolean `strict` and an optional non-empty string `name`.
 */
export function checkOptions(kind: "Local" | "LocalStack", options: unknown): CheckedOptions {
  const what = `new ${kind}()`;
  if (options === undefined) return { strict: false, name: undefined, label: `<${kind}>` };
  if (typeof options !== "object" || options === null) {
    throw typeError(what, "an options object ({ strict?, name? }) or undefined", options);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) {
      throw typeError(what, "options with only `strict` and `name`", key);
    }
  }
  // Own properties only: a polluted Object.prototype must not change a local.
  const own = (key: string): unknown =>
    Object.hasOwn(options, key) ? (options as Record<string, unknown>)[key] : undefined;
  const strict = own("strict");
  const name = own("name");
  if (strict !== undefined && typeof strict !== "boolean") {
    throw typeError(what, "a boolean `strict` option", strict);
  }
  if (name !== undefined && (typeof name !== "string" || name === "")) {
    throw typeError(what, "a non-empty string `name` option", name);
  }
  const isStrict = strict === true;
  return {
    strict: isStrict,
    name,
    label: name ?? (isStrict ? `<strict ${kind}>` : `<${kind}>`),
  };
}
