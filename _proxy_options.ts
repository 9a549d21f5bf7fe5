/**
 * The arguments of `new LocalProxy(source, name?, options?)`, validated once
 * and turned into what the proxy's traps use (internal).
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { FAST_SLOTS, slotIndex } from "./_scope.ts";
import { readLocal, slotOfLocal, topReader } from "./_local_values.ts";
import { describe, typeError } from "./_describe.ts";
import { LocalStack } from "./stack.ts";

/** What a LocalProxy needs from its constructor's arguments. */
export interface ProxyConfig {
  /** The current object, or `undefined`/`null` when unbound. May throw (a function source). */
  readonly resolve: () => unknown;
  readonly unboundMessage: string;
  readonly callable: boolean;
  /**
   * Set when the proxy is the top of a LocalStack with a fast slot and no
   * path (the usual `request`): that slot's index, for a `get` trap that
   * reads it directly.
   */
  readonly stackSlot?: number;
}

const WHAT = "new LocalProxy()";

/** What "nothing is bound" means for every LocalProxy: no current object. */
export function isUnbound(real: unknown): real is undefined | null {
  return real === undefined || real === null;
}
const DEFAULT_UNBOUND_MESSAGE = "object is not bound";

/** Validates the constructor's arguments; a TypeError names the first bad one. */
export function parseArguments(source: unknown, name: unknown, options: unknown): ProxyConfig {
  const kind = sourceKind(source);
  const path = parsePath(kind, name);
  const { unboundMessage = DEFAULT_UNBOUND_MESSAGE, callable = false } = parseOptions(options);
  const resolve = resolverFor(kind, source, path);
  const index = kind === "stack" && path.length === 0 ? slotIndex(source as object) : FAST_SLOTS;
  return index >= FAST_SLOTS
    ? { resolve, unboundMessage, callable }
    : { resolve, unboundMessage, callable, stackSlot: index };
}

type SourceKind = "local" | "stack" | "storage" | "function";

function sourceKind(source: unknown): SourceKind {
  if (slotOfLocal(source) !== undefined) return "local";
  if (source instanceof LocalStack) return "stack";
  if (isAsyncLocalStorage(source)) return "storage";
  if (typeof source === "function" && !isRevoked(source)) return "function";
  throw typeError(WHAT, "a Local, LocalStack, AsyncLocalStorage or function as its source", source);
}

function isAsyncLocalStorage(value: unknown): value is AsyncLocalStorage<unknown> {
  try {
    return value instanceof AsyncLocalStorage;
  } catch {
    return false; // a revoked proxy throws on getPrototypeOf
  }
}

/** A revoked Proxy throws on every operation, so it can never be called. */
function isRevoked(fn: object): boolean {
  try {
    Reflect.getPrototypeOf(fn);
    return false;
  } catch {
    return true;
  }
}

function parsePath(kind: SourceKind, name: unknown): readonly string[] {
  if (name !== undefined && typeof name !== "string") {
    throw typeError(WHAT, "a property name or dotted path (string) as its name", name);
  }
  if (kind === "local" && name === undefined) {
    throw new TypeError(
      `${WHAT} with a Local source needs the name of the value to proxy, as in new LocalProxy(g, "user")`,
    );
  }
  const path = name === undefined ? [] : name.split(".");
  if (path.some((segment) => segment === "")) {
    throw new TypeError(
      `${WHAT} expects a property name or dotted path such as "user.name"; received ${
        describe(name)
      }`,
    );
  }
  return path;
}

function parseOptions(options: unknown): { unboundMessage?: string; callable?: boolean } {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null) {
    throw typeError(WHAT, "an options object or undefined", options);
  }
  const { unboundMessage, callable } = options as Record<string, unknown>;
  if (unboundMessage !== undefined && typeof unboundMessage !== "string") {
    throw typeError(WHAT, "options.unboundMessage to be a string", unboundMessage);
  }
  if (callable !== undefined && typeof callable !== "boolean") {
    throw typeError(WHAT, "options.callable to be a boolean", callable);
  }
  return { unboundMessage, callable };
}

/** The function returning the source's current value at `path`. */
function resolverFor(kind: SourceKind, source: unknown, path: readonly string[]): () => unknown {
  if (kind === "local") {
    // Internal readers, not the public traps or getters: a strict local
    // throws its own error outside scopes, where the proxy must be unbound.
    const [first, ...rest] = path;
    const slot = slotOfLocal(source) as object;
    return followPath(() => readLocal(slot, first), rest);
  }
  return followPath(sourceReader(kind, source), path);
}

function sourceReader(kind: SourceKind, source: unknown): () => unknown {
  if (kind === "stack") return topReader(source as object);
  if (kind === "storage") {
    const storage = source as AsyncLocalStorage<unknown>;
    return () => storage.getStore();
  }
  const fn = source as () => unknown;
  return () => fn();
}

function followPath(lookup: () => unknown, path: readonly string[]): () => unknown {
  if (path.length === 0) return lookup;
  return () => {
    let value = lookup();
    for (const segment of path) {
      if (isUnbound(value)) return undefined;
      value = (value as Record<string, unknown>)[segment];
    }
    return value;
  };
}
