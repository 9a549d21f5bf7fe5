/**
 * {@linkcode releaseLocal}: clear a Local's or a LocalStack's values in the
 * current scope, like werkzeug's `release_local`.
 *
 * @example Clear a Local in the current scope
 * ```ts
 * import { Local, LocalManager, releaseLocal } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const g = new Local<{ user: string }>();
 * new LocalManager().run(() => {
 *   g.user = "ada";
 *   releaseLocal(g);
 *   assert.equal(g.user, undefined);
 * });
 * ```
 *
 * @module
 */
import { type Operation, releaseSlot } from "./_scope.ts";
import { notReleasable, slotOfReleasable } from "./_local_values.ts";
import type { AnyLocal } from "./local.ts";
import type { LocalStack } from "./stack.ts";

/**
 * A Local or a LocalStack: what {@linkcode releaseLocal} and
 * `LocalManager` clear.
 *
 * @example Locals and stacks in one list
 * ```ts
 * import {
 *   Local,
 *   LocalManager,
 *   LocalStack,
 *   type Releasable,
 *   releaseLocal,
 * } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const g = new Local<{ user: string }>();
 * const paths = new LocalStack<string>();
 * const locals: Releasable[] = [g, paths];
 * new LocalManager().run(() => {
 *   g.user = "ada";
 *   paths.push("/");
 *   for (const local of locals) releaseLocal(local);
 *   assert.equal(g.user, undefined);
 *   assert.equal(paths.top, undefined);
 * });
 * ```
 */
export type Releasable = AnyLocal | LocalStack<unknown>;

const RELEASE: Operation = (name) => `releaseLocal(${name})`;

/**
 * Clears every value of `local` (a Local or LocalStack) in the current scope
 * only: parent, child and sibling scopes keep theirs.
 *
 * @throws {TypeError} When `local` is neither a Local nor a LocalStack.
 * @throws {Error} When `local` is strict and no scope is open.
 *
 * @example The parent scope keeps its values
 * ```ts
 * import {
 *   LocalManager,
 *   LocalStack,
 *   releaseLocal,
 * } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const stack = new LocalStack<string>();
 * stack.run("outer", () => {
 *   new LocalManager().run(() => {
 *     releaseLocal(stack);
 *     assert.equal(stack.top, undefined);
 *   });
 *   assert.equal(stack.top, "outer");
 * });
 * ```
 */
export function releaseLocal(local: Releasable): void {
  const slot = slotOfReleasable(local);
  if (slot === undefined) throw notReleasable("releaseLocal()", "a Local or LocalStack", local);
  releaseSlot(slot, RELEASE);
}
