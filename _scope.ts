/**
 * The scope model shared by every Local and LocalStack (internal).
 *
 * One library-wide `AsyncLocalStorage` holds the current {@linkcode Scope};
 * outside any scope the process-wide root scope is used. A scope maps each
 * Local or LocalStack (its "slot") to that local's value in this scope.
 *
 * The first {@linkcode FAST_SLOTS} Locals and LocalStacks created get an
 * index: their values live in `fast`, a short array indexed by it, so a read
 * is an array load rather than a hash lookup. `fast` is shared with the
 * scopes forked from it and copied (a bounded, O(1) copy) on the first write
 * after a fork, tracked with epochs like Local entries.
 *
 * Other slots live in two map layers: `base`, a slot map that scopes share and nobody
 * mutates, and `own`, this scope's writes since it was last forked (`null`
 * marks a removal). Opening a child is O(1) however many locals hold values:
 * the child starts with the parent's `base` and no `own` layer; only when the
 * parent wrote since its last fork are its two layers merged first, once,
 * into a new `base` that both keep. A write is O(1) too: it goes to `own`.
 *
 * A Local's value (an entry holding a Map) is mutable in place only by the
 * scope whose current epoch created it; forking moves the parent to a new
 * epoch, so every entry the two scopes share becomes read-only for both and
 * is copied on its next write.
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
  /** Index -> value of the slots that have an index. Shared unless `fastEpoch === epoch`. */
  fast: unknown[];
  /** The epoch in which this scope created `fast`. */
  fastEpoch: number;
  /** Slot -> value, shared with other scopes: never mutated. */
  base: Map<object, unknown>;
  /**
   * This scope's writes since its last fork: slot -> value, or `null` where
   * the slot was removed. `undefined` until the first write.
   */
  own: Map<object, unknown> | undefined;
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
  /** How many slots were registered: the next slot's index. */
  slotCount: number;
}

/** How many slots get an index into `Scope#fast`; later ones use the map layers. */
export const FAST_SLOTS = 16;
/** Where a slot keeps its index (-1: none), the same key for every copy of this module. */
const SLOT_INDEX: unique symbol = Symbol.for("@contextlocal/contextlocal.slotIndex");
type Indexed = { [SLOT_INDEX]: number };

/**
 * Bump when the shape of {@linkcode Scope} or of a slot value changes: two
 * copies may share the runtime only when they agree on it.
 */
const PROTOCOL = 3;
const RUNTIME_KEY: unique symbol = Symbol.for("@contextlocal/contextlocal.runtime");

function createRuntime(): ScopeRuntime {
  let lastEpoch = 0;
  return {
    protocol: PROTOCOL,
    storage: new AsyncLocalStorage<Scope>(),
    root: {
      fast: new Array<unknown>(FAST_SLOTS).fill(undefined),
      fastEpoch: 0,
      base: new Map(),
      own: undefined,
      epoch: 0,
    },
    fork(parent: Scope): Scope {
      const own = parent.own;
      if (own !== undefined) {
        if (own.size !== 0) parent.base = merge(parent.base, own);
        parent.own = undefined;
      }
      parent.epoch = ++lastEpoch;
      return {
        fast: parent.fast,
        fastEpoch: -1,
        base: parent.base,
        own: undefined,
        epoch: ++lastEpoch,
      };
    },
    localSlots: new WeakMap(),
    stacks: new WeakSet(),
    proxies: new WeakMap(),
    slotCount: 0,
  };
}

/** A new map: `base` with the writes of `own` applied. */
function merge(base: Map<object, unknown>, own: Map<object, unknown>): Map<object, unknown> {
  const merged = new Map<object, unknown>();
  // A loop, not `new Map(base)`: V8 copies through the iterator protocol (~3x slower).
  for (const [slot, value] of base) merged.set(slot, value);
  for (const [slot, value] of own) {
    if (value === null) merged.delete(slot);
    else merged.set(slot, value);
  }
  return merged;
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

/**
 * Makes `slot` (a Local's target or a LocalStack) a key of scope values,
 * giving it an index into `Scope#fast` while there are some left.
 *
 * @returns The index, or -1 when the slot's values live in the map layers.
 */
export function registerSlot(slot: object): number {
  const count = runtime.slotCount++;
  const index = count < FAST_SLOTS ? count : -1;
  Object.defineProperty(slot, SLOT_INDEX, {
    value: index,
    configurable: true, // a Local's slot is a Proxy target: it must not pin anything
  });
  return index;
}

/** `slot`'s index into `Scope#fast`, or -1 (for readers that inline the fast case). */
export function slotIndexOf(slot: object): number {
  return (slot as Indexed)[SLOT_INDEX];
}

/** `slot`'s value in `scope`: a Local's entry, a LocalStack's top frame, or `undefined`. */
export function readSlot(scope: Scope, slot: object): unknown {
  const index = (slot as Indexed)[SLOT_INDEX];
  if (index >= 0) return scope.fast[index];
  const value = scope.own?.get(slot);
  // `null` (removed here) reads as undefined without falling through to base.
  return value === undefined ? scope.base.get(slot) : value ?? undefined;
}

/** Sets `slot`'s value in `scope` only (`value` is an object, never `null`). */
export function writeSlot(scope: Scope, slot: object, value: object): void {
  const index = (slot as Indexed)[SLOT_INDEX];
  if (index >= 0) ownFast(scope)[index] = value;
  else (scope.own ??= new Map()).set(slot, value);
}

function ownFast(scope: Scope): unknown[] {
  if (scope.fastEpoch !== scope.epoch) {
    scope.fast = scope.fast.slice();
    scope.fastEpoch = scope.epoch;
  }
  return scope.fast;
}

/** Removes `slot`'s value from `scope` only. */
export function deleteSlot(scope: Scope, slot: object): void {
  const index = (slot as Indexed)[SLOT_INDEX];
  if (index >= 0) {
    if (scope.fast[index] !== undefined) ownFast(scope)[index] = undefined;
  } else if (scope.base.has(slot)) (scope.own ??= new Map()).set(slot, null);
  else scope.own?.delete(slot);
}

/** Removes `slot`'s value (a Local's or a LocalStack's) from the current scope. */
export function releaseSlot(slot: object): void {
  const scope = currentScope();
  if (readSlot(scope, slot) !== undefined) deleteSlot(scope, slot);
}
