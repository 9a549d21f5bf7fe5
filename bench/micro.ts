/**
 * Micro benchmarks: the cost of each contextlocal operation next to a
 * hand-written `AsyncLocalStorage` doing the same thing, and next to unctx,
 * Hono's context storage and nestjs-cls (standalone, no Nest app) where they
 * have an equivalent.
 *
 * Run: `deno run -A bench/micro.ts`, `bun bench/micro.ts`, `node bench/micro.ts`
 * (add `--quick` for a short run). Prints a table and one JSON line for
 * scripts/bench.mjs.
 *
 * @module
 */
import "reflect-metadata";
import { AsyncLocalStorage } from "node:async_hooks";
import { createContext } from "unctx";
import { Hono } from "hono";
import { contextStorage, getContext } from "hono/context-storage";
import { ClsServiceManager } from "nestjs-cls";
import { ProxyProviderManager } from "nestjs-cls/dist/src/lib/proxy-provider/proxy-provider-manager.js";
import { Local, LocalManager, LocalProxy, LocalStack } from "../mod.ts";
import {
  args,
  type Bench,
  type BenchFn,
  emit,
  formatNs,
  type Group,
  harnessOptions,
  type Row,
  runGroup,
  runtimeName,
  sinkValue,
} from "./_harness.ts";

/** The object every library holds as "the current request". */
class Req {
  a = 1;
  m(): number {
    return this.a;
  }
}

// ---------------------------------------------------------------- baseline
interface Store {
  req: Req;
  map: Map<string, number>;
  arr: Req[];
}
const als = new AsyncLocalStorage<Store>();
const inStore = (loop: BenchFn): BenchFn => (n) =>
  als.run({ req: new Req(), map: new Map([["x", 1]]), arr: [] }, () => loop(n));

// ------------------------------------------------------------ contextlocal
const requestStack = new LocalStack<Req>();
const request = new LocalProxy(requestStack);
const g = new Local<{ x: number }>();
const manager = new LocalManager([requestStack, g]);
const inScope = (loop: BenchFn): BenchFn => (n) =>
  manager.run(() => {
    requestStack.push(new Req());
    g.x = 1;
    return loop(n);
  });

// ------------------------------------------------------------------- unctx
const unctx = createContext<Req>({ asyncContext: true, AsyncLocalStorage });
const inUnctx = (loop: BenchFn): BenchFn => (n) => unctx.call(new Req(), () => loop(n));

// -------------------------------------------------------------------- hono
// The loop runs inside a real Hono request (one per sample, ~10 ms each), so
// getContext() returns a real Context with real variables.
type HonoEnv = { Variables: { req: Req; x: number } };
const hono = new Hono<HonoEnv>();
let honoLoop: () => unknown = () => undefined;
let honoResult: unknown;
hono.use(contextStorage());
hono.get("/", (c) => {
  c.set("req", new Req());
  c.set("x", 1);
  honoResult = honoLoop();
  return c.text("ok");
});
const ctx = (): { get: <K extends "req" | "x">(k: K) => HonoEnv["Variables"][K] } =>
  getContext<HonoEnv>();
const inHono = (loop: BenchFn): BenchFn => async (n) => {
  honoLoop = () => loop(n);
  await hono.request("/");
  return honoResult;
};

// -------------------------------------------------------------- nestjs-cls
const cls = ClsServiceManager.getClsService();
const CLS_REQ = Symbol("req");
// The proxy nestjs-cls hands out for a proxy provider; createProxy is private
// in the typings, but it is what ClsModule.forFeature* providers are made of.
const clsReq = (ProxyProviderManager as unknown as { createProxy(key: symbol): Req })
  .createProxy(CLS_REQ);
// deno-lint-ignore no-explicit-any -- nestjs-cls types its store by a generic we do not use
const clsStore = (): any => ({ [CLS_REQ]: new Req(), x: 1 });
const inCls = (loop: BenchFn): BenchFn => (n) => cls.runWith(clsStore(), () => loop(n));

