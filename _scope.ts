/**
 * The scope model shared by every Local and LocalStack (internal).
 *
 * One library-wide `AsyncLocalStorage` holds the current {@linkcode Scope};
 * outside any scope the process-wide root scope is used. A scope maps each
 * Local or LocalStack (its "slot") to that local's value in this scope.
 *
 * Forking is O(1): the child shares its parent's slot map, and both sides copy
 * on their first write afterwards. Ownership is tracked with epochs: a scope
 * may mutate a map or entry in place only when it was created in the scope's
 * current epoch, and forking moves the parent to a new epoch, so everything
 * the two scopes share becomes read-only for both.
 *
 * The runtime is kept on `globalThis` under a versioned symbol so that two
 * copies of this module (two versions, or one file loaded through two URLs)
 * see one context instead of silently losing it.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** The values of every local in one context. */
export interface Scope {
  /** Slot -> value. Shared with other scopes unless `slotsEpoch === epoch`. */
  slots: Map<object, unknown>;
  /** The epoch in which `slots` was created by this scope. */
  slotsEpoch: number;
  /** Values created in this epoch belong to this scope alone. */
  epoch: number;
}

/** What every copy of this module shares through `globalThis`. */
interface ScopeRuntime {
  readonly protocol: number;
  readonly storage: AsyncLocalStorage<Scope>;
  readonly root: Scope;
  readonly fork: (parent: Scope) => Scope;
  /** Local proxy -> its slot, so copies can recognise each other's Locals. */
  readonly localSlots: WeakMap<object, object>;
  /** LocalStack instances, for the same reason. */
  readonly stacks: WeakSet<object>;
  /** LocalProxy -> the function that returns its current object. */
  readonly proxies: WeakMap<object, () => unknown>;
}

/**
 * Bump when the shape of {@linkcode Scope} or of a slot value changes: two
 * copies may share the runtime only when they agree on it.
 */
const PROTOCOL = 1;
const RUNTIME_KEY: unique symbol = Symbol.for("@contextlocal/contextlocal.runtime");

function createRuntime(): ScopeRuntime {
  let lastEpoch = 0;
  return {
    protocol: PROTOCOL,
    storage: new AsyncLocalStorage<Scope>(),
    root: { slots: new Map(), slotsEpoch: 0, epoch: 0 },
    fork(parent: Scope): Scope {
      parent.epoch = ++lastEpoch;
      return { slots: parent.slots, slotsEpoch: -1, epoch: ++lastEpoch };
    },
    localSlots: new WeakMap(),
    stacks: new WeakSet(),
    proxies: new WeakMap(),
  };
}

function loadRuntime(): ScopeRuntime {
  const global = globalThis as { [RUNTIME_KEY]?: ScopeRuntime };
  const existing = global[RUNTIME_KEY];
  if (existing === undefined) {
    const runtime = createRuntime();
    Object.defineProperty(global, RUNTIME_KEY, { value: runtime });
    return runtime;
  }
  if (existing.protocol === PROTOCOL) return existing;
  // Sharing an incompatible runtime would corrupt scopes; a private one loses
  // context between the copies, which must not go unnoticed.
  console.warn(
    `@contextlocal/contextlocal: another copy of this module with scope protocol ${
      String(existing.protocol)
    } is loaded; this copy speaks protocol ${PROTOCOL}, so the two do not share ` +
      "scopes (a value set through one is invisible through the other). " +
      "Deduplicate the dependency so that one version is loaded.",
  );
  return createRuntime();
}

const runtime = loadRuntime();

/** The library-wide storage whose store is the current scope. */
export const storage: AsyncLocalStorage<Scope> = runtime.storage;
/** The scope used outside any scope (process-wide). */
export const rootScope: Scope = runtime.root;
/** Opens a child scope that starts with `parent`'s values as they are now. */
export const forkScope: (parent: Scope) => Scope = runtime.fork;
/** Local proxy -> slot, for every copy of this module. */
export const localSlots: WeakMap<object, object> = runtime.localSlots;
/** Every LocalStack of every copy of this module. */
export const stackRegistry: WeakSet<object> = runtime.stacks;
/** Every LocalProxy of every copy of this module -> its current object. */
export const proxyRegistry: WeakMap<object, () => unknown> = runtime.proxies;

/** The scope of the code that is running now. */
export function currentScope(): Scope {
  return storage.getStore() ?? rootScope;
}

/** `scope`'s slot map, copied first if another scope can see it. */
export function ownSlots(scope: Scope): Map<object, unknown> {
  if (scope.slotsEpoch !== scope.epoch) {
    scope.slots = new Map(scope.slots);
    scope.slotsEpoch = scope.epoch;
  }
  return scope.slots;
}

/** Removes `slot`'s value (a Local's or a LocalStack's) from the current scope. */
export function releaseSlot(slot: object): void {
  const scope = currentScope();
  if (scope.slots.has(slot)) ownSlots(scope).delete(slot);
}
