/**
 * Random programs over the library's public API: their shape, a fast-check
 * generator, and a renderer that prints a (shrunk) program as readable code.
 *
 * A program runs against a fixed cast: `LOCALS` Locals `g0..`, `STACKS`
 * LocalStacks `s0..`, `MANAGERS` LocalManagers `m0..` and `PROXIES`
 * LocalProxies `p0..` (see `interpreter.ts`). Every op carries a unique `id`;
 * values written by an op are named after it (`v7` is written by op #7), so a
 * value seen in the wrong scope names the op that wrote it.
 *
 * @module
 */
import fc from "fast-check";

export const LOCALS = 2;
export const STACKS = 2;
/** m0 manages g0 and s0, m1 manages g1 and s1, m2 manages nothing. */
export const MANAGERS = 3;
/** p0 = g0.a, p1 = g1.__proto__, p2 = s0's top, p3 = a function returning s1's top. */
export const PROXIES = 4;

/** Local keys, hostile ones included; "@sym" stands for a symbol key. */
export const KEYS = ["a", "b", "__proto__", "constructor", "@sym"] as const;
export type Key = typeof KEYS[number];

/** How a scope is opened: `m.run(fn)` or `s.run(item, fn)`. */
export type Via =
  | { readonly type: "manager"; readonly manager: number }
  | { readonly type: "middleware"; readonly manager: number }
  | { readonly type: "stack"; readonly stack: number };

export type Target = { readonly type: "local" | "stack"; readonly index: number };

/** Operations that complete synchronously. */
export type SyncOp =
  | { readonly kind: "set"; id: number; readonly local: number; readonly key: Key }
  | { readonly kind: "delete"; id: number; readonly local: number; readonly key: Key }
  | { readonly kind: "get"; id: number; readonly local: number; readonly key: Key }
  | { readonly kind: "entries"; id: number; readonly local: number }
  | { readonly kind: "push"; id: number; readonly stack: number }
  | { readonly kind: "pop"; id: number; readonly stack: number }
  | { readonly kind: "top"; id: number; readonly stack: number }
  /** Disposes the `pick % n`-th of the n pushes made so far (any scope). */
  | { readonly kind: "dispose"; id: number; readonly pick: number }
  | { readonly kind: "release"; id: number; readonly target: Target }
  | { readonly kind: "cleanup"; id: number; readonly manager: number }
  | { readonly kind: "proxy"; id: number; readonly proxy: number; readonly json: boolean }
  | {
    readonly kind: "syncRun";
    id: number;
    readonly via: Via;
    readonly fail: boolean;
    readonly body: SyncOp[];
  }
  | { readonly kind: "using"; id: number; readonly stack: number; readonly body: SyncOp[] };

export type AwaitHow = "microtask" | "timer" | "immediate";

/** Operations that may suspend. */
export type AsyncOp =
  | SyncOp
  | { readonly kind: "await"; id: number; readonly how: AwaitHow; readonly ms: number }
  | {
    readonly kind: "run";
    id: number;
    readonly via: Via;
    readonly fail: boolean;
    readonly body: AsyncOp[];
  }
  | { readonly kind: "all"; id: number; readonly branches: AsyncOp[][] }
  /** Started and not awaited: now (`delay` null) or from a timer; joined at the very end. */
  | { readonly kind: "spawn"; id: number; readonly delay: number | null; readonly body: AsyncOp[] }
  | { readonly kind: "usingAsync"; id: number; readonly stack: number; readonly body: AsyncOp[] };

export type Program = AsyncOp[];

const index = (n: number): fc.Arbitrary<number> => fc.integer({ min: 0, max: n - 1 });
const key: fc.Arbitrary<Key> = fc.constantFrom(...KEYS);
const via: fc.Arbitrary<Via> = fc.oneof(
  fc.record({ type: fc.constant("manager" as const), manager: index(MANAGERS) }),
  fc.record({ type: fc.constant("middleware" as const), manager: index(MANAGERS) }),
  fc.record({ type: fc.constant("stack" as const), stack: index(STACKS) }),
);

/** Leaves: ids are assigned after generation by {@linkcode numberOps}. */
const leaf: fc.Arbitrary<SyncOp> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("set"),
      id: fc.constant(0),
      local: index(LOCALS),
      key,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("delete"),
      id: fc.constant(0),
      local: index(LOCALS),
      key,
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("get"),
      id: fc.constant(0),
      local: index(LOCALS),
      key,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("entries"),
      id: fc.constant(0),
      local: index(LOCALS),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant("push"), id: fc.constant(0), stack: index(STACKS) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("pop"), id: fc.constant(0), stack: index(STACKS) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("top"), id: fc.constant(0), stack: index(STACKS) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("dispose"), id: fc.constant(0), pick: fc.nat(20) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("release"),
      id: fc.constant(0),
      target: fc.record({
        type: fc.constantFrom("local" as const, "stack" as const),
        index: index(2),
      }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("cleanup"),
      id: fc.constant(0),
      manager: index(MANAGERS),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("proxy"),
      id: fc.constant(0),
      proxy: index(PROXIES),
      json: fc.boolean(),
    }),
  },
) as fc.Arbitrary<SyncOp>;

