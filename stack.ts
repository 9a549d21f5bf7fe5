/**
 * {@linkcode LocalStack}: a context-local stack, like werkzeug's
 * `LocalStack` (Flask's request and app context stacks).
 *
 * @example An item on top for one call and what it starts
 * ```ts
 * import { LocalStack } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const requests = new LocalStack<{ path: string }>();
 * await requests.run({ path: "/" }, async () => {
 *   await Promise.resolve();
 *   assert.equal(requests.top?.path, "/");
 * });
 * assert.equal(requests.top, undefined);
 * ```
 *
 * @module
 */
import {
  currentScope as sharedCurrentScope,
  FAST_SLOTS as SHARED_FAST_SLOTS,
  forkScope as sharedForkScope,
  type Operation,
  outsideAnyScope,
  registerSlot,
  rootScope as sharedRootScope,
  rootScopeFor,
  type Scope,
  stackRegistry,
  storage as sharedStorage,
} from "./_scope.ts";
import { typeError } from "./_describe.ts";
import { INSPECT, inspectStack } from "./_inspect.ts";
import {
  type Frame,
  popFrame as sharedPopFrame,
  pushFrame as sharedPushFrame,
  removeFrame,
  topFrame,
} from "./_frames.ts";
import { checkOptions, type LocalOptions } from "./_local_options.ts";

// Module-level consts, not the imported bindings, on hot paths (CONTRIBUTING.md, Conventions).
const storage = sharedStorage;
const FAST_SLOTS = SHARED_FAST_SLOTS;
const popFrame = sharedPopFrame;
const pushFrame = sharedPushFrame;
const forkScope = sharedForkScope;
const currentScope = sharedCurrentScope;
const rootScope = sharedRootScope;
// `Object(x)` is x for an object: what lets `#index in` test any receiver.
const toObject = Object;

// What each method does, for the error of a strict stack outside any scope.
const PUSH: Operation = (name) => `${name}.push()`;
const POP: Operation = (name) => `${name}.pop()`;
const TOP: Operation = (name) => `${name}.top`;

/** What `push()` returns: disposing it undoes that push, once. */
class Pushed implements Disposable {
  #scope: Scope | undefined;
  readonly #stack: object;
  #frame: Frame<unknown> | undefined;

  constructor(scope: Scope, stack: object, frame: Frame<unknown>) {
    this.#scope = scope;
    this.#stack = stack;
    this.#frame = frame;
  }

