/**
 * Where a Local's and a LocalStack's values live in a scope, and the readers
 * LocalProxy uses (internal). These readers never throw for a strict local:
 * a proxy reports its own unbound message instead.
 *
 * @module
 */
import {
  currentScope,
  FAST_SLOTS,
  localSlots,
  proxyRegistry,
  readSlot,
  rootScope as sharedRootScope,
  type Scope,
  slotIndex,
  stackRegistry,
  storage as sharedStorage,
  writeSlot,
} from "./_scope.ts";
import type { Frame } from "./_frames.ts";
import { typeError } from "./_describe.ts";

// Module-level consts, not the imported bindings, on hot paths (CONTRIBUTING.md, Conventions).
const storage = sharedStorage;
const rootScope = sharedRootScope;

/**
 * A function returning the current top item of `stack` (a LocalStack of any
 * copy of this module), `undefined` when empty, strict or not (used by
 * LocalProxy).
 */
export function topReader(stack: object): () => unknown {
  const index = slotIndex(stack);
  if (index >= FAST_SLOTS) {
    return () => (readSlot(currentScope(), stack) as Frame<unknown> | undefined)?.item;
  }
  return () => {
    const frame = (storage.getStore() ?? rootScope).fast[index] as Frame<unknown> | undefined;
    return frame === undefined ? undefined : frame.item;
  };
}

/**
 * A Local's values in one scope. `epoch` says which scope epoch may mutate
 * `values` in place (see `_scope.ts`).
 */
export interface LocalEntry {
  readonly epoch: number;
  readonly values: Map<PropertyKey, unknown>;
}

/** `slot`'s values in `scope`, possibly shared with other scopes. */
export function entryOf(scope: Scope, slot: object): LocalEntry | undefined {
  return readSlot(scope, slot) as LocalEntry | undefined;
}

/** This scope's own, mutable copy of `slot`'s values. */
export function ownValues(scope: Scope, slot: object): Map<PropertyKey, unknown> {
  const entry = entryOf(scope, slot);
  if (entry !== undefined && entry.epoch === scope.epoch) return entry.values;
  const values = new Map<PropertyKey, unknown>();
  // A loop, not `new Map(entry.values)`: V8 copies through the iterator protocol (~3x slower).
  if (entry !== undefined) { for (const [key, value] of entry.values) values.set(key, value); }
  writeSlot(scope, slot, { epoch: scope.epoch, values } satisfies LocalEntry);
  return values;
}

/**
 * Reads one value of the Local whose slot is `slot`, strict or not (used by
 * LocalProxy).
 */
export function readLocal(slot: object, key: PropertyKey): unknown {
  return entryOf(currentScope(), slot)?.values.get(key);
}

/** The slot of `value` if it is a Local (of any copy of this module). */
export function slotOfLocal(value: unknown): object | undefined {
  return typeof value === "object" && value !== null ? localSlots.get(value) : undefined;
}

/** `scope`'s `[key, value]` pairs of the Local whose slot is `slot`. */
export function snapshot(scope: Scope, slot: object): [PropertyKey, unknown][] {
  const entry = entryOf(scope, slot);
  return entry === undefined ? [] : [...entry.values];
}

/**
 * The TypeError for a value that should have been a Local or LocalStack. A
 * LocalProxy is named as such without being read: reading an unbound one
 * (even its `name`) throws its unbound message instead.
 */
export function notReleasable(what: string, expected: string, value: unknown): TypeError {
  const error = typeError(what, expected, value);
  if ((typeof value === "object" || typeof value === "function") && value !== null) {
    if (proxyRegistry.has(value)) error.message += " (pass the Local or LocalStack it reads)";
  }
  return error;
}

/** The slot of a Local or LocalStack (of any copy), or `undefined`. */
export function slotOfReleasable(value: unknown): object | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  return localSlots.get(value) ?? (stackRegistry.has(value) ? value : undefined);
}
