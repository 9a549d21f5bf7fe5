/**
 * {@linkcode Local}: a namespace object whose properties are context-local,
 * like werkzeug's `Local` (Flask's `g`).
 *
 * @example Per-request values
 * ```ts
 * import { Local, LocalManager } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const g = new Local<{ user: string }>();
 * const manager = new LocalManager(g);
 *
 * await manager.run(async () => {
 *   g.user = "ada";
 *   await Promise.resolve();
 *   assert.equal(g.user, "ada");
 * });
 * assert.equal(g.user, undefined);
 * ```
 *
 * @module
 */
import {
  FAST_SLOTS,
  localSlots,
  type Operation,
  registerSlot,
  rootScopeFor,
  type Scope,
  storage as sharedStorage,
} from "./_scope.ts";
import { entryOf, type LocalEntry, ownValues, slotOfLocal, snapshot } from "./_local_values.ts";
import { INSPECT, inspectLocal } from "./_inspect.ts";
import { checkOptions, type LocalOptions } from "./_local_options.ts";

// Module-level consts, not the imported bindings, on hot paths (CONTRIBUTING.md, Conventions).
const storage = sharedStorage;

export type { LocalOptions } from "./_local_options.ts";

/**
 * The `[key, value]` pairs that iterating a {@linkcode Local} yields.
 *
 * @typeParam T The Local's value types.
 *
 * @example Iterating a Local gives typed pairs
 * ```ts
 * import {
 *   Local,
 *   type LocalEntryOf,
 *   LocalManager,
 * } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * type Values = { user: string; id: number };
 * const g = new Local<Values>();
 * new LocalManager().run(() => {
 *   g.user = "ada";
 *   g.id = 7;
 *   const pairs: LocalEntryOf<Values>[] = [...g];
 *   assert.deepEqual(pairs, [["user", "ada"], ["id", 7]]);
 * });
 * ```
 */
export type LocalEntryOf<T extends object> = {
  [K in keyof T]-?: [K, T[K]];
}[keyof T];

/**
 * The type of a Local (what `new Local<T>()` returns): every property of
 * `T` is optional, since a scope may not have set it, and iterating yields
 * the current scope's `[key, value]` pairs. The constructor is documented
 * below, as the variable `Local`.
 *
 * @typeParam T The names and types of the values; every one is optional.
 *
 * @example Typed values, each possibly unset
 * ```ts
 * import { Local, LocalManager } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const g: Local<{ user: string; roles: string[] }> = new Local();
 * new LocalManager().run(() => {
 *   g.user = "ada";
 *   const user: string | undefined = g.user;
 *   assert.equal(user, "ada");
 *   assert.equal(g.roles, undefined);
 * });
 * ```
 */
export type Local<T extends object = Record<PropertyKey, unknown>> =
  & { [K in keyof T]?: T[K] }
  & Iterable<LocalEntryOf<T>>;

/**
 * Any {@linkcode Local}, whatever its value types: what `releaseLocal`,
 * `LocalManager` and `LocalProxy` accept (they check at run time that it is
 * a Local).
 *
 * @example Locals of different types in one list
 * ```ts
 * import { type AnyLocal, Local, LocalManager } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const locals: AnyLocal[] = [
 *   new Local<{ user: string }>(),
 *   new Local<{ id: number }>(),
 * ];
 * const manager = new LocalManager(locals);
 * assert.ok(manager instanceof LocalManager);
 * ```
 */
export type AnyLocal = Iterable<readonly [PropertyKey, unknown]>;

/**
 * The constructor of {@linkcode Local}.
 *
 * @example Every Local is an instance of Local
 * ```ts
 * import { Local } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const g = new Local<{ user: string }>();
 * assert.ok(g instanceof Local);
 * ```
 */
export interface LocalConstructor {
  /**
   * Creates a Local. Its values live in scopes (see `LocalManager#run`), not
   * in the object: outside any scope they are the process-wide root scope's,
   * or, for a strict Local, an error.
   *
   * @typeParam T The names and types of the Local's values.
   * @param options `strict` and `name` (see {@linkcode LocalOptions}).
   * @throws {TypeError} When `options` is not a valid {@linkcode LocalOptions}.
   *
   * @example A strict, named Local
   * ```ts
   * import { Local, LocalManager } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * const g = new Local<{ requestId: string }>({ strict: true, name: "g" });
   * new LocalManager().run(() => {
   *   g.requestId = "r-1";
   *   assert.equal(g.requestId, "r-1");
   * });
   * assert.throws(() => g.requestId, /reading g\.requestId outside any/);
   * ```
   */
  new <T extends object = Record<PropertyKey, unknown>>(options?: LocalOptions): Local<T>;
  /**
   * The prototype every Local reports, so that `local instanceof Local` holds.
   *
   * @example The prototype a Local reports
   * ```ts
   * import { Local } from "@contextlocal/contextlocal";
   * import assert from "node:assert/strict";
   *
   * assert.equal(Object.getPrototypeOf(new Local()), Local.prototype);
   * ```
   */
  readonly prototype: Local<Record<PropertyKey, unknown>>;
}