  [Symbol.dispose](): void {
    if (typeof this !== "object" || this === null || !(#stack in this)) {
      throw typeError(
        "[Symbol.dispose]() of LocalStack#push()'s result",
        "that result as `this` (call it as pushed[Symbol.dispose]())",
        this,
      );
    }
    const scope = this.#scope;
    const frame = this.#frame;
    if (scope === undefined || frame === undefined) return;
    // Disposed: keep neither the scope nor the frame alive any longer.
    this.#scope = this.#frame = undefined;
    removeFrame(scope, this.#stack, frame);
  }
}

/**
 * A stack whose contents belong to the current scope (werkzeug's
 * `LocalStack`). Pushes and pops change the current scope in place: an item
 * pushed anywhere in a request, even after an `await`, is seen by the rest of
 * that request and by no other.
 *
 * @typeParam T The type of the items.
 *
 * @example Push, read and pop inside a scope
 * ```ts
 * import { LocalManager, LocalStack } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const apps = new LocalStack<string>();
 * new LocalManager().run(() => {
 *   apps.push("admin");
 *   assert.equal(apps.top, "admin");
 *   assert.equal(apps.pop(), "admin");
 *   assert.equal(apps.pop(), undefined);
 * });
 * ```
 */
export class LocalStack<T> {
  /** The slot's index: below FAST_SLOTS, one into `Scope#fast` (see `_scope.ts`). */
  readonly #index: number;
  readonly #name: string | undefined;
  /**
   * What the strict error calls a strict stack; `undefined` when not strict.
   * `registerSlot` stores it on the stack too (for `rootScopeFor`); kept here
   * as well so that `top`, `push` and `pop` read it as a private field.
   */
  readonly #strictLabel: string | undefined;

  /**
   * Creates an empty stack. Its contents live in scopes, not in the object:
   * outside any scope they are the process-wide root scope's, or, for a
   * strict stack, an error.
   *
   * @param options `strict` and `name` (see {@linkcode LocalOptions}).
   * @throws {TypeError} When `options` is not a valid {@linkcode LocalOptions}.
   *
   * @example A strict, named stack
   * ```ts
   * import { LocalStack } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const requestStack = new LocalStack<string>({
   *   strict: true,
   *   name: "requestStack",
   * });
   * requestStack.run("/ping", () => assert.equal(requestStack.top, "/ping"));
   * assert.throws(
   *   () => requestStack.push("/"),
   *   /requestStack\.push\(\) outside any scope/,
   * );
   * ```
   */
  constructor(options?: LocalOptions) {
    const { strict, name, label } = checkOptions("LocalStack", options);
    this.#strictLabel = strict ? label : undefined;
    this.#index = registerSlot(this, this.#strictLabel);
    this.#name = name;
    stackRegistry.add(this);
  }

  /**
   * Pushes `item` onto the stack of the current scope. The returned
   * Disposable undoes this push (wherever the item is by then), so
   * `using _ = stack.push(x)` pops it at the end of the block.
   *
   * @param item Any value but `undefined`, which means "empty" to
   * {@linkcode LocalStack.prototype.top}.
   * @returns A Disposable that removes this push from the scope it was made in.
   * @throws {TypeError} When `item` is `undefined`.
   *
   * @example `using` undoes the push at the end of the block
   * ```ts
   * import { LocalManager, LocalStack } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const stack = new LocalStack<number>();
   * new LocalManager().run(() => {
   *   {
   *     using _pushed = stack.push(1);
   *     assert.equal(stack.top, 1);
   *   }
   *   assert.equal(stack.top, undefined);
   * });
   * ```
   */
  push(item: T): Disposable {
    LocalStack.#check(this, "push()");
    if (item === undefined) {
      throw typeError(
        "LocalStack#push()",
        "a value other than undefined (top and pop() return undefined for an empty stack)",
        item,
      );
    }
    const scope = LocalStack.#scope(this.#strictLabel, PUSH);
    return new Pushed(scope, this, pushFrame(scope, this, this.#index, item) as Frame<unknown>);
  }

  /**
   * Removes the top item of the current scope's stack.
   *
   * @returns The removed item, or `undefined` when the stack is empty.
   *
   * @example Pop until empty
   * ```ts
   * import { LocalManager, LocalStack } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const stack = new LocalStack<string>();
   * new LocalManager().run(() => {
   *   stack.push("a");
   *   assert.equal(stack.pop(), "a");
   *   assert.equal(stack.pop(), undefined);
   * });
   * ```
   */
  pop(): T | undefined {
    LocalStack.#check(this, "pop()");
    return popFrame<T>(LocalStack.#scope(this.#strictLabel, POP), this, this.#index);
  }

  /**
   * The top item of the current scope's stack, or `undefined` when empty.
   *
   * @example The top item, undefined when empty
   * ```ts
   * import { LocalStack } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const stack = new LocalStack<string>();
   * assert.equal(stack.top, undefined);
   * stack.run("a", () => assert.equal(stack.top, "a"));
   * ```
   */
  get top(): T | undefined {
    // The hottest read (every LocalProxy of a stack goes through it). No call
    // but on the error paths and the empty one: on Node a call that can be
    // reached costs the inlined getter ~10% even when it never is. The scope
    // is found as in `#scope`, written out: through `#scope` it measured
    // x1.12 of its floor instead of x1.04 (8 processes per side).
    if (!(#index in toObject(this))) throw LocalStack.#wrongReceiver(this, "top");
    let scope = storage.getStore();
    if (scope === undefined) {
      if (this.#strictLabel !== undefined) throw outsideAnyScope(TOP, this.#strictLabel);
      scope = rootScope;
    }
    const index = this.#index;
    // Past the fast slots this reads past the end of `fast`: undefined.
    const frame = scope.fast[index] as Frame<T> | undefined;
    if (frame !== undefined) return frame.item;
    return index < FAST_SLOTS ? undefined : topFrame<T>(scope, this)?.item;
  }

  /**
   * Calls `fn` in a new scope where `item` is on top of this stack. The scope
   * starts with the current scope's values and ends with `fn` (or with the
   * promise it returns): afterwards the caller sees its own values, also when
   * `fn` throws or rejects.
   *
   * @param item The value on top inside `fn` (not `undefined`).
   * @param fn Called with no arguments; everything it starts runs in the new scope.
   * @returns Whatever `fn` returns.
   * @typeParam R What `fn` returns.
   * @throws {TypeError} When `item` is `undefined` or `fn` is not a function.
   *
   * @example The item is on top across awaits, for `fn` only
   * ```ts
   * import { LocalStack } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const stack = new LocalStack<string>();
   * const seen = await stack.run("inner", async () => {
   *   await new Promise((resolve) => setTimeout(resolve, 1));
   *   return stack.top;
   * });
   * assert.equal(seen, "inner");
   * assert.equal(stack.top, undefined);
   * ```
   */
  run<R>(item: T, fn: () => R): R {
    LocalStack.#check(this, "run()");
    if (item === undefined) {
      throw typeError("LocalStack#run()", "an item other than undefined", item);
    }
    if (typeof fn !== "function") throw typeError("LocalStack#run()", "a function to call", fn);
    const scope = forkScope(currentScope());
    pushFrame(scope, this, this.#index, item);
    return storage.run(scope, fn);
  }

  /**
   * The current scope for `operation` on a stack (`label` when strict). No
   * call but on the error path (see `top`).
   */
  static #scope(label: string | undefined, operation: Operation): Scope {
    const scope = storage.getStore();
    if (scope !== undefined) return scope;
    if (label !== undefined) throw outsideAnyScope(operation, label);
    return rootScope;
  }

  /** A TypeError naming `member` unless `self` is a LocalStack of this copy. */
  static #check(self: unknown, member: string): void {
    if (typeof self !== "object" || self === null || !(#index in self)) {
      throw LocalStack.#wrongReceiver(self, member);
    }
  }

  static #wrongReceiver(self: unknown, member: string): TypeError {
    return typeError(
      `LocalStack#${member}`,
      `a LocalStack as \`this\` (call it as stack.${member}, or bind it)`,
      self,
    );
  }

  static {
    // Defined here rather than as a member so that it stays out of the docs.
    // Printing never throws, not even for a strict stack outside any scope.
    Object.defineProperty(LocalStack.prototype, INSPECT, {
      // An object for the inspector to format (see _inspect.ts): depth
      // limits and cycles through the top item apply as to the item itself.
      value: function inspect(this: LocalStack<unknown>): object | string {
        const name = this.#name;
        let scope: Scope;
        try {
          scope = storage.getStore() ?? rootScopeFor(this, TOP);
        } catch {
          return `${
            name === undefined ? "LocalStack" : `LocalStack [${name}]`
          } <outside any scope>`;
        }
        return inspectStack(topFrame(scope, this)?.item, name);
      },
      configurable: true,
      writable: true,
    });
  }

  /**
   * What `value instanceof LocalStack` asks: `true` for every LocalStack,
   * also one created by another copy of this module (two versions in one
   * dependency tree), `false` for anything else.
   *
   * @param value Anything.
   * @returns Whether `value` is a LocalStack.
   *
   * @example Any copy's stacks are instances
   * ```ts
   * import { LocalStack } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * assert.ok(new LocalStack() instanceof LocalStack);
   * assert.equal({} instanceof LocalStack, false);
   * ```
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && stackRegistry.has(value);
  }
}
