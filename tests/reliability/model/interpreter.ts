/**
 * Runs a generated program against the library and the reference model in
 * lockstep: every op is applied to both at the same moment of the same event
 * loop, so concurrent interleavings are identical, and every observation of
 * the library is compared with the model's at once. The library finds its
 * scope through AsyncLocalStorage; the model's scope is passed by hand.
 *
 * Mismatches are collected, never thrown mid-program, so that a failing run
 * still finishes (no stray timers) before the property fails.
 *
 * @module
 */
import * as mod from "../../../mod.ts";
import type { Local, LocalManager, LocalStack } from "../../../mod.ts";
import {
  type AsyncOp,
  type Key,
  KEYS,
  LOCALS,
  type Program,
  STACKS,
  type SyncOp,
  type Via,
} from "./program.ts";
import { ModelScope } from "./reference.ts";

/** A value written by op #n: `{ id: "vn" }`, compared by identity. */
export interface Val {
  readonly id: string;
}

const SYM = Symbol("sym");
const keyOf = (key: Key): PropertyKey => key === "@sym" ? SYM : key;
const keyName = (key: PropertyKey): string => typeof key === "symbol" ? "[sym]" : String(key);
const show = (value: unknown): string =>
  value === undefined ? "undefined" : (value as Val).id ?? String(value);

/** Thrown by a failing scope body; carries the op id so that the catch can tell it apart. */
class PlannedFailure extends Error {
  readonly op: number;
  constructor(op: number) {
    super(`planned failure of op #${op}`);
    this.op = op;
  }
}

const hasImmediate = typeof setImmediate === "function";

function pause(how: string, ms: number): Promise<void> {
  if (how === "timer") return new Promise((resolve) => setTimeout(resolve, ms));
  if (how === "immediate") {
    return new Promise((resolve) => hasImmediate ? setImmediate(resolve) : setTimeout(resolve, 0));
  }
  return new Promise((resolve) => queueMicrotask(resolve));
}

/** Figures for the test output. */
export interface RunStats {
  ops: number;
  scopes: number;
  maxConcurrentScopes: number;
  observations: number;
}

/** The library under test: this tree's module, or a copy of it with its own runtime. */
export type Library = typeof mod;

/** The Locals and LocalStacks a program runs on. */
export interface Cast {
  readonly lib: Library;
  readonly locals: readonly Local<Record<PropertyKey, Val | undefined>>[];
  readonly stacks: readonly LocalStack<Val>[];
}

/** New Locals and LocalStacks of `lib`. */
export function freshCast(lib: Library = mod): Cast {
  return {
    lib,
    locals: Array.from({ length: LOCALS }, () => new lib.Local()),
    stacks: Array.from({ length: STACKS }, () => new lib.LocalStack<Val>()),
  };
}

/**
 * New Locals and LocalStacks of `lib`, strict and plain mixed: g0 and s1 are
 * strict, g1 and s0 are not. Programs run inside scopes, where a strict local
 * must behave exactly as a plain one.
 */
export function strictCast(lib: Library = mod): Cast {
  return {
    lib,
    locals: [new lib.Local({ strict: true, name: "g0" }), new lib.Local({ name: "g1" })],
    stacks: [new lib.LocalStack<Val>(), new lib.LocalStack<Val>({ strict: true, name: "s1" })],
  };
}

/**
 * One program's run on `cast` (Locals and stacks may be reused across runs:
 * every run starts in a new scope and checks that nothing leaked out), with
 * fresh managers and proxies.
 */
export class LockstepRun {
  readonly #lib: Library;
  readonly #locals: readonly Local<Record<PropertyKey, Val | undefined>>[];
  readonly #stacks: readonly LocalStack<Val>[];
  readonly #managers: LocalManager[];
  readonly #proxies: unknown[];
  readonly #pushes: { disposable: Disposable; scope: ModelScope; stack: number; token: object }[] =
    [];
  readonly #pending: Promise<void>[] = [];
  readonly mismatches: string[] = [];
  readonly stats: RunStats = { ops: 0, scopes: 0, maxConcurrentScopes: 0, observations: 0 };
  #open = 0;
  readonly #fork: (parent: ModelScope) => ModelScope;