// Read once: `Symbol.iterator` in a trap is a global lookup plus a property load per access.
const ITERATOR: typeof Symbol.iterator = Symbol.iterator;

/** `g.user`, `g["a-b"]`, `g[Symbol(id)]`: a key of the Local `name`, for messages. */
function member(name: string, key: PropertyKey): string {
  if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) return `${name}.${key}`;
  const text = typeof key === "string" ? JSON.stringify(key) : String(key);
  return `${name}[${text.length > 40 ? text.slice(0, 40) + "…" : text}]`;
}

// What each trap does, for the error of a strict Local outside any scope.
const READ: Operation = (name, key) => `reading ${member(name, key)}`;
const WRITE: Operation = (name, key) => `writing ${member(name, key)}`;
const DELETE: Operation = (name, key) => `delete ${member(name, key)}`;
const DEFINE: Operation = (name, key) => `defining ${member(name, key)}`;
const HAS: Operation = (name, key) =>
  `${typeof key === "symbol" ? String(key) : JSON.stringify(key)} in ${name}`;
const KEYS: Operation = (name) => `listing the keys of ${name}`;
const ITERATE: Operation = (name) => `iterating ${name}`;

/** The current scope for `operation` on the Local whose target is `slot`. */
function scopeOf(slot: object, operation: Operation, key?: PropertyKey): Scope {
  return storage.getStore() ?? rootScopeFor(slot, operation, key);
}

/*
 * Every trap reads or writes the current scope: the target (the slot) holds
 * nothing and is shared by every scope, so no trap touches it.
 */
const handler: ProxyHandler<object> = {
  get(slot, key) {
    if (key === ITERATOR) return iteratorOf(slot);
    return entryOf(storage.getStore() ?? rootScopeFor(slot, READ, key), slot)?.values.get(key);
  },
  set(slot, key, value) {
    if (key === ITERATOR) throw reservedKeyError("assign");
    ownValues(scopeOf(slot, WRITE, key), slot).set(key, value);
    return true;
  },
  has(slot, key) {
    return entryOf(scopeOf(slot, HAS, key), slot)?.values.has(key) ?? false;
  },
  deleteProperty(slot, key) {
    const scope = scopeOf(slot, DELETE, key);
    if (entryOf(scope, slot)?.values.has(key)) ownValues(scope, slot).delete(key);
    return true;
  },
  ownKeys(slot) {
    const entry = entryOf(scopeOf(slot, KEYS), slot);
    return entry === undefined ? [] : [...entry.values.keys()] as (string | symbol)[];
  },
  getOwnPropertyDescriptor(slot, key) {
    const values = entryOf(scopeOf(slot, READ, key), slot)?.values;
    if (values === undefined || !values.has(key)) return undefined;
    return { value: values.get(key), writable: true, enumerable: true, configurable: true };
  },
  defineProperty(slot, key, descriptor) {
    checkDescriptor(slot, key, descriptor);
    const scope = scopeOf(slot, DEFINE, key);
    // No `value`: the property keeps the value it has (undefined when new),
    // as a plain object's does.
    if ("value" in descriptor) ownValues(scope, slot).set(key, descriptor.value);
    else if (!entryOf(scope, slot)?.values.has(key)) ownValues(scope, slot).set(key, undefined);
    return true;
  },
  getPrototypeOf() {
    return LocalClass.prototype;
  },
  setPrototypeOf() {
    throw new TypeError("cannot set the prototype of a Local: its properties are its values");
  },
  preventExtensions() {
    throw new TypeError(
      "cannot freeze, seal or prevent extensions of a Local: every scope must be able to write it",
    );
  },
};

/**
 * The rule for `Object.defineProperty(local, key, descriptor)`: a Local's
 * properties are always plain data properties, writable, enumerable and
 * configurable. A descriptor may leave any of these out (they are then what
 * they always are) but may not say otherwise: accessors (`get` / `set`) and
 * an attribute set to `false` are a TypeError, whether or not the key is set.
 */
function checkDescriptor(slot: object, key: PropertyKey, descriptor: PropertyDescriptor): void {
  if (key === ITERATOR) throw reservedKeyError("define");
  const target = member(names.get(slot) ?? "Local", key);
  if ("get" in descriptor || "set" in descriptor) {
    throw new TypeError(
      `Local properties are plain values; cannot define accessor property ${target}`,
    );
  }
  const refused = (["writable", "enumerable", "configurable"] as const)
    .filter((attribute) => descriptor[attribute] === false);
  if (refused.length > 0) {
    throw new TypeError(
      "Local properties are always writable, enumerable and configurable; cannot define " +
        `${target} with ${refused.map((attribute) => `${attribute}: false`).join(", ")}`,
    );
  }
}

