/**
 * The scope model shared by every Local and LocalStack (internal).
 *
 * One library-wide `AsyncLocalStorage` holds the current {@linkcode Scope};
 * outside any scope the process-wide root scope is used. A scope maps each
 * Local or LocalStack (its "slot") to that local's value in this scope.
 *
 * Every Local and LocalStack gets an index when it is created. The values of
 * the first {@linkcode FAST_SLOTS} live in `fast`, a short array indexed by
 * it, so a read is one array load. `fast` is shared with the scopes forked
 * from it and copied (a bounded, O(1) copy) on the first write after a fork,
 * tracked with epochs like Local entries.
 *
 * The values of later slots live in `deep`, a trie of 32-entry arrays
 * indexed by the slot's index (a persistent vector): a child shares its
 * parent's trie, so opening a scope is O(1) however many locals hold values,
 * and the first write after a fork copies only the path to the slot: at most
 * `deepLevels` arrays of 32 entries (4 for up to ~10^6 such slots), so a
 * write is O(1) too. Nodes carry the epoch that created them and are changed
 * in place only by that epoch, like `fast`.
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
import { describeValue } from "./_describe.ts";

/** The values of every local in one context. */
export interface Scope {
  /** Index -> value of the slots that have an index. Shared unless `fastEpoch === epoch`. */
  fast: unknown[];
  /** The epoch in which this scope created `fast`. */
  fastEpoch: number;
  /** The trie of the values of slots past the fast ones; `undefined` until one is written. */
  deep: TrieNode | undefined;
  /** How many levels `deep` has: it holds `CAPACITY[deepLevels]` slots. */
  deepLevels: number;
  /** Values created in this epoch belong to this scope alone. */
  epoch: number;
}

