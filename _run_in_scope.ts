/**
 * Calling a function in a given scope (internal), shared by `bindScope`,
 * `captureScope`, `streamWithContext` and `LocalManager#middleware`.
 *
 * @module
 */
import { type Scope, storage } from "./_scope.ts";

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

/**
 * Gives `wrapper` the `name` and `length` of `fn`: servers read a handler's
 * `length` (Deno.serve calls a zero-length handler without the request),
 * and stack traces and logs show its name.
 */
export function keepNameAndLength(wrapper: object, fn: { name: string; length: number }): void {
  Object.defineProperty(wrapper, "length", { value: fn.length, configurable: true });
  Object.defineProperty(wrapper, "name", { value: fn.name, configurable: true });
}