/**
 * The handler of a Local in a fast slot: `get` and `set` read the slot's
 * entry straight from `Scope#fast` (the hottest paths; no index lookup) and
 * `set` writes in place when the entry belongs to the current epoch.
 */
function fastHandler(index: number): ProxyHandler<object> {
  // Only `get` and `set` own, the other traps on the prototype: engines look
  // the trap up by name on every operation, and V8 searches more than eight
  // own properties by binary search (g.x read x1.23 -> x1.16 on Node, write
  // x1.22 -> x1.15 on Deno).
  const own: ProxyHandler<object> = Object.create(handler);
  return Object.assign(own, {
    get(slot: object, key: PropertyKey): unknown {
      if (key === ITERATOR) return iteratorOf(slot);
      const scope = storage.getStore() ?? rootScopeFor(slot, READ, key);
      const entry = scope.fast[index] as LocalEntry | undefined;
      return entry === undefined ? undefined : entry.values.get(key);
    },
    set(slot: object, key: PropertyKey, value: unknown): boolean {
      if (key === ITERATOR) throw reservedKeyError("assign");
      const scope = storage.getStore() ?? rootScopeFor(slot, WRITE, key);
      const entry = scope.fast[index] as LocalEntry | undefined;
      if (entry !== undefined && entry.epoch === scope.epoch) entry.values.set(key, value);
      else ownValues(scope, slot).set(key, value);
      return true;
    },
  });
}

function reservedKeyError(action: string): TypeError {
  return new TypeError(
    `cannot ${action} Symbol.iterator on a Local: it is reserved so that \`for (const [key, value] of local)\` works`,
  );
}

const iterators = new WeakMap<object, () => IterableIterator<[PropertyKey, unknown]>>();

function iteratorOf(slot: object): () => IterableIterator<[PropertyKey, unknown]> {
  let iterate = iterators.get(slot);
  if (iterate === undefined) {
    iterate = () => snapshot(scopeOf(slot, ITERATE), slot)[Symbol.iterator]();
    iterators.set(slot, iterate);
  }
  return iterate;
}

/** Slot -> the name given to the Local, for printing. */
const names = new WeakMap<object, string>();

const LocalClass = class Local {
  constructor(options?: LocalOptions) {
    const { strict, name, label } = checkOptions("Local", options);
    // The instance is the slot: the key of this Local's values in each scope.
    const index = registerSlot(this, strict ? label : undefined);
    if (name !== undefined) names.set(this, name);
    const proxy = new Proxy(this, index < FAST_SLOTS ? fastHandler(index) : handler);
    localSlots.set(proxy, this);
    return proxy as this;
  }

  // Read from the slot by util.inspect / console.log (which unwrap proxies),
  // so printing a Local shows the current scope's values. It returns an
  // object for the inspector to format, so that depth limits and cycles
  // apply as they do to the values themselves, and it never throws, not
  // even for a strict Local outside any scope.
  [INSPECT](): object | string {
    const slot = slotOfLocal(this) ?? this;
    const name = names.get(slot);
    let scope: Scope;
    try {
      scope = scopeOf(slot, ITERATE);
    } catch {
      return `${name === undefined ? "Local" : `Local [${name}]`} <outside any scope>`;
    }
    return inspectLocal(entryOf(scope, slot)?.values, name);
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return slotOfLocal(value) !== undefined;
  }
};

/**
 * The constructor of context-local namespace objects (werkzeug's `Local`):
 * `new Local<T>(options?)`, with `options` a {@linkcode LocalOptions}
 * (`strict`, `name`). See {@linkcode LocalConstructor} for its members.
 *
 * Any string or symbol key is a value of the current scope: `in`, `delete`,
 * `Object.keys`, `Object.entries`, spread and `for (const [k, v] of local)`
 * see the current scope's values, and names such as `__proto__`,
 * `constructor` or `toString` are plain keys that never touch a prototype.
 * `Symbol.iterator` is the one reserved key. Properties are always plain,
 * writable, enumerable and configurable data properties:
 * `Object.defineProperty` may leave attributes out (a missing `value` keeps
 * the current one) but refuses accessors and any attribute set to `false`.
 *
 * @example Spread, iterate and `in` see the current scope
 * ```ts
 * import { Local, LocalManager } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const g = new Local<{ user: string }>();
 * new LocalManager().run(() => {
 *   g.user = "ada";
 *   assert.deepEqual({ ...g }, { user: "ada" });
 *   assert.deepEqual([...g], [["user", "ada"]]);
 * });
 * assert.equal("user" in g, false);
 * ```
 */
export const Local: LocalConstructor = LocalClass as unknown as LocalConstructor;