// ------------------------------------------------------------------ floors
// The least any Proxy-based API can cost: a bare Proxy whose trap does the
// baseline's own work. The gap between the baseline and the floor is the
// engine's price for a Proxy trap, which no library code can remove.
const floorRequest = new Proxy({}, {
  get: (_target, key) => (als.getStore()!.req as unknown as Record<PropertyKey, unknown>)[key],
}) as Req;
const floorLocal = new Proxy({} as { x: number }, {
  get: (_target, key) => als.getStore()!.map.get(key as string),
  set: (_target, key, value) => {
    als.getStore()!.map.set(key as string, value);
    return true;
  },
});
const FLOOR = "floor: bare Proxy";

const row = (name: string, by: string, fn: BenchFn): Bench => ({ name, by, fn });
const CL = "contextlocal";

// ---------------------------------------------------------------- groups
const attr: Group = {
  id: "attr",
  title: "attribute read of the current request object",
  target: 3,
  targetRows: ["proxy.attr"],
  baseline: row(
    "als.getStore().req.a",
    "baseline",
    inStore((n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += als.getStore()!.req.a;
      return acc;
    }),
  ),
  members: [
    row(
      "Proxy trap: store.req[key]",
      FLOOR,
      inStore((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += floorRequest.a;
        return acc;
      }),
    ),
    row(
      "proxy.attr",
      CL,
      inScope((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += request.a;
        return acc;
      }),
    ),
    row(
      "stack.top.a (no proxy)",
      CL,
      inScope((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += requestStack.top!.a;
        return acc;
      }),
    ),
    row(
      "unctx use().a",
      "unctx",
      inUnctx((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += unctx.use().a;
        return acc;
      }),
    ),
    row(
      "hono getContext().get('req').a",
      "hono",
      inHono((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += ctx().get("req").a;
        return acc;
      }),
    ),
    row(
      "nestjs-cls proxy.a",
      "nestjs-cls",
      inCls((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += clsReq.a;
        return acc;
      }),
    ),
  ],
};

const method: Group = {
  id: "method",
  title: "method call on the current request object",
  target: 4,
  targetRows: ["proxy.method()"],
  baseline: row(
    "als.getStore().req.m()",
    "baseline",
    inStore((n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += als.getStore()!.req.m();
      return acc;
    }),
  ),
  members: [
    row(
      "proxy.method()",
      CL,
      inScope((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += request.m();
        return acc;
      }),
    ),
    row(
      "stack.top.m() (no proxy)",
      CL,
      inScope((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += requestStack.top!.m();
        return acc;
      }),
    ),
    row(
      "unctx use().m()",
      "unctx",
      inUnctx((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += unctx.use().m();
        return acc;
      }),
    ),
    row(
      "hono getContext().get('req').m()",
      "hono",
      inHono((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += ctx().get("req").m();
        return acc;
      }),
    ),
    row(
      "nestjs-cls proxy.m()",
      "nestjs-cls",
      inCls((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += clsReq.m();
        return acc;
      }),
    ),
  ],
};

const top: Group = {
  id: "top",
  title: "the current request object itself",
  target: 1.5,
  targetRows: ["stack.top"],
  baseline: row(
    "als.getStore().req",
    "baseline",
    inStore((n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) if (als.getStore()!.req !== undefined) acc++;
      return acc;
    }),
  ),
  members: [
    row(
      "stack.top",
      CL,
      inScope((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) if (requestStack.top !== undefined) acc++;
        return acc;
      }),
    ),
    row(
      "unctx use()",
      "unctx",
      inUnctx((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) if (unctx.use() !== undefined) acc++;
        return acc;
      }),
    ),
    row(
      "hono getContext().get('req')",
      "hono",
      inHono((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) if (ctx().get("req") !== undefined) acc++;
        return acc;
      }),
    ),
    row(
      "nestjs-cls cls.get(key)",
      "nestjs-cls",
      inCls((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) if (cls.get(CLS_REQ as never) !== undefined) acc++;
        return acc;
      }),
    ),
  ],
};

const read: Group = {
  id: "read",
  title: "read a context-local value",
  target: 2,
  targetRows: ["local.x read"],
  baseline: row(
    "als.getStore().map.get(k)",
    "baseline",
    inStore((n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += als.getStore()!.map.get("x")!;
      return acc;
    }),
  ),
  members: [
    row(
      "Proxy trap: store.map.get(key)",
      FLOOR,
      inStore((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += floorLocal.x;
        return acc;
      }),
    ),
    row(
      "local.x read",
      CL,
      inScope((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += g.x!;
        return acc;
      }),
    ),
    row(
      "hono getContext().get('x')",
      "hono",
      inHono((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += ctx().get("x");
        return acc;
      }),
    ),
    row(
      "nestjs-cls cls.get('x')",
      "nestjs-cls",
      inCls((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += cls.get("x" as never) as number;
        return acc;
      }),
    ),
  ],
};

