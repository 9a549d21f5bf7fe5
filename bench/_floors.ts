/**
 * The floor rows of bench/micro.ts: contextlocal's design written by hand
 * with nothing else, measured in the same process as the library's rows.
 *
 * The design: one AsyncLocalStorage for every local, whose store (a scope)
 * holds a slot array shared with the scopes forked from it and copied on
 * its first write after a fork (so opening a scope is O(1) however many
 * locals hold values); a stack is a linked list of frames, one object per
 * push (so a fork never copies a stack); a Local's values are a Map per
 * scope, copied on the first write after a fork; a proxy of a stack reads
 * the top frame and remembers the method it read last. What the library
 * adds to it is left out: receiver checks, strict locals, slots past the
 * fast ones, Disposables, tombstones, the unbound and primitive paths.
 *
 * A row's ratio to the reference is thus split in two: the floor's
 * ratio is what the design costs, and the library's ratio over the floor
 * is what the rest costs.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** One push. */
interface Frame {
  readonly item: object;
  readonly below: Frame | undefined;
  method: Memo | undefined;
}

/** The method a proxy read from a frame's item last. */
interface Memo {
  readonly key: PropertyKey;
  readonly fn: unknown;
  readonly result: unknown;
}

/** A Local's values in one scope; only the scope epoch that made them changes them in place. */
export interface Entry {
  readonly epoch: number;
  readonly values: Map<PropertyKey, unknown>;
}

/**
 * What the storage holds: the slots, and the epochs that say what this
 * scope may change in place (a fork moves the parent to a new epoch).
 */
interface Scope {
  slots: unknown[];
  slotsEpoch: number;
  epoch: number;
}

const STACK = 0;
const LOCAL = 1;
/** The stack of `floorPush` that holds Maps, for `floorMapProxy`. */
export const FLOOR_MAP_STACK: number = 2;
/** The stack of `floorPush` that holds web Requests, for `floorWebProxy`. */
export const FLOOR_WEB_STACK: number = 3;
const storage = new AsyncLocalStorage<Scope>();
const root: Scope = {
  slots: [undefined, undefined, undefined, undefined],
  slotsEpoch: 0,
  epoch: 0,
};
const current = (): Scope => storage.getStore() ?? root;
let lastEpoch = 0;

/** A child of `parent`: both now share what `parent` held, neither may change it in place. */
function fork(parent: Scope): Scope {
  parent.epoch = ++lastEpoch;
  return { slots: parent.slots, slotsEpoch: -1, epoch: ++lastEpoch };
}

function ownSlots(scope: Scope): unknown[] {
  if (scope.slotsEpoch !== scope.epoch) {
    scope.slots = scope.slots.slice();
    scope.slotsEpoch = scope.epoch;
  }
  return scope.slots;
}

/** `manager.run(fn)`. */
export function floorRun<R>(fn: () => R): R {
  return storage.run(fork(current()), fn);
}

/** `stack.push(item)`, on the request stack or on another one. */
export function floorPush(item: object, slot: number = STACK): void {
  const slots = ownSlots(current());
  slots[slot] = {
    item,
    below: slots[slot] as Frame | undefined,
    method: undefined,
  };
}

/** `stack.pop()`. */
export function floorPop(): object | undefined {
  const scope = current();
  const frame = scope.slots[STACK] as Frame | undefined;
  if (frame === undefined) return undefined;
  ownSlots(scope)[STACK] = frame.below;
  return frame.item;
}

/** `stack.top`. */
export function floorTop(): object | undefined {
  const frame = current().slots[STACK] as Frame | undefined;
  return frame === undefined ? undefined : frame.item;
}

/** `stack.run(item, fn)`. */
export function floorStackRun<R>(item: object, fn: () => R): R {
  const scope = fork(current());
  ownSlots(scope)[STACK] = {
    item,
    below: scope.slots[STACK] as Frame | undefined,
    method: undefined,
  };
  return storage.run(scope, fn);
}

/** `manager.middleware(h)`: a fork per call, `h` called with its argument. */
export function floorMiddleware<A, R>(handler: (a: A) => R): (a: A) => R {
  return (a) => storage.run(fork(current()), handler, a);
}

type Fields = Record<PropertyKey, unknown>;

/** A method of `frame.item`, bound once and remembered on the frame. */
function methodOf(
  frame: Frame,
  key: PropertyKey,
  fn: (...args: unknown[]) => unknown,
): unknown {
  const memo = frame.method;
  if (memo !== undefined && memo.key === key && memo.fn === fn) {
    return memo.result;
  }
  const result = fn.bind(frame.item);
  frame.method = { key, fn, result };
  return result;
}

/**
 * `new LocalProxy(stack)`: its top's values, its methods bound; an error when
 * unbound. Every proxy runs the same trap code, as the library's do.
 */
function floorProxyOf(slot: number): object {
  return new Proxy({}, {
    get(_target, key) {
      const frame = current().slots[slot] as Frame | undefined;
      if (frame === undefined) throw new Error("object is not bound");
      const value = (frame.item as Fields)[key];
      return typeof value === "function" ? methodOf(frame, key, value as () => unknown) : value;
    },
  });
}

/** A proxy of the request stack. */
export const floorRequest: object = floorProxyOf(STACK);

/** A proxy of the stack of Maps (`FLOOR_MAP_STACK`). */
export const floorMapProxy: object = floorProxyOf(FLOOR_MAP_STACK);

/** A proxy of the stack of web Requests (`FLOOR_WEB_STACK`). */
export const floorWebProxy: object = floorProxyOf(FLOOR_WEB_STACK);

/**
 * A new Map holding `entry`'s values: a loop, as the library copies, not
 * `new Map(values)`, which V8 runs through the iterator protocol (~3x slower).
 */
export function copyOf(entry: Entry | undefined): Map<PropertyKey, unknown> {
  const values = new Map<PropertyKey, unknown>();
  if (entry !== undefined) { for (const [key, value] of entry.values) values.set(key, value); }
  return values;
}

/** `new Local()`: a Map per scope, copied on the first write after a fork. */
export const floorLocal: Fields = new Proxy({} as Fields, {
  get(_target, key) {
    const entry = current().slots[LOCAL] as Entry | undefined;
    return entry === undefined ? undefined : entry.values.get(key);
  },
  set(_target, key, value) {
    const scope = current();
    const entry = scope.slots[LOCAL] as Entry | undefined;
    if (entry !== undefined && entry.epoch === scope.epoch) {
      entry.values.set(key, value);
    } else {
      const values = copyOf(entry);
      values.set(key, value);
      ownSlots(scope)[LOCAL] = { epoch: scope.epoch, values };
    }
    return true;
  },
});
