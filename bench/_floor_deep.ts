/**
 * The floor of the write + fork rows of bench/micro.ts: the scope of
 * `_floors.ts` with the part those rows measure added, the values of slots
 * past the fast ones in a trie of 32-entry arrays shared with forks, whose
 * first write after a fork copies the path to its slot (one array per
 * level). Its own storage, so the other floors keep their smaller scope.
 *
 * The rows that use it show what that path copy costs by itself: a write
 * where 10^4 other slots hold values copies three arrays, one where none
 * do copies one.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { copyOf, type Entry } from "./_floors.ts";

/** One array of the trie, changed in place only by the epoch that made it. */
interface TrieNode {
  readonly epoch: number;
  readonly items: unknown[];
}

interface Scope {
  slots: unknown[];
  slotsEpoch: number;
  deep: TrieNode | undefined;
  deepLevels: number;
  epoch: number;
}

const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;
/** How many slots a trie of n levels holds. */
const CAPACITY = [1, 2 ** 5, 2 ** 10, 2 ** 15, 2 ** 20, 2 ** 25];
const storage = new AsyncLocalStorage<Scope>();
let lastEpoch = 0;

function fork(parent: Scope): Scope {
  parent.epoch = ++lastEpoch;
  return {
    slots: parent.slots,
    slotsEpoch: -1,
    deep: parent.deep,
    deepLevels: parent.deepLevels,
    epoch: ++lastEpoch,
  };
}

function ownNode(node: TrieNode, epoch: number): TrieNode {
  return node.epoch === epoch ? node : { epoch, items: node.items.slice() };
}

function newNode(epoch: number): TrieNode {
  return { epoch, items: new Array<unknown>(WIDTH).fill(undefined) };
}

function readDeep(scope: Scope, at: number): unknown {
  let node = scope.deep;
  for (let level = scope.deepLevels - 1; level > 0 && node !== undefined; level--) {
    node = node.items[(at >>> (BITS * level)) & MASK] as TrieNode | undefined;
  }
  return node?.items[at & MASK];
}

function writeDeep(scope: Scope, at: number, value: unknown): void {
  const epoch = scope.epoch;
  scope.deep ??= newNode(epoch);
  while (at >= CAPACITY[scope.deepLevels]) {
    const root = newNode(epoch);
    root.items[0] = scope.deep;
    scope.deep = root;
    scope.deepLevels++;
  }
  let node = scope.deep = ownNode(scope.deep, epoch);
  for (let level = scope.deepLevels - 1; level > 0; level--) {
    const at2 = (at >>> (BITS * level)) & MASK;
    const child = node.items[at2] as TrieNode | undefined;
    node = node.items[at2] = child === undefined ? newNode(epoch) : ownNode(child, epoch);
  }
  node.items[at & MASK] = value;
}

/** `local[key] = value` for the Local of deep slot `at`: its Map copied on the first write after a fork. */
function setLocal(scope: Scope, at: number, key: PropertyKey, value: unknown): void {
  const entry = readDeep(scope, at) as Entry | undefined;
  if (entry !== undefined && entry.epoch === scope.epoch) {
    entry.values.set(key, value);
    return;
  }
  const values = copyOf(entry);
  values.set(key, value);
  writeDeep(scope, at, { epoch: scope.epoch, values });
}

/** `manager.run(fn)` in this floor's storage. */
export function floorDeepRun<R>(fn: () => R): R {
  return storage.run(fork(storage.getStore()!), fn);
}

/** A scope where `count` deep slots hold a value, and one more slot that the row writes. */
export interface FloorDeepScope {
  /** Runs `fn` in the scope, which is made and filled on first use. */
  inside<R>(fn: () => R): R;
  /** `local.v = value` on the slot past the `count` others, in the current scope. */
  write(value: number): void;
}

let nextSlot = 0;

/**
 * One {@linkcode FloorDeepScope} per count, their slots numbered in order
 * as the library numbers Locals made in that order.
 */
export function floorDeepScopes(counts: readonly number[]): FloorDeepScope[] {
  return counts.map((count) => {
    const first = nextSlot;
    nextSlot += count + 1;
    let scope: Scope | undefined;
    const fill = (): Scope => {
      const made: Scope = { slots: [], slotsEpoch: 0, deep: undefined, deepLevels: 1, epoch: 0 };
      for (let at = first; at < first + count; at++) setLocal(made, at, "v", 1);
      return made;
    };
    return {
      inside: (fn) => storage.run(scope ??= fill(), fn),
      write: (value) => setLocal(storage.getStore()!, first + count, "v", value),
    };
  });
}