const write: Group = {
  id: "write",
  title: "write a context-local value",
  target: 3,
  targetRows: ["local.x = v"],
  baseline: row(
    "als.getStore().map.set(k, v)",
    "baseline",
    inStore((n) => {
      for (let i = 0; i < n; i++) als.getStore()!.map.set("x", i);
      return als.getStore()!.map.get("x");
    }),
  ),
  members: [
    row(
      "Proxy trap: store.map.set(key, v)",
      FLOOR,
      inStore((n) => {
        for (let i = 0; i < n; i++) floorLocal.x = i;
        return floorLocal.x;
      }),
    ),
    row(
      "local.x = v",
      CL,
      inScope((n) => {
        for (let i = 0; i < n; i++) g.x = i;
        return g.x;
      }),
    ),
    row(
      "hono getContext().set('x', v)",
      "hono",
      inHono((n) => {
        const c = getContext<HonoEnv>();
        for (let i = 0; i < n; i++) getContext<HonoEnv>().set("x", i);
        return c.get("x");
      }),
    ),
    row(
      "nestjs-cls cls.set('x', v)",
      "nestjs-cls",
      inCls((n) => {
        for (let i = 0; i < n; i++) cls.set("x" as never, i as never);
        return cls.get("x" as never);
      }),
    ),
  ],
};

const pushPop: Group = {
  id: "pushpop",
  title: "push then pop on the current stack",
  sampleScale: 3,
  baseline: row(
    "store.arr.push(x) + pop()",
    "baseline",
    inStore((n) => {
      const item = new Req();
      let acc = 0;
      for (let i = 0; i < n; i++) {
        const arr = als.getStore()!.arr;
        arr.push(item);
        acc += arr.pop()!.a;
      }
      return acc;
    }),
  ),
  members: [
    row(
      "stack.push + pop",
      CL,
      inScope((n) => {
        const item = new Req();
        let acc = 0;
        for (let i = 0; i < n; i++) {
          requestStack.push(item);
          acc += requestStack.pop()!.a;
        }
        return acc;
      }),
    ),
  ],
};

const one = (): number => 1;

/**
 * Opens `n` scopes with manager.run, inside a scope where `locals` Locals
 * hold a value; with `write`, each new scope also writes one value.
 */
function openWithLocals(locals: number, write: boolean): BenchFn {
  const many = Array.from({ length: locals }, () => new Local<{ v: Uint8Array }>());
  const written = new Local<{ v: number }>();
  const child = write
    ? () => {
      written.v = 1;
      return 1;
    }
    : one;
  return (n) =>
    manager.run(() => {
      for (const local of many) local.v = new Uint8Array(16);
      let acc = 0;
      for (let i = 0; i < n; i++) acc += manager.run(child);
      return acc;
    });
}

// Every row opens its scopes inside an outer scope of its own library, as a
// request handler would.
const open: Group = {
  id: "open",
  title: "open a scope around a synchronous function",
  sampleScale: 5,
  target: 1.2,
  targetRows: [
    "manager.run(fn)",
    "manager.run(fn), 1 local set",
    "manager.run(fn), 10 locals set",
    "manager.run(fn), 100 locals set",
  ],
  baseline: row(
    "als.run({}, fn)",
    "baseline",
    inStore((n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += als.run({} as Store, one);
      return acc;
    }),
  ),
  members: [
    row("manager.run(fn)", CL, openWithLocals(0, false)),
    row("manager.run(fn), 1 local set", CL, openWithLocals(1, false)),
    row("manager.run(fn), 10 locals set", CL, openWithLocals(10, false)),
    row("manager.run(fn), 100 locals set", CL, openWithLocals(100, false)),
    row(
      "stack.run(obj, fn)",
      CL,
      inScope((n) => {
        const item = new Req();
        let acc = 0;
        for (let i = 0; i < n; i++) acc += requestStack.run(item, one);
        return acc;
      }),
    ),
    row("manager.run(fn + 1 write), 1 local set", CL, openWithLocals(1, true)),
    row("manager.run(fn + 1 write), 100 locals set", CL, openWithLocals(100, true)),
    // Not nested: unctx throws "Context conflict" when a call() with another
    // object runs inside a call().
    row("unctx call(obj, fn)", "unctx", (n) => {
      const item = new Req();
      let acc = 0;
      for (let i = 0; i < n; i++) acc += unctx.call(item, one);
      return acc;
    }),
    row(
      "nestjs-cls cls.run(fn)",
      "nestjs-cls",
      inCls((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += cls.run(one);
        return acc;
      }),
    ),
  ],
};

