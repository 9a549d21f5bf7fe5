/**
 * Calling a function in a given scope (internal), shared by `bindScope`,
 * `captureScope`, `streamWithContext` and `LocalManager#middleware`.
 *
 * @module
 */
import { type Scope, storage as sharedStorage } from "./_scope.ts";

// Module-level consts rather than the imported bindings: engines fold a const
// into optimized code but re-read an import through its binding on every use
// (about 3 ns per read on Deno and Bun, on the hottest paths).
const storage = sharedStorage;

/**
 * Calls `fn` with `thisArg` and `args` in `scope` (`undefined`: the root
 * scope, where no store is set) and returns its result. `this` and the
 * arguments go through `run`'s own arguments rather than through a new
 * closure per call.
 */
export function runIn(
  scope: Scope | undefined,
  fn: (...args: never[]) => unknown,
  thisArg: unknown,
  args: readonly unknown[],
): unknown {
  return storage.run(scope as Scope, Reflect.apply, fn, thisArg, args);
}

type Fn = (...args: never[]) => unknown;

/** Calls `fn` with one argument and `self` as `this`. */
function call1(fn: Fn, self: unknown, a: unknown): unknown {
  return self === undefined ? (fn as (a: unknown) => unknown)(a) : Reflect.apply(fn, self, [a]);
}

/** Calls `fn` with two arguments and `self` as `this`. */
function call2(fn: Fn, self: unknown, a: unknown, b: unknown): unknown {
  return self === undefined
    ? (fn as (a: unknown, b: unknown) => unknown)(a, b)
    : Reflect.apply(fn, self, [a, b]);
}

/**
 * {@linkcode runIn} for a wrapper's `arguments`: with one or two of them (how
 * servers call a handler) no array is made for them, and a call without
 * `this` allocates nothing but what `run` itself does.
 */
export function runWithArguments(
  scope: Scope,
  fn: Fn,
  thisArg: unknown,
  args: IArguments,
): unknown {
  switch (args.length) {
    case 1:
      return storage.run(scope, call1, fn, thisArg, args[0]);
    case 2:
      return storage.run(scope, call2, fn, thisArg, args[0], args[1]);
    default:
      return storage.run(scope, Reflect.apply, fn, thisArg, Array.from(args));
  }
}

/**
 * Gives `wrapper` the `name` and `length` of `fn`: servers read a handler's
 * `length` (Deno.serve calls a zero-length handler without the request),
 * and stack traces and logs show its name.
 */
export function keepNameAndLength(wrapper: object, fn: { name: string; length: number }): void {
  Object.defineProperty(wrapper, "length", { value: fn.length, configurable: true });
  Object.defineProperty(wrapper, "name", { value: fn.name, configurable: true });
}
