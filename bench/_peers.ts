/**
 * The peers' rows of the micro benchmarks: unctx, Hono's context storage and
 * nestjs-cls (standalone, no Nest app) on the operations they have.
 *
 * Each peer's module is imported only in the process that runs its rows
 * (`bench/micro.ts --by=<peer>`), by a specifier in a variable: the type
 * checker of `npm test` (`deno check bench/`) then needs none of them
 * installed. They come from `bench/package.json` (`npm ci --prefix bench`,
 * which `npm run bench` does itself); Hono from the root's dev dependencies.
 * Their APIs are typed loosely here, on purpose.
 *
 * @module
 */
// deno-lint-ignore-file no-explicit-any -- peers are imported untyped (see above)
import { AsyncLocalStorage } from "node:async_hooks";
import type { Bench, BenchFn } from "./_harness.ts";
import type { Req } from "./_req.ts";

/** Rows per group id. */
export type PeerRows = Record<string, Bench[]>;

/** Each peer and the micro groups it has rows for. */
export const PEERS: readonly { name: string; groups: readonly string[] }[] = [
  { name: "unctx", groups: ["attr", "method", "top", "open", "open-async"] },
  {
    name: "hono",
    groups: ["attr", "method", "top", "read", "write", "open-async"],
  },
  {
    name: "nestjs-cls",
    groups: ["attr", "method", "top", "read", "write", "open", "open-async"],
  },
];

/** A variable specifier: `deno check` does not resolve it. */
const untyped = (specifier: string): Promise<any> => import(specifier);

const row = (name: string, by: string, fn: BenchFn): Bench => ({
  name,
  by,
  fn,
});
const one = (): number => 1;
const oneAsync = (): Promise<number> => Promise.resolve(1);

async function unctxRows(ReqClass: typeof Req): Promise<PeerRows> {
  const { createContext } = await untyped("unctx");
  const ctx = createContext({ asyncContext: true, AsyncLocalStorage });
  const inCall = (loop: BenchFn): BenchFn => (n) => ctx.call(new ReqClass(), () => loop(n));
  const by = "unctx";
  return {
    attr: [row(
      "unctx use().a",
      by,
      inCall((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += ctx.use().a;
        return acc;
      }),
    )],
    method: [row(
      "unctx use().m()",
      by,
      inCall((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += ctx.use().m();
        return acc;
      }),
    )],
    top: [row(
      "unctx use()",
      by,
      inCall((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) if (ctx.use() !== undefined) acc++;
        return acc;
      }),
    )],
    // Not nested: unctx throws "Context conflict" when a call() with another
    // object runs inside a call().
    open: [row("unctx call(obj, fn)", by, (n) => {
      const item = new ReqClass();
      let acc = 0;
      for (let i = 0; i < n; i++) acc += ctx.call(item, one);
      return acc;
    })],
    "open-async": [row("await unctx callAsync(obj, fn)", by, async (n) => {
      const item = new ReqClass();
      let acc = 0;
      for (let i = 0; i < n; i++) acc += await ctx.callAsync(item, oneAsync);
      return acc;
    })],
  };
}

