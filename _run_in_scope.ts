/**
 * Calling a function in a given scope (internal), shared by `bindScope`,
 * `captureScope`, `streamWithContext` and `LocalManager#middleware`.
 *
 * @module
 */
import { rootScope, type Scope, storage as sharedStorage } from "./_scope.ts";

// Module-level consts, not the imported bindings, on hot paths (CONTRIBUTING.md, Conventions).
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

/**
 * Whether `run` calls its callback with `this` undefined, as a plain call
 * does (Bun). Node and Deno pass `null`: there a handler called without
 * `this` goes through {@linkcode call1} or {@linkcode call2} to keep it
 * undefined.
 */
export const RUN_KEEPS_UNDEFINED_THIS: boolean = storage.run(
  rootScope,
  function (this: unknown): boolean {
    return this === undefined;
  },
);

/** `Function.prototype.call`, to check that a function's `call` is the built-in one. */
const CALL: typeof Function.prototype.call = Function.prototype.call;

/**
 * Calls `fn` with one argument and `self` as `this` (for `run`'s own
 * arguments). `fn.call` rather than `Reflect.apply`: Bun makes an array for
 * the latter (49.5 vs 25.2 ns per call with `this`), unless `fn` has a
 * `call` of its own.
 */
export function call1(fn: Fn, self: unknown, a: unknown): unknown {
  return fn.call === CALL ? fn.call(self, a as never) : Reflect.apply(fn, self, [a]);
}

/** Calls `fn` with two arguments and `self` as `this`, as {@linkcode call1} does. */
export function call2(fn: Fn, self: unknown, a: unknown, b: unknown): unknown {
  return fn.call === CALL ? fn.call(self, a as never, b as never) : Reflect.apply(fn, self, [a, b]);
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