const syncOps = new Map<number, fc.Arbitrary<SyncOp>>();

/** A synchronous op nesting at most `depth` levels of scopes and `using` blocks. */
export function syncOp(depth: number): fc.Arbitrary<SyncOp> {
  let arbitrary = syncOps.get(depth);
  if (arbitrary !== undefined) return arbitrary;
  if (depth === 0) {
    arbitrary = leaf;
  } else {
    const body = fc.array(syncOp(depth - 1), { maxLength: 4 });
    arbitrary = fc.oneof(
      { weight: 8, arbitrary: leaf },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant("syncRun"),
          id: fc.constant(0),
          via,
          fail: fc.boolean(),
          body,
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant("using"),
          id: fc.constant(0),
          stack: index(STACKS),
          body,
        }),
      },
    ) as fc.Arbitrary<SyncOp>;
  }
  syncOps.set(depth, arbitrary);
  return arbitrary;
}

const awaitOp: fc.Arbitrary<AsyncOp> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("await"),
      id: fc.constant(0),
      how: fc.constant("microtask"),
      ms: fc.constant(0),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("await"),
      id: fc.constant(0),
      how: fc.constant("timer"),
      ms: fc.integer({ min: 0, max: 5 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("await"),
      id: fc.constant(0),
      how: fc.constant("immediate"),
      ms: fc.constant(0),
    }),
  },
) as fc.Arbitrary<AsyncOp>;

const asyncOps = new Map<number, fc.Arbitrary<AsyncOp>>();

/** Any op nesting at most `depth` levels of scopes, fan-outs and spawns. */
export function asyncOp(depth: number): fc.Arbitrary<AsyncOp> {
  let arbitrary = asyncOps.get(depth);
  if (arbitrary !== undefined) return arbitrary;
  if (depth === 0) {
    arbitrary = fc.oneof({ weight: 3, arbitrary: syncOp(1) }, { weight: 2, arbitrary: awaitOp });
  } else {
    const body = fc.array(asyncOp(depth - 1), { maxLength: 6 });
    arbitrary = fc.oneof(
      { weight: 8, arbitrary: syncOp(Math.min(depth, 2)) },
      { weight: 5, arbitrary: awaitOp },
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant("run"),
          id: fc.constant(0),
          via,
          fail: fc.boolean(),
          body,
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant("all"),
          id: fc.constant(0),
          // Half the branches open their own scope, as requests on a server do.
          branches: fc.array(
            fc.oneof(
              body,
              fc.record({
                kind: fc.constant("run"),
                id: fc.constant(0),
                via,
                fail: fc.boolean(),
                body,
              })
                .map((run) => [run as AsyncOp]),
            ),
            { minLength: 2, maxLength: 6 },
          ),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant("spawn"),
          id: fc.constant(0),
          delay: fc.option(fc.integer({ min: 0, max: 5 })),
          body,
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant("usingAsync"),
          id: fc.constant(0),
          stack: index(STACKS),
          body,
        }),
      },
    ) as fc.Arbitrary<AsyncOp>;
  }
  asyncOps.set(depth, arbitrary);
  return arbitrary;
}

/** Gives every op of `program` a unique id, in reading order (mutates and returns it). */
export function numberOps(program: Program): Program {
  let next = 1;
  const visit = (ops: AsyncOp[]): void => {
    for (const op of ops) {
      op.id = next++;
      switch (op.kind) {
        case "syncRun":
        case "using":
        case "run":
        case "spawn":
        case "usingAsync":
          visit(op.body);
          break;
        case "all":
          for (const branch of op.branches) visit(branch);
          break;
      }
    }
  };
  visit(program);
  return program;
}

/** Random programs: a top-level body of nested scopes, awaits and operations. */
export function programArbitrary(depth = 4): fc.Arbitrary<Program> {
  // Deep-copy before numbering: fast-check may hand the same op objects to
  // several shrunk candidates.
  return fc.array(asyncOp(depth), { minLength: 1, maxLength: 10 }).map((ops) =>
    numberOps(structuredClone(ops))
  );
}