/** One array of a trie; `items` are nodes, or values at the last level. */
export interface TrieNode {
  /** The epoch that created the node: only that epoch changes it in place. */
  readonly epoch: number;
  readonly items: unknown[];
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

/** How many slots have their values in `Scope#fast`; later ones use the trie. */
export const FAST_SLOTS = 16;
/** Where a slot keeps its index, the same key for every copy of this module. */
const SLOT_INDEX: unique symbol = Symbol.for("@contextlocal/contextlocal.slotIndex");
type Indexed = { [SLOT_INDEX]: number };
/**
 * Where a strict slot keeps the name its errors use, the same key for every
 * copy (so `releaseLocal` of another copy's strict Local throws too).
 */
const STRICT: unique symbol = Symbol.for("@contextlocal/contextlocal.strict");
type Strict = { [STRICT]?: string };

/**
 * Bump when the shape of {@linkcode Scope} or of a slot value changes: two
 * copies may share the runtime only when they agree on it.
 */
const PROTOCOL = 4;
const RUNTIME_KEY: unique symbol = Symbol.for("@contextlocal/contextlocal.runtime");

function createRuntime(): ScopeRuntime {
  let lastEpoch = 0;
  return {
    protocol: PROTOCOL,
    storage: new AsyncLocalStorage<Scope>(),
    root: {
      // One entry per fast slot registered so far (see registerSlot), and
      // "holey" like every copy: one elements kind for every read site.
      fast: new Array<unknown>(0),
      fastEpoch: 0,
      deep: undefined,
      deepLevels: 0,
      epoch: 0,
    },
    fork(parent: Scope): Scope {
      // From now on the parent's fast array, trie nodes and Local entries
      // are shared: neither scope may change them in place.
      parent.epoch = ++lastEpoch;
      return {
        fast: parent.fast,
        fastEpoch: -1,
        deep: parent.deep,
        deepLevels: parent.deepLevels,
        epoch: ++lastEpoch,
      };
    },
    localSlots: new WeakMap(),
    stacks: new WeakSet(),
    proxies: new WeakMap(),
    slotCount: 0,
  };
}

function loadRuntime(): ScopeRuntime {
  const global = globalThis as { [RUNTIME_KEY]?: unknown };
  const existing = global[RUNTIME_KEY];
  if (existing === undefined) {
    const runtime = createRuntime();
    // A frozen or non-extensible globalThis cannot hold it: this copy then
    // keeps its runtime to itself rather than failing to load.
    Reflect.defineProperty(global, RUNTIME_KEY, { value: runtime });
    return runtime;
  }
  const protocol = checkRuntime(existing);
  if (protocol === PROTOCOL) return existing as ScopeRuntime;
  // Sharing an incompatible runtime would corrupt scopes; a private one loses
  // context between the copies, which must not go unnoticed.
  console.warn(
    `@contextlocal/contextlocal: another copy of this module with scope protocol ${
      String(protocol)
    } is loaded; this copy speaks protocol ${PROTOCOL}, so the two do not share ` +
      "scopes (a value set through one is invisible through the other). " +
      "Deduplicate the dependency so that one version is loaded.",
  );
  return createRuntime();
}

/**
 * The protocol of a runtime found on `globalThis`, after checking that it
 * has the shape every protocol's runtime has (a copy of this module put it
 * there), and, for this protocol, every member this copy uses.
 *
 * @throws {TypeError} When something else occupies the key.
 */
function checkRuntime(value: unknown): number {
  const where = `globalThis[Symbol.for("${RUNTIME_KEY.description}")]`;
  const fail = (expected: string, received: unknown): never => {
    throw new TypeError(
      `@contextlocal/contextlocal: ${where} holds something other than this ` +
        `library's runtime (expected ${expected}; received ${describeValue(received)}); ` +
        "only copies of this module may set that key",
    );
  };
  if (typeof value !== "object" || value === null) return fail("an object", value);
  const runtime = value as Record<keyof ScopeRuntime, unknown>;
  if (!Number.isSafeInteger(runtime.protocol)) {
    return fail("an integer `protocol`", runtime.protocol);
  }
  if (runtime.protocol !== PROTOCOL) return runtime.protocol as number;
  const members: [keyof ScopeRuntime, string, (v: unknown) => boolean][] = [
    ["storage", "an AsyncLocalStorage", (v) => v instanceof AsyncLocalStorage],
    ["root", "a root scope", (v) => typeof v === "object" && v !== null],
    ["fork", "a fork function", (v) => typeof v === "function"],
    ["localSlots", "a WeakMap", (v) => v instanceof WeakMap],
    ["stacks", "a WeakSet", (v) => v instanceof WeakSet],
    ["proxies", "a WeakMap", (v) => v instanceof WeakMap],
    ["slotCount", "an integer", (v) => Number.isSafeInteger(v)],
  ];
  for (const [key, expected, valid] of members) {
    if (!valid(runtime[key])) fail(`${expected} as \`${key}\``, runtime[key]);
  }
  return PROTOCOL;
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
 * giving it the next index.
 *
 * @param strictName For a strict slot, the name its errors use.
 * @returns The index: below {@linkcode FAST_SLOTS}, one into `Scope#fast`.
 */
export function registerSlot(slot: object, strictName?: string): number {
  const index = runtime.slotCount++;
  // The root's array grows with the slots, so that copies of it (the first
  // write of each scope copies the array) hold only the slots that exist.
  if (index < FAST_SLOTS) runtime.root.fast.push(undefined);
  // Configurable: a Local's slot is a Proxy target, which must not pin anything.
  Object.defineProperty(slot, SLOT_INDEX, { value: index, configurable: true });
  if (strictName !== undefined) {
    Object.defineProperty(slot, STRICT, { value: strictName, configurable: true });
  }
  return index;
}

/**
 * Describes an operation for the strict error, e.g. `(name) => \`${name}.push()\``:
 * module-level functions, so that passing one allocates nothing.
 */
export type Operation = (name: string, key: PropertyKey) => string;

/**
 * The scope that `slot`'s operation outside any scope uses: the root scope,
 * unless the slot is strict. Called only when `storage.getStore()` is
 * `undefined`, so inside a scope a strict slot costs nothing extra.
 *
 * @throws {Error} When `slot` is strict.
 */
export function rootScopeFor(slot: object, operation: Operation, key?: PropertyKey): Scope {
  const name = (slot as Strict)[STRICT];
  if (name === undefined) return rootScope;
  throw outsideAnyScope(operation, name, key);
}

/** The error of strict slot `name`'s operation outside any scope. */
export function outsideAnyScope(operation: Operation, name: string, key?: PropertyKey): Error {
  return new Error(
    `${operation(name, key as PropertyKey)} outside any scope: wrap the handler in ` +
      "manager.middleware() or manager.run()",
  );
}

/** `slot`'s index (see {@linkcode registerSlot}). */
export function slotIndex(slot: object): number {
  return (slot as Indexed)[SLOT_INDEX];
}

/** `slot`'s value in `scope`: a Local's entry, a LocalStack's top frame, or `undefined`. */
export function readSlot(scope: Scope, slot: object): unknown {
  const index = (slot as Indexed)[SLOT_INDEX];
  return index < FAST_SLOTS ? scope.fast[index] : readDeep(scope, index - FAST_SLOTS);
}

/** Sets `slot`'s value in `scope` only. */
export function writeSlot(scope: Scope, slot: object, value: object): void {
  const index = (slot as Indexed)[SLOT_INDEX];
  if (index < FAST_SLOTS) ownFast(scope)[index] = value;
  else writeDeep(scope, index - FAST_SLOTS, value);
}

/**
 * `scope.fast`, copied first if `scope` shares it (see {@linkcode forkScope}).
 * Arrays hold the fast slots registered when they were copied: most apps
 * have a few locals, and this copy is most of what a request allocates (176
 * bytes for 16 slots on V8). A slot registered later is past the end of
 * older arrays, where a read gives `undefined` and a write grows the array.
 */
export function ownFast(scope: Scope): unknown[] {
  if (scope.fastEpoch !== scope.epoch) {
    scope.fast = scope.fast.slice();
    scope.fastEpoch = scope.epoch;
  }
  return scope.fast;
}

/** Removes `slot`'s value from `scope` only. */
export function deleteSlot(scope: Scope, slot: object): void {
  const index = (slot as Indexed)[SLOT_INDEX];
  if (index < FAST_SLOTS) {
    if (scope.fast[index] !== undefined) ownFast(scope)[index] = undefined;
  } else if (readDeep(scope, index - FAST_SLOTS) !== undefined) {
    writeDeep(scope, index - FAST_SLOTS, undefined);
  }
}

const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;
/** How many slots a trie of n levels holds (indexes stay below 2^31). */
const CAPACITY = [1, 2 ** 5, 2 ** 10, 2 ** 15, 2 ** 20, 2 ** 25, 2 ** 30, 2 ** 35];

function readDeep(scope: Scope, at: number): unknown {
  let node = scope.deep;
  const levels = scope.deepLevels;
  if (node === undefined || at >= CAPACITY[levels]) return undefined;
  for (let level = levels - 1; level > 0; level--) {
    node = node.items[(at >>> (BITS * level)) & MASK] as TrieNode | undefined;
    if (node === undefined) return undefined;
  }
  return node.items[at & MASK];
}

function writeDeep(scope: Scope, at: number, value: unknown): void {
  const epoch = scope.epoch;
  if (scope.deep === undefined) {
    scope.deep = newNode(epoch);
    scope.deepLevels = 1;
  }
  while (at >= CAPACITY[scope.deepLevels]) {
    const root = newNode(epoch);
    root.items[0] = scope.deep;
    scope.deep = root;
    scope.deepLevels++;
  }
  let node = scope.deep = ownNode(scope.deep, epoch);
  for (let level = scope.deepLevels - 1; level > 0; level--) {
    const slotAt = (at >>> (BITS * level)) & MASK;
    const child = node.items[slotAt] as TrieNode | undefined;
    node = node.items[slotAt] = child === undefined ? newNode(epoch) : ownNode(child, epoch);
  }
  node.items[at & MASK] = value;
}

function newNode(epoch: number): TrieNode {
  return { epoch, items: new Array<unknown>(WIDTH).fill(undefined) };
}

/** `node` if `epoch` created it, else a copy that `epoch` may change. */
function ownNode(node: TrieNode, epoch: number): TrieNode {
  return node.epoch === epoch ? node : { epoch, items: node.items.slice() };
}

/**
 * Removes `slot`'s value (a Local's or a LocalStack's) from the current scope.
 *
 * @param caller Who asks, for a strict slot's error.
 */
export function releaseSlot(slot: object, caller: Operation): void {
  const scope = storage.getStore() ?? rootScopeFor(slot, caller);
  if (readSlot(scope, slot) !== undefined) deleteSlot(scope, slot);
}
