/**
 * A LocalStack's contents in one scope (internal): a linked list of frames
 * from the top down, the stack's slot value being its top frame.
 *
 * A frame belongs to the scope epoch that created it (see `_scope.ts`).
 * Frames of older epochs may be shared with other scopes and are never
 * changed. The frames of the current epoch (always the upper part of the
 * list) are reachable from this scope alone, so a push disposed out of
 * order is removed in O(1) by turning its frame into a tombstone: its item
 * becomes `REMOVED` (so it is no longer retained), and pops step over
 * tombstones. The top frame is never a tombstone, and burying a frame also
 * unlinks the tombstones right below it, so that runs of them do not build
 * up under a stack that keeps pushing and disposing.
 *
 * Removing a shared frame copies the shared frames above it into the
 * current epoch, once: `copies` remembers where each went, so that later
 * disposals find the copy of their frame in O(1) instead of searching.
 *
 * @module
 */
import type { CachedMethod } from "./_proxy_methods.ts";
import {
  deleteSlot,
  FAST_SLOTS as SHARED_FAST_SLOTS,
  ownFast as sharedOwnFast,
  readSlot,
  type Scope,
  writeSlot,
} from "./_scope.ts";

// Module-level consts, not the imported bindings, on hot paths (CONTRIBUTING.md, Conventions).
const ownFast = sharedOwnFast;
const FAST_SLOTS = SHARED_FAST_SLOTS;

/** One pushed item. */
export interface Frame<T> {
  /** The pushed item, or `REMOVED` once its push was undone out of order. */
  item: T;
  /** The frame below; changed only while the frame belongs to its scope's epoch. */
  below: Frame<T> | undefined;
  /** The epoch of the scope that created the frame. */
  readonly epoch: number;
  /**
   * The method its LocalProxy read from `item` last: a hit costs a field
   * load instead of the WeakMap lookup of the method cache.
   */
  method: CachedMethod | undefined;
}

/** The item of a tombstone: a private symbol, so no pushed item is ever it. */
const REMOVED: unknown = Symbol("removed push");

/** A shared frame -> its copy in the epoch that removed a frame below it. */
const copies = new WeakMap<Frame<unknown>, Frame<unknown>>();

/** `stack`'s top frame in `scope`. */
export function topFrame<T>(scope: Scope, stack: object): Frame<T> | undefined {
  return readSlot(scope, stack) as Frame<T> | undefined;
}

/**
 * Puts a new frame holding `item` on top of `stack` in `scope`.
 *
 * @param index `stack`'s slot index: a fast slot is written without a helper.
 */
export function pushFrame<T>(scope: Scope, stack: object, index: number, item: T): Frame<T> {
  if (index >= FAST_SLOTS) {
    const below = topFrame<T>(scope, stack);
    const frame: Frame<T> = { item, below, epoch: scope.epoch, method: undefined };
    writeSlot(scope, stack, frame);
    return frame;
  }
  const fast = ownFast(scope);
  const below = fast[index] as Frame<T> | undefined;
  const frame: Frame<T> = { item, below, epoch: scope.epoch, method: undefined };
  fast[index] = frame;
  return frame;
}

/**
 * Removes `stack`'s top frame from `scope` and returns its item.
 *
 * @param index `stack`'s slot index, as for {@linkcode pushFrame}.
 */
export function popFrame<T>(scope: Scope, stack: object, index: number): T | undefined {
  if (index >= FAST_SLOTS) {
    const frame = topFrame<T>(scope, stack);
    if (frame === undefined) return undefined;
    setTop(scope, stack, frame.below);
    return frame.item;
  }
  const frame = scope.fast[index] as Frame<T> | undefined;
  if (frame === undefined) return undefined;
  ownFast(scope)[index] = firstLive(frame.below);
  return frame.item;
}

/** Makes the first live frame from `frame` down the top of `stack` in `scope`. */
function setTop<T>(scope: Scope, stack: object, frame: Frame<T> | undefined): void {
  const top = firstLive(frame);
  if (top === undefined) deleteSlot(scope, stack);
  else writeSlot(scope, stack, top);
}

/** `frame`, or the first frame below it that is not a tombstone. */
function firstLive<T>(frame: Frame<T> | undefined): Frame<T> | undefined {
  while (frame !== undefined && frame.item === REMOVED) frame = frame.below;
  return frame;
}

/** Undoes the push that created `frame` in `scope`, wherever it is by now. */
export function removeFrame<T>(scope: Scope, stack: object, frame: Frame<T>): void {
  const epoch = scope.epoch;
  let target = frame;
  while (target.epoch !== epoch) {
    const copy = copies.get(target) as Frame<T> | undefined;
    if (copy === undefined) break;
    target = copy;
  }
  if (target.item === REMOVED) return;
  if (target === topFrame(scope, stack)) setTop(scope, stack, target.below);
  else if (target.epoch === epoch) bury(target);
  // A frame of this epoch that is not on top may have been popped or
  // released already: it is then unreachable, and burying it is harmless.
  else removeShared(scope, stack, target);
}

/** Turns a frame of the current epoch into a tombstone. */
function bury<T>(frame: Frame<T>): void {
  frame.item = REMOVED as T;
  frame.below = firstLive(frame.below);
}

/** Removes a shared `target`, copying the live shared frames above it into this epoch. */
function removeShared<T>(scope: Scope, stack: object, target: Frame<T>): void {
  const epoch = scope.epoch;
  const shared: Frame<T>[] = [];
  let lowestOwn: Frame<T> | undefined;
  let cursor = topFrame<T>(scope, stack);
  while (cursor !== undefined && cursor !== target) {
    if (cursor.epoch === epoch) lowestOwn = cursor;
    else shared.push(cursor);
    cursor = cursor.below;
  }
  if (cursor === undefined) return; // popped or released already
  let below = target.below;
  for (let i = shared.length - 1; i >= 0; i--) {
    if (shared[i].item === REMOVED) continue;
    const copy: Frame<T> = { item: shared[i].item, below, epoch, method: undefined };
    copies.set(shared[i] as Frame<unknown>, copy as Frame<unknown>);
    below = copy;
  }
  if (lowestOwn === undefined) setTop(scope, stack, below);
  else lowestOwn.below = below;
}
