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
import { currentScope, localSlots, registerSlot } from "./_scope.ts";
import { entryOf, ownValues, slotOfLocal, snapshot } from "./_local_values.ts";
import { INSPECT, inspectLocal } from "./_inspect.ts";

/** The `[key, value]` pairs that iterating a {@linkcode Local} yields. */
export type LocalEntryOf<T extends object> = {
  [K in keyof T]-?: [K, T[K]];
}[keyof T];

/**
 * A context-local namespace: every property is a value of the current scope.
 * Unset properties read as `undefined`.
 *
 * @example
 * ```ts
 * import { Local } from "@contextlocal/contextlocal";
 *
 * const g: Local<{ user: string; roles: string[] }> = new Local();
 * g.user = "ada";
 * const user: string | undefined = g.user;
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
 * @example
 * ```ts
 * import { type AnyLocal, Local } from "@contextlocal/contextlocal";
 *
 * const locals: AnyLocal[] = [new Local<{ user: string }>(), new Local<{ id: number }>()];
 * ```
 */
export type AnyLocal = Iterable<readonly [PropertyKey, unknown]>;

/**
 * The constructor of {@linkcode Local}.
 *
 * @example
 * ```ts
 * import { Local } from "@contextlocal/contextlocal";
 *
 * const g = new Local<{ user: string }>();
 * console.log(g instanceof Local); // true
 * ```
 */
export interface LocalConstructor {
  /**
   * Creates a Local. Its values live in scopes (see `LocalManager#run`), not
   * in the object: outside any scope they are the process-wide root scope's.
   *
   * @example
   * ```ts
   * import { Local } from "@contextlocal/contextlocal";
   *
   * const g = new Local<{ requestId: string }>();
   * g.requestId = "r-1";
   * ```
   */
  new <T extends object = Record<PropertyKey, unknown>>(): Local<T>;
  /**
   * The prototype every Local reports, so that `local instanceof Local` holds.
   *
   * @example
   * ```ts
   * import { Local } from "@contextlocal/contextlocal";
   *
   * console.log(Object.getPrototypeOf(new Local()) === Local.prototype); // true
   * ```
   */
  readonly prototype: Local<Record<PropertyKey, unknown>>;
}

// Read once: `Symbol.iterator` in a trap is a global lookup plus a property load per access.
const ITERATOR: typeof Symbol.iterator = Symbol.iterator;

/*
 * Every trap reads or writes the current scope: the target (the slot) holds
 * nothing and is shared by every scope, so no trap touches it.
 */
const handler: ProxyHandler<object> = {
  get(slot, key) {
    if (key === ITERATOR) return iteratorOf(slot);
    return entryOf(currentScope(), slot)?.values.get(key);
  },
  set(slot, key, value) {
    if (key === ITERATOR) throw reservedKeyError("assign");
    ownValues(currentScope(), slot).set(key, value);
    return true;
  },
  has(slot, key) {
    return entryOf(currentScope(), slot)?.values.has(key) ?? false;
  },
  deleteProperty(slot, key) {
    const scope = currentScope();
    if (entryOf(scope, slot)?.values.has(key)) ownValues(scope, slot).delete(key);
    return true;
  },
  ownKeys(slot) {
    const entry = entryOf(currentScope(), slot);
    return entry === undefined ? [] : [...entry.values.keys()] as (string | symbol)[];
  },
  getOwnPropertyDescriptor(slot, key) {
    const values = entryOf(currentScope(), slot)?.values;
    if (values === undefined || !values.has(key)) return undefined;
    return { value: values.get(key), writable: true, enumerable: true, configurable: true };
  },
  defineProperty(slot, key, descriptor) {
    if (key === ITERATOR) throw reservedKeyError("define");
    if ("get" in descriptor || "set" in descriptor) {
      throw new TypeError(
        `Local properties are plain values; cannot define accessor property ${String(key)}`,
      );
    }
    if (
      descriptor.configurable === false || descriptor.writable === false ||
      descriptor.enumerable === false
    ) {
      throw new TypeError(
        `Local properties are always writable, enumerable and configurable; cannot define ${
          String(key)
        } with ${JSON.stringify(descriptor, ["writable", "enumerable", "configurable"])}`,
      );
    }
    ownValues(currentScope(), slot).set(key, descriptor.value);
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

function reservedKeyError(action: string): TypeError {
  return new TypeError(
    `cannot ${action} Symbol.iterator on a Local: it is reserved so that \`for (const [key, value] of local)\` works`,
  );
}

const iterators = new WeakMap<object, () => IterableIterator<[PropertyKey, unknown]>>();

function iteratorOf(slot: object): () => IterableIterator<[PropertyKey, unknown]> {
  let iterate = iterators.get(slot);
  if (iterate === undefined) {
    iterate = () => snapshot(slot)[Symbol.iterator]();
    iterators.set(slot, iterate);
  }
  return iterate;
}

const LocalClass = class Local {
  constructor() {
    // The instance is the slot: the key of this Local's values in each scope.
    registerSlot(this);
    const proxy = new Proxy(this, handler);
    localSlots.set(proxy, this);
    return proxy as this;
  }

  // Read from the slot by util.inspect / console.log (which unwrap proxies),
  // so printing a Local shows the current scope's values.
  [INSPECT](): object {
    return inspectLocal(entryOf(currentScope(), slotOfLocal(this) ?? this)?.values);
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return slotOfLocal(value) !== undefined;
  }
};

/**
 * Creates a context-local namespace object (werkzeug's `Local`).
 *
 * Any string or symbol key is a value of the current scope: `in`, `delete`,
 * `Object.keys`, `Object.entries`, spread and `for (const [k, v] of local)`
 * see the current scope's values, and names such as `__proto__`,
 * `constructor` or `toString` are plain keys that never touch a prototype.
 * `Symbol.iterator` is the one reserved key.
 *
 * @example
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