  /**
   * @param cast The Locals and stacks to use (new ones by default).
   * @param fork How the model opens a child scope; replaceable only so that a
   * test can prove that a wrong model is caught.
   */
  constructor(
    cast: Cast = freshCast(),
    fork: (parent: ModelScope) => ModelScope = (parent) => parent.fork(),
  ) {
    this.#fork = fork;
    this.#lib = cast.lib;
    this.#locals = cast.locals;
    this.#stacks = cast.stacks;
    const { LocalManager, LocalProxy } = cast.lib;
    const [g0, g1] = this.#locals;
    const [s0, s1] = this.#stacks;
    this.#managers = [new LocalManager([g0, s0]), new LocalManager([g1, s1]), new LocalManager()];
    this.#proxies = [
      new LocalProxy(g0, "a", { unboundMessage: "p0 unbound" }),
      new LocalProxy(g1, "__proto__", { unboundMessage: "p1 unbound" }),
      new LocalProxy(s0, undefined, { unboundMessage: "p2 unbound" }),
      new LocalProxy(() => s1.top, undefined, { unboundMessage: "p3 unbound" }),
    ];
  }

  /** Runs `program` in a fresh scope, joins everything it spawned, and checks that nothing leaked out. */
  async run(program: Program): Promise<void> {
    const top = new ModelScope(LOCALS, STACKS);
    await new this.#lib.LocalManager().run(async () => {
      await this.#execList(program, top);
      while (this.#pending.length > 0) await Promise.all(this.#pending.splice(0));
      this.#checkState("end of program", top);
    });
    this.#checkState("after the program", new ModelScope(LOCALS, STACKS, undefined, "caller"));
  }

  #compare(
    op: { id: number } | null,
    what: string,
    scope: ModelScope,
    actual: string,
    expected: string,
  ): void {
    this.stats.observations++;
    if (actual !== expected) {
      this.mismatches.push(
        `${op === null ? "" : `#${op.id} `}${what} in ${scope.name}: library saw ${actual}, ` +
          `model expects ${expected}`,
      );
    }
  }

  /** Compares every Local and stack of the current scope with `scope`. */
  #checkState(where: string, scope: ModelScope): void {
    this.#locals.forEach((local, i) => {
      const actual = [...local].map(([k, v]) => `${keyName(k)}=${show(v)}`).join(",");
      const expected = [...scope.locals[i]].map(([k, v]) => `${keyName(k)}=${show(v)}`).join(",");
      this.#compare(null, `${where}: [...g${i}]`, scope, `[${actual}]`, `[${expected}]`);
    });
    this.#stacks.forEach((stack, i) => {
      // Drain a copy in a throwaway child scope: this scope keeps its stack.
      const actual = new this.#lib.LocalManager().run(() => {
        const items: string[] = [];
        for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
          items.unshift(show(item));
        }
        return items.join(",");
      });
      const expected = scope.stacks[i].map((frame) => show(frame.item)).join(",");
      this.#compare(null, `${where}: s${i} contents`, scope, `[${actual}]`, `[${expected}]`);
    });
  }

  async #execList(ops: readonly AsyncOp[], scope: ModelScope): Promise<void> {
    for (const op of ops) await this.#execAsync(op, scope);
  }

  #execSyncList(ops: readonly SyncOp[], scope: ModelScope): void {
    for (const op of ops) this.#execSync(op, scope);
  }

  #enter(): void {
    this.stats.scopes++;
    this.#open++;
    if (this.#open > this.stats.maxConcurrentScopes) this.stats.maxConcurrentScopes = this.#open;
  }

  /** Opens a scope the way `via` says, with the model's child scope forked at the same moment. */
  #open_<R>(via: Via, id: number, parent: ModelScope, body: (child: ModelScope) => R): R {
    const item: Val = { id: `v${id}` };
    const enter = (): R => {
      const child = this.#fork(parent);
      if (via.type === "stack") child.push(via.stack, item);
      return body(child);
    };
    switch (via.type) {
      case "manager":
        return this.#managers[via.manager].run(enter);
      case "middleware":
        // One call of a wrapped handler: one request's scope.
        return this.#managers[via.manager].middleware(enter)();
      case "stack":
        return this.#stacks[via.stack].run(item, enter);
    }
  }

  async #execAsync(op: AsyncOp, scope: ModelScope): Promise<void> {
    switch (op.kind) {
      case "await":
        this.stats.ops++;
        await pause(op.how, op.ms);
        return;
      case "run": {
        this.stats.ops++;
        let outcome: string;
        try {
          await this.#open_(op.via, op.id, scope, async (child) => {
            this.#enter();
            try {
              await this.#execList(op.body, child);
              this.#checkState(`end of #${op.id}`, child);
            } finally {
              this.#open--;
            }
            if (op.fail) throw new PlannedFailure(op.id);
          });
          outcome = "resolved";
        } catch (error) {
          outcome = error instanceof PlannedFailure && error.op === op.id
            ? "rejected"
            : `rejected with ${String(error)}`;
        }
        this.#compare(op, "scope outcome", scope, outcome, op.fail ? "rejected" : "resolved");
        return;
      }
      case "all":
        this.stats.ops++;
        await Promise.all(op.branches.map((branch) => this.#execList(branch, scope)));
        return;
      case "spawn":
        this.stats.ops++;
        if (op.delay === null) {
          this.#pending.push(this.#execList(op.body, scope));
        } else {
          const delay = op.delay;
          this.#pending.push(
            new Promise((resolve) =>
              setTimeout(() => resolve(this.#execList(op.body, scope)), delay)
            ),
          );
        }
        return;
      case "usingAsync": {
        this.stats.ops++;
        const item: Val = { id: `v${op.id}` };
        using _pushed = this.#stacks[op.stack].push(item);
        const token = scope.push(op.stack, item);
        try {
          await this.#execList(op.body, scope);
        } finally {
          // The library's disposal runs right after this, with no await between.
          scope.undoPush(op.stack, token);
        }
        return;
      }
      default:
        this.#execSync(op, scope);
    }
  }

  #execSync(op: SyncOp, scope: ModelScope): void {
    this.stats.ops++;
    try {
      this.#leaf(op, scope);
    } catch (error) {
      this.mismatches.push(`#${op.id} ${op.kind} in ${scope.name} threw ${String(error)}`);
    }
  }

  #leaf(op: SyncOp, scope: ModelScope): void {
    switch (op.kind) {
      case "set": {
        const value: Val = { id: `v${op.id}` };
        this.#locals[op.local][keyOf(op.key)] = value;
        scope.locals[op.local].set(keyOf(op.key), value);
        return;
      }
      case "delete":
        delete this.#locals[op.local][keyOf(op.key)];
        scope.locals[op.local].delete(keyOf(op.key));
        return;
      case "get":
        this.#compare(
          op,
          `g${op.local}[${op.key}]`,
          scope,
          show(this.#locals[op.local][keyOf(op.key)]),
          show(scope.locals[op.local].get(keyOf(op.key))),
        );
        return;
      case "entries": {
        const local = this.#locals[op.local];
        const values = scope.locals[op.local];
        const describe = (entries: [PropertyKey, unknown][], keys: string[], has: string[]) =>
          `entries [${
            entries.map(([k, v]) => `${keyName(k)}=${show(v)}`)
          }] keys [${keys}] in [${has}]`;
        this.#compare(
          op,
          `g${op.local} enumeration`,
          scope,
          describe([...local], Object.keys(local), KEYS.filter((k) => keyOf(k) in local)),
          describe(
            [...values],
            [...values.keys()].filter((k): k is string => typeof k === "string"),
            KEYS.filter((k) => values.has(keyOf(k))),
          ),
        );
        return;
      }
      case "push": {
        const item: Val = { id: `v${op.id}` };
        const disposable = this.#stacks[op.stack].push(item);
        const token = scope.push(op.stack, item);
        this.#pushes.push({ disposable, scope, stack: op.stack, token });
        return;
      }
      case "pop":
        this.#compare(
          op,
          `s${op.stack}.pop()`,
          scope,
          show(this.#stacks[op.stack].pop()),
          show(scope.pop(op.stack)),
        );
        return;
      case "top":
        this.#compare(
          op,
          `s${op.stack}.top`,
          scope,
          show(this.#stacks[op.stack].top),
          show(scope.top(op.stack)),
        );
        return;
      case "dispose": {
        if (this.#pushes.length === 0) return;
        const push = this.#pushes[op.pick % this.#pushes.length];
        push.disposable[Symbol.dispose]();
        push.scope.undoPush(push.stack, push.token);
        return;
      }
      case "release":
        if (op.target.type === "local") {
          this.#lib.releaseLocal(this.#locals[op.target.index]);
          scope.releaseLocal(op.target.index);
        } else {
          this.#lib.releaseLocal(this.#stacks[op.target.index]);
          scope.releaseStack(op.target.index);
        }
        return;
      case "cleanup":
        this.#managers[op.manager].cleanup();
        if (op.manager < 2) {
          scope.releaseLocal(op.manager);
          scope.releaseStack(op.manager);
        }
        return;
      case "proxy": {
        const proxy = this.#proxies[op.proxy] as Val;
        let actual: string;
        try {
          actual = op.json ? JSON.stringify(proxy) : proxy.id;
        } catch (error) {
          actual = `Error: ${(error as Error).message}`;
        }
        const real = [
          () => scope.locals[0].get("a"),
          () => scope.locals[1].get("__proto__"),
          () => scope.top(0),
          () => scope.top(1),
        ][op.proxy]();
        const expected = real === undefined
          ? `Error: p${op.proxy} unbound`
          : op.json
          ? JSON.stringify(real)
          : (real as Val).id;
        this.#compare(op, `p${op.proxy}${op.json ? " as JSON" : ".id"}`, scope, actual, expected);
        return;
      }
      case "syncRun": {
        let outcome: string;
        try {
          this.#open_(op.via, op.id, scope, (child) => {
            this.#enter();
            try {
              this.#execSyncList(op.body, child);
              this.#checkState(`end of #${op.id}`, child);
            } finally {
              this.#open--;
            }
            if (op.fail) throw new PlannedFailure(op.id);
          });
          outcome = "returned";
        } catch (error) {
          outcome = error instanceof PlannedFailure && error.op === op.id
            ? "threw"
            : `threw ${String(error)}`;
        }
        this.#compare(op, "scope outcome", scope, outcome, op.fail ? "threw" : "returned");
        return;
      }
      case "using": {
        const item: Val = { id: `v${op.id}` };
        using _pushed = this.#stacks[op.stack].push(item);
        const token = scope.push(op.stack, item);
        try {
          this.#execSyncList(op.body, scope);
        } finally {
          scope.undoPush(op.stack, token);
        }
        return;
      }
    }
  }
}