/** Number of ops in `program`, nested ones included. */
export function countOps(ops: readonly AsyncOp[]): number {
  let total = 0;
  for (const op of ops) {
    total++;
    if ("body" in op) total += countOps(op.body);
    if (op.kind === "all") { for (const branch of op.branches) total += countOps(branch); }
  }
  return total;
}

const PROXY_NAMES = ["p0 (g0.a)", "p1 (g1.__proto__)", "p2 (s0.top)", "p3 (() => s1.top)"];

function keyAccess(key: Key): string {
  return key === "@sym" ? "[sym]" : /^[a-z_]+$/i.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** The call that opens the scope, up to the function; `close` ends it. */
function viaText(v: Via, id: number): string {
  return v.type === "manager"
    ? `m${v.manager}.run(`
    : v.type === "middleware"
    ? `m${v.manager}.middleware(`
    : `s${v.stack}.run(v${id}, `;
}

function viaClose(v: Via): string {
  return v.type === "middleware" ? ")()" : ")";
}

/** Prints `program` as the TypeScript it stands for, one op per line with its id. */
export function render(program: Program): string {
  const lines: string[] = [];
  const emit = (depth: number, text: string): number => lines.push(`${"  ".repeat(depth)}${text}`);
  const visit = (ops: readonly AsyncOp[], depth: number): void => {
    for (const op of ops) {
      const tag = `/* #${op.id} */ `;
      switch (op.kind) {
        case "set":
          emit(depth, `${tag}g${op.local}${keyAccess(op.key)} = v${op.id};`);
          break;
        case "delete":
          emit(depth, `${tag}delete g${op.local}${keyAccess(op.key)};`);
          break;
        case "get":
          emit(depth, `${tag}observe(g${op.local}${keyAccess(op.key)});`);
          break;
        case "entries":
          emit(depth, `${tag}observe([...g${op.local}], Object.keys(g${op.local}));`);
          break;
        case "push":
          emit(depth, `${tag}pushes.push(s${op.stack}.push(v${op.id}));`);
          break;
        case "pop":
          emit(depth, `${tag}observe(s${op.stack}.pop());`);
          break;
        case "top":
          emit(depth, `${tag}observe(s${op.stack}.top);`);
          break;
        case "dispose":
          emit(depth, `${tag}pushes[${op.pick} % pushes.length]?.[Symbol.dispose]();`);
          break;
        case "release":
          emit(
            depth,
            `${tag}releaseLocal(${op.target.type === "local" ? "g" : "s"}${op.target.index});`,
          );
          break;
        case "cleanup":
          emit(depth, `${tag}m${op.manager}.cleanup();`);
          break;
        case "proxy":
          emit(
            depth,
            `${tag}observe(${
              op.json ? `JSON.stringify(${PROXY_NAMES[op.proxy]})` : `${PROXY_NAMES[op.proxy]}.id`
            });`,
          );
          break;
        case "syncRun":
          emit(depth, `${tag}try { ${viaText(op.via, op.id)}() => {`);
          visit(op.body, depth + 1);
          if (op.fail) emit(depth + 1, "throw new Error();");
          emit(depth, `}${viaClose(op.via)}; } catch { observe("threw"); }`);
          break;
        case "using":
          emit(depth, `${tag}{ using _ = s${op.stack}.push(v${op.id});`);
          visit(op.body, depth + 1);
          emit(depth, "}");
          break;
        case "await":
          emit(
            depth,
            `${tag}await ${
              op.how === "timer"
                ? `new Promise((r) => setTimeout(r, ${op.ms}))`
                : op.how === "immediate"
                ? "new Promise((r) => setImmediate(r))"
                : "Promise.resolve()"
            };`,
          );
          break;
        case "run":
          emit(depth, `${tag}try { await ${viaText(op.via, op.id)}async () => {`);
          visit(op.body, depth + 1);
          if (op.fail) emit(depth + 1, "throw new Error();");
          emit(depth, `}${viaClose(op.via)}; } catch { observe("rejected"); }`);
          break;
        case "all":
          emit(depth, `${tag}await Promise.all([`);
          for (const branch of op.branches) {
            emit(depth + 1, "(async () => {");
            visit(branch, depth + 2);
            emit(depth + 1, "})(),");
          }
          emit(depth, "]);");
          break;
        case "spawn":
          emit(
            depth,
            op.delay === null
              ? `${tag}spawned.push((async () => {`
              : `${tag}setTimeout(async () => {`,
          );
          visit(op.body, depth + 1);
          emit(depth, op.delay === null ? "})());" : `}, ${op.delay});`);
          break;
        case "usingAsync":
          emit(depth, `${tag}{ using _ = s${op.stack}.push(v${op.id});`);
          visit(op.body, depth + 1);
          emit(depth, "}");
          break;
      }
    }
  };
  visit(program, 0);
  return lines.join("\n");
}