const oneAsync = (): Promise<number> => Promise.resolve(1);

const openAsync: Group = {
  id: "open-async",
  title: "open a scope around an async function and await it",
  sampleScale: 5,
  baseline: row("await als.run({}, async fn)", "baseline", async (n) => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += await als.run({} as Store, oneAsync);
    return acc;
  }),
  members: [
    row("await manager.run(async fn)", CL, async (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += await manager.run(oneAsync);
      return acc;
    }),
    row("await stack.run(obj, async fn)", CL, async (n) => {
      const item = new Req();
      let acc = 0;
      for (let i = 0; i < n; i++) acc += await requestStack.run(item, oneAsync);
      return acc;
    }),
    row("await unctx callAsync(obj, fn)", "unctx", async (n) => {
      const item = new Req();
      let acc = 0;
      for (let i = 0; i < n; i++) acc += await unctx.callAsync(item, oneAsync);
      return acc;
    }),
    row("await hono contextStorage()(c, next)", "hono", async (n) => {
      const middleware = contextStorage();
      const c = {} as Parameters<typeof middleware>[0];
      let acc = 0;
      const next = (): Promise<void> => {
        acc++;
        return Promise.resolve();
      };
      for (let i = 0; i < n; i++) await middleware(c, next);
      return acc;
    }),
    row("await nestjs-cls cls.run(async fn)", "nestjs-cls", async (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += await cls.run(oneAsync);
      return acc;
    }),
  ],
};

const groups: Group[] = [attr, method, top, read, write, pushPop, open, openAsync];

/** contextlocal's rows and the floor run together; each peer runs in its own process. */
const processOf = (by: string): string => by.startsWith("floor") ? CL : by;

const groupInfo = groups.map(({ id, title, target, targetRows, members }) => ({
  id,
  title,
  target,
  targetRows,
  processes: [...new Set(members.map((m) => processOf(m.by)))],
}));

async function runAll(argv: string[]): Promise<void> {
  const options = harnessOptions(argv.includes("--quick"));
  const only = argv.find((a) => a.startsWith("--group="))?.slice("--group=".length).split(",");
  // --by=NAME: only the baseline and NAME's rows (scripts/bench.mjs runs
  // each library in its own process: running Hono's or unctx's rows slowed
  // every Proxy row of the same process on Bun by ~60%, the floor included).
  const by = argv.find((a) => a.startsWith("--by="))?.slice("--by=".length);
  const rows: Row[] = [];
  console.log(`# micro benchmarks on ${runtimeName()}${by ? ` (${by})` : ""}`);
  for (const whole of groups) {
    if (only && !only.includes(whole.id)) continue;
    const members = whole.members.filter((m) => by === undefined || processOf(m.by) === by);
    if (members.length === 0) continue;
    const group = { ...whole, members };
    const result = await runGroup(group, options);
    rows.push(...result);
    console.log(`\n## ${group.title}`);
    for (const r of result) {
      const verdict = r.target === undefined ? "" : r.ratio <= r.target ? "  ok" : "  MISS";
      console.log(
        `${r.name.padEnd(44)} ${formatNs(r.ns).padStart(10)}  x${r.ratio.toFixed(2)}` +
          ` ±${(r.iqr * 100).toFixed(0)}%${
            r.target === undefined ? "" : ` (target <= ${r.target}x)`
          }${verdict}`,
      );
    }
  }
  emit("micro", { groups: groupInfo, rows, sink: sinkValue() });
}

// --list: only the groups (scripts/bench.mjs runs each group in its own process).
if (args().includes("--list")) emit("micro", { groups: groupInfo, rows: [] });
else await runAll(args());