async function honoRows(ReqClass: typeof Req): Promise<PeerRows> {
  const { Hono } = await untyped("hono");
  const { contextStorage, getContext } = await untyped("hono/context-storage");
  // The loop runs inside a real Hono request (one per sample, ~10 ms each),
  // so getContext() returns a real Context with real variables.
  const app = new Hono();
  let loop: () => unknown = () => undefined;
  let result: unknown;
  app.use(contextStorage());
  app.get("/", (c: any) => {
    c.set("req", new ReqClass());
    c.set("x", 1);
    result = loop();
    return c.text("ok");
  });
  const inRequest = (body: BenchFn): BenchFn => async (n) => {
    loop = () => body(n);
    await app.request("/");
    return result;
  };
  const by = "hono";
  return {
    attr: [row(
      "hono getContext().get('req').a",
      by,
      inRequest((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += getContext().get("req").a;
        return acc;
      }),
    )],
    method: [row(
      "hono getContext().get('req').m()",
      by,
      inRequest((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += getContext().get("req").m();
        return acc;
      }),
    )],
    top: [row(
      "hono getContext().get('req')",
      by,
      inRequest((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) {
          if (getContext().get("req") !== undefined) acc++;
        }
        return acc;
      }),
    )],
    read: [row(
      "hono getContext().get('x')",
      by,
      inRequest((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += getContext().get("x");
        return acc;
      }),
    )],
    write: [row(
      "hono getContext().set('x', v)",
      by,
      inRequest((n) => {
        for (let i = 0; i < n; i++) getContext().set("x", i);
        return getContext().get("x");
      }),
    )],
    "open-async": [
      row("await hono contextStorage()(c, next)", by, async (n) => {
        const middleware = contextStorage();
        const c = {};
        let acc = 0;
        const next = (): Promise<void> => {
          acc++;
          return Promise.resolve();
        };
        for (let i = 0; i < n; i++) await middleware(c, next);
        return acc;
      }),
    ],
  };
}

async function nestjsClsRows(ReqClass: typeof Req): Promise<PeerRows> {
  await untyped("reflect-metadata");
  const { ClsServiceManager } = await untyped("nestjs-cls");
  // The proxy nestjs-cls hands out for a proxy provider; createProxy is
  // private in its typings, but it is what ClsModule.forFeature* providers
  // are made of.
  const { ProxyProviderManager } = await untyped(
    "nestjs-cls/dist/src/lib/proxy-provider/proxy-provider-manager.js",
  );
  const cls = ClsServiceManager.getClsService();
  const KEY = Symbol("req");
  const proxy = ProxyProviderManager.createProxy(KEY);
  const inRun = (loop: BenchFn): BenchFn => (n) =>
    cls.runWith({ [KEY]: new ReqClass(), x: 1 }, () => loop(n));
  const by = "nestjs-cls";
  return {
    attr: [row(
      "nestjs-cls proxy.a",
      by,
      inRun((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += proxy.a;
        return acc;
      }),
    )],
    method: [row(
      "nestjs-cls proxy.m()",
      by,
      inRun((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += proxy.m();
        return acc;
      }),
    )],
    top: [row(
      "nestjs-cls cls.get(key)",
      by,
      inRun((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) if (cls.get(KEY) !== undefined) acc++;
        return acc;
      }),
    )],
    read: [row(
      "nestjs-cls cls.get('x')",
      by,
      inRun((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += cls.get("x");
        return acc;
      }),
    )],
    write: [row(
      "nestjs-cls cls.set('x', v)",
      by,
      inRun((n) => {
        for (let i = 0; i < n; i++) cls.set("x", i);
        return cls.get("x");
      }),
    )],
    open: [row(
      "nestjs-cls cls.run(fn)",
      by,
      inRun((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += cls.run(one);
        return acc;
      }),
    )],
    "open-async": [row("await nestjs-cls cls.run(async fn)", by, async (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += await cls.run(oneAsync);
      return acc;
    })],
  };
}

const LOADERS: Record<string, (ReqClass: typeof Req) => Promise<PeerRows>> = {
  unctx: unctxRows,
  hono: honoRows,
  "nestjs-cls": nestjsClsRows,
};

/**
 * Imports peer `name` and returns its rows per group.
 *
 * @throws {RangeError} When `name` is not a known peer.
 * @throws {Error} When its package is not installed, saying how to install it.
 */
export async function loadPeer(
  name: string,
  ReqClass: typeof Req,
): Promise<PeerRows> {
  const load = LOADERS[name];
  if (load === undefined) {
    throw new RangeError(
      `--by: expected contextlocal or one of ${Object.keys(LOADERS).join(", ")}; received ${name}`,
    );
  }
  try {
    return await load(ReqClass);
  } catch (error) {
    throw new Error(
      `peer ${name} could not be loaded (run \`npm ci --prefix bench\`): ${String(error)}`,
    );
  }
}
