/**
 * Micro benchmarks: each contextlocal operation against its reference, the
 * least that code of the same shape can cost on this engine, measured in the
 * same process: a bare Proxy whose trap does only the hand-written work, a
 * bare Proxy that binds methods afresh on every access, a raw
 * `AsyncLocalStorage` read, push and pop on an array in the store,
 * `als.run`. The peers (unctx, Hono, nestjs-cls; see `_peers.ts`) run in
 * processes of their own, against the same reference.
 *
 * Run: `deno run -A bench/micro.ts`, `bun bench/micro.ts`, `node bench/micro.ts`
 * (`--quick` for a short run, `--group=attr,top`, `--by=contextlocal|<peer>`).
 * Prints a table and one JSON line for scripts/bench.mjs.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import * as contextlocal from "../mod.ts";
import {
  captureScope,
  Local,
  LocalManager,
  LocalProxy,
  LocalStack,
  type ScopeRunner,
} from "../mod.ts";
// Internal, on purpose: the fork rows must write past the fast slots.
import { FAST_SLOTS } from "../_scope.ts";
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
import { loadPeer, PEERS } from "./_peers.ts";
import { Req } from "./_req.ts";
import { floorDeepRun, type FloorDeepScope, floorDeepScopes } from "./_floor_deep.ts";
import {
  FLOOR_MAP_STACK,
  FLOOR_WEB_STACK,
  floorLocal,
  floorMapProxy,
  floorMiddleware,
  floorPop,
  floorPush,
  floorRequest,
  floorRun,
  floorStackRun,
  floorTop,
  floorWebProxy,
} from "./_floors.ts";

// ------------------------------------------------------------ references
/** What a hand-written AsyncLocalStorage holds for the current request. */
interface Store {
  req: Req;
  map: Map<string, number>;
  arr: Req[];
  web: Request;
}
const als = new AsyncLocalStorage<Store>();
const WEB_REQUEST = new Request("http://localhost/hello");
const freshStore = (): Store => ({
  req: new Req(),
  map: new Map([["x", 1]]),
  arr: [],
  web: WEB_REQUEST,
});
const inStore = (loop: BenchFn): BenchFn => (n) => als.run(freshStore(), () => loop(n));

// A bare Proxy whose trap does only the hand-written work: the least any
// Proxy-based API can cost on this engine.
const bareRequest = new Proxy({}, {
  get: (_target, key) => (als.getStore()!.req as unknown as Record<PropertyKey, unknown>)[key],
}) as Req;
const bareLocal = new Proxy({} as { x: number }, {
  get: (_target, key) => als.getStore()!.map.get(key as string),
  set: (_target, key, value) => {
    als.getStore()!.map.set(key as string, value);
    return true;
  },
});
// A bare Proxy that binds a method afresh on every access: the cheapest
// method read that works for Map, Request and #private members (one per
// object kind, so each trap stays monomorphic, as a real one would be).
type Fields = Record<PropertyKey, unknown>;
const bindFresh = (real: Fields, key: PropertyKey): unknown => {
  const value = real[key];
  return typeof value === "function" ? value.bind(real) : value;
};
const bindingReq = new Proxy({}, {
  get: (_target, key) => bindFresh(als.getStore()!.req as unknown as Fields, key),
}) as Req;
const bindingMap = new Proxy({}, {
  get: (_target, key) => bindFresh(als.getStore()!.map as unknown as Fields, key),
}) as Map<string, number>;
const bindingWeb = new Proxy({}, {
  get: (_target, key) => bindFresh(als.getStore()!.web as unknown as Fields, key),
}) as Request;

// ------------------------------------------------------------ contextlocal
const requestStack = new LocalStack<Req>();
const request = new LocalProxy(requestStack);
const mapStack = new LocalStack<Map<string, number>>();
const mapProxy = new LocalProxy(mapStack);
const webStack = new LocalStack<Request>();
const webProxy = new LocalProxy(webStack);
const g = new Local<{ x: number }>();
const manager = new LocalManager([requestStack, mapStack, webStack, g]);
const inScope = (loop: BenchFn): BenchFn => (n) =>
  manager.run(() => {
    requestStack.push(new Req());
    mapStack.push(new Map([["x", 1]]));
    webStack.push(WEB_REQUEST);
    g.x = 1;
    return loop(n);
  });

const row = (name: string, by: string, fn: BenchFn): Bench => ({
  name,
  by,
  fn,
});
const CL = "contextlocal";
const RAW = "hand-written ALS";
const REF = "reference";
/** Rows of bench/_floors.ts: contextlocal's design written by hand, nothing else. */
const FLOOR = "floor";
const inFloorScope = (loop: BenchFn): BenchFn => (n) =>
  floorRun(() => {
    floorPush(new Req());
    floorPush(new Map([["x", 1]]), FLOOR_MAP_STACK);
    floorPush(WEB_REQUEST, FLOOR_WEB_STACK);
    floorLocal.x = 1;
    return loop(n);
  });
const floorReq = floorRequest as Req;
const floorMap = floorMapProxy as Map<string, number>;
const floorWeb = floorWebProxy as Request;

// ---------------------------------------------------------------- groups
const attr: Group = {
  id: "attr",
  title: "attribute read of the current request object (`request.a`)",
  targets: { "request.a (LocalProxy of a stack)": 1.15 },
  baseline: row(
    "bare Proxy: als.getStore().req[key]",
    REF,
    inStore((n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += bareRequest.a;
      return acc;
    }),
  ),
  members: [
    row(
      "floor: proxy of the top frame, by hand",
      FLOOR,
      inFloorScope((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += floorReq.a;
        return acc;
      }),
    ),
    row(
      "request.a (LocalProxy of a stack)",
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
      "als.getStore().req.a (no proxy)",
      RAW,
      inStore((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += als.getStore()!.req.a;
        return acc;
      }),
    ),
  ],
};

const methodClass: Group = {
  id: "method",
  title: "prototype method call on a class instance (`request.m()`)",
  targets: { "request.m() (LocalProxy of a stack)": 1 },
  baseline: row(
    "bare Proxy binding afresh: req.m()",
    REF,
    inStore((n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += bindingReq.m();
      return acc;
    }),
  ),
  members: [
    row(
      "floor: proxy of the top frame, by hand: m()",
      FLOOR,
      inFloorScope((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += floorReq.m();
        return acc;
      }),
    ),
    row(
      "request.m() (LocalProxy of a stack)",
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
      "als.getStore().req.m() (no proxy)",
      RAW,
      inStore((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += als.getStore()!.req.m();
        return acc;
      }),
    ),
  ],
};

const methodMap: Group = {
  id: "method-map",
  title: "prototype method call on a Map (`map.get(k)`)",
  targets: { "map.get(k) (LocalProxy of a stack)": 1 },
  baseline: row(
    "bare Proxy binding afresh: map.get(k)",
    REF,
    inStore((n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += bindingMap.get("x")!;
      return acc;
    }),
  ),
  members: [
    row(
      "floor: proxy of the top frame, by hand: map.get(k)",
      FLOOR,
      inFloorScope((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += floorMap.get("x")!;
        return acc;
      }),
    ),
    row(
      "map.get(k) (LocalProxy of a stack)",
      CL,
      inScope((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += mapProxy.get("x")!;
        return acc;
      }),
    ),
  ],
};

const methodRequest: Group = {
  id: "method-request",
  title: "prototype method call on a Request (`request.text()`, bodyless)",
  sampleScale: 3,
  targets: { "request.text() (LocalProxy of a stack)": 1 },
  baseline: row(
    "bare Proxy binding afresh: request.text()",
    REF,
    inStore((n) => {
      let last: Promise<string> | undefined;
      for (let i = 0; i < n; i++) last = bindingWeb.text();
      return last;
    }),
  ),
  members: [
    row(
      "floor: proxy of the top frame, by hand: request.text()",
      FLOOR,
      inFloorScope((n) => {
        let last: Promise<string> | undefined;
        for (let i = 0; i < n; i++) last = floorWeb.text();
        return last;
      }),
    ),
    row(
      "request.text() (LocalProxy of a stack)",
      CL,
      inScope((n) => {
        let last: Promise<string> | undefined;
        for (let i = 0; i < n; i++) last = webProxy.text();
        return last;
      }),
    ),
  ],
};

const top: Group = {
  id: "top",
  title: "the current request object itself (`stack.top`)",
  targets: { "stack.top": 1.2 },
  baseline: row(
    "als.getStore().req",
    REF,
    inStore((n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) if (als.getStore()!.req !== undefined) acc++;
      return acc;
    }),
  ),
  members: [
    row(
      "floor: the top frame's item, by hand",
      FLOOR,
      inFloorScope((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) if (floorTop() !== undefined) acc++;
        return acc;
      }),
    ),
    row(
      "stack.top",
      CL,
      inScope((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) if (requestStack.top !== undefined) acc++;
        return acc;
      }),
    ),
  ],
};

const read: Group = {
  id: "read",
  title: "read a context-local value (`g.x`)",
  targets: { "g.x": 1.15 },
  baseline: row(
    "bare Proxy: als.getStore().map.get(key)",
    REF,
    inStore((n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += bareLocal.x;
      return acc;
    }),
  ),
  members: [
    row(
      "floor: a Map per scope, by hand: read",
      FLOOR,
      inFloorScope((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += floorLocal.x as number;
        return acc;
      }),
    ),
    row(
      "g.x",
      CL,
      inScope((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += g.x!;
        return acc;
      }),
    ),
    row(
      "als.getStore().map.get(k) (no proxy)",
      RAW,
      inStore((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += als.getStore()!.map.get("x")!;
        return acc;
      }),
    ),
  ],
};

const write: Group = {
  id: "write",
  title: "write a context-local value (`g.x = v`)",
  targets: { "g.x = v": 1.2 },
  baseline: row(
    "bare Proxy: als.getStore().map.set(key, v)",
    REF,
    inStore((n) => {
      for (let i = 0; i < n; i++) bareLocal.x = i;
      return bareLocal.x;
    }),
  ),
  members: [
    row(
      "floor: a Map per scope, by hand: write",
      FLOOR,
      inFloorScope((n) => {
        for (let i = 0; i < n; i++) floorLocal.x = i;
        return floorLocal.x;
      }),
    ),
    row(
      "g.x = v",
      CL,
      inScope((n) => {
        for (let i = 0; i < n; i++) g.x = i;
        return g.x;
      }),
    ),
    row(
      "als.getStore().map.set(k, v) (no proxy)",
      RAW,
      inStore((n) => {
        for (let i = 0; i < n; i++) als.getStore()!.map.set("x", i);
        return als.getStore()!.map.get("x");
      }),
    ),
  ],
};

const pushPop: Group = {
  id: "pushpop",
  title: "push then pop on the current stack",
  sampleScale: 3,
  targets: { "stack.push(x) + pop()": 1.5 },
  baseline: row(
    "als.getStore().arr.push(x) + pop()",
    REF,
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
      "array push + pop, a getStore() for each",
      RAW,
      inStore((n) => {
        const item = new Req();
        let acc = 0;
        for (let i = 0; i < n; i++) {
          als.getStore()!.arr.push(item);
          acc += als.getStore()!.arr.pop()!.a;
        }
        return acc;
      }),
    ),
    row(
      "floor: a frame per push, by hand",
      FLOOR,
      inFloorScope((n) => {
        const item = new Req();
        let acc = 0;
        for (let i = 0; i < n; i++) {
          floorPush(item);
          acc += (floorPop() as Req).a;
        }
        return acc;
      }),
    ),
    row(
      "stack.push(x) + pop()",
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

let padded = false;
/** A scope where Locals hold values, and one more Local for the rows that write. */
interface FilledScope {
  /** Runs a row's loop in the scope, which is made and filled on first use. */
  inside: (loop: BenchFn) => BenchFn;
  /** The Local past the others, holding nothing until a row writes it. */
  written: () => Local<{ v: number }>;
}

/**
 * For each count, that many fresh Locals past the fast slots (the trie,
 * whose path copy after a fork is what these rows measure), each holding a
 * value in one scope that every sample of the row runs in.
 *
 * - Filled once, not per sample: that added `count` writes and their
 *   garbage to each sample, and on Deno the calibration sometimes chose
 *   samples of a few operations around a fill (x50-300).
 * - All counts' Locals are made together, in the order given, when any row
 *   first runs: a written Local's slot index, and so its depth in the trie,
 *   is then the same whichever row the rotation runs first (the 0-locals
 *   row's Local otherwise sat past the 10^4 others in some processes, at
 *   the same depth as theirs).
 */
function filledScopes(counts: readonly number[]): FilledScope[] {
  let sets: Local<{ v: number }>[][] | undefined;
  const make = (): Local<{ v: number }>[][] => {
    // Made on first use, so processes that skip these rows never hold them;
    // unused padding takes whatever fast slots are left.
    if (!padded) Array.from({ length: FAST_SLOTS }, () => new Local());
    padded = true;
    return counts.map((count) => Array.from({ length: count + 1 }, () => new Local()));
  };
  return counts.map((count, at) => {
    let run: ScopeRunner | undefined;
    const fill = (): ScopeRunner => {
      const locals = (sets ??= make())[at];
      for (let i = 0; i < count; i++) locals[i].v = 1;
      return captureScope();
    };
    return {
      inside: (loop) => (n) => (run ??= manager.run(fill))(loop, n),
      written: () => (sets ??= make())[at][count],
    };
  });
}

/** Opens `n` scopes with manager.run inside a scope where `count` Locals hold a value. */
function openWithLocals(count: number): BenchFn {
  const loop = (n: number): number => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += manager.run(one);
    return acc;
  };
  // None: no padding Locals either, which would make every row of the
  // process copy 16 fast slots instead of the four the other rows use.
  return count === 0 ? (n) => manager.run(() => loop(n)) : filledScopes([count])[0].inside(loop);
}

/** A fork per call by hand: O(1) whatever the number of locals set, so the floor of both groups. */
const floorRunRow = row("floor: a fork, by hand: run(fn)", FLOOR, (n) =>
  floorRun(() => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += floorRun(one);
    return acc;
  }));

// Every row opens its scopes inside an outer scope, as a request handler would.
const open: Group = {
  id: "open",
  title: "open a scope around a synchronous function",
  sampleScale: 5,
  targets: {
    "manager.run(fn)": 1.05,
    "stack.run(obj, fn)": 1.1,
  },
  baseline: row(
    "als.run({}, fn)",
    REF,
    inStore((n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += als.run({} as Store, one);
      return acc;
    }),
  ),
  members: [
    floorRunRow,
    row(
      "floor: a fork and a frame, by hand: stack.run(obj, fn)",
      FLOOR,
      (n) =>
        floorRun(() => {
          const item = new Req();
          let acc = 0;
          for (let i = 0; i < n; i++) acc += floorStackRun(item, one);
          return acc;
        }),
    ),
    row("manager.run(fn)", CL, openWithLocals(0)),
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
  ],
};

// Its own process: the 117 Locals it makes would otherwise make every other
// row of the group copy 16 fast slots instead of the few a small app has.
const openMany: Group = {
  id: "open-many",
  title: "open a scope around a synchronous function, 100 locals set",
  sampleScale: 5,
  targets: { "manager.run(fn), 100 locals set": 1.05 },
  baseline: open.baseline,
  members: [floorRunRow, row("manager.run(fn), 100 locals set", CL, openWithLocals(100))],
};

/** A request object of the request rows: a fresh one per request, as a server makes. */
const requestOf = (): Req => new Req();
const handleRaw = (req: Req): number => als.run({ req } as Store, () => als.getStore()!.req.a);
const handleFloor = floorMiddleware((req: Req): number => {
  floorPush(req);
  return floorReq.a;
});
const handleLibrary = manager.middleware((req: Req): number => {
  requestStack.push(req);
  return request.a;
});

const requestPath: Group = {
  id: "request",
  title: "a request's whole path: a new scope, the request pushed, one attribute read",
  sampleScale: 5,
  baseline: row("als.run({ req }, () => als.getStore().req.a)", REF, (n) => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += handleRaw(requestOf());
    return acc;
  }),
  members: [
    row("floor: the same path, by hand", FLOOR, (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += handleFloor(requestOf());
      return acc;
    }),
    row("middleware(req => { push(req); return request.a })", CL, (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += handleLibrary(requestOf());
      return acc;
    }),
  ],
};

/**
 * A write then a fork, `n` times, inside a scope where other Locals hold a
 * value (`filled`): a handler that sets a value and then opens a nested scope.
 * The write goes to a Local past the fast slots, into the trie of
 * `_scope.ts`: the first write after each fork copies the trie path to it.
 */
function writeThenFork(filled: FilledScope): BenchFn {
  return filled.inside((n) => {
    const written = filled.written();
    let acc = 0;
    for (let i = 0; i < n; i++) {
      written.v = i;
      acc += manager.run(one);
    }
    return acc;
  });
}

const forkScopes = filledScopes([0, 100, 10_000]);

/** The same by hand (bench/_floor_deep.ts): a Map copy and a trie path copy per write. */
function floorWriteThenFork(filled: FloorDeepScope): BenchFn {
  return (n) =>
    filled.inside(() => {
      let acc = 0;
      for (let i = 0; i < n; i++) {
        filled.write(i);
        acc += floorDeepRun(one);
      }
      return acc;
    });
}
const floorForkScopes = floorDeepScopes([0, 10_000]);
/** The fork floor rows' name (bench/report.mjs reads them by it). */
const FORK_FLOOR = "floor: a path copy by hand";
/** The fork rows' name (bench/report.mjs reads them by it). */
const FORK = "local.v = x + manager.run(fn)";
const fork: Group = {
  id: "fork",
  title: "write one value past the fast slots, then open a scope (write + fork)",
  sampleScale: 5,
  baseline: row(
    "map.set + als.run({}, fn)",
    REF,
    inStore((n) => {
      const store = als.getStore()!;
      let acc = 0;
      for (let i = 0; i < n; i++) {
        store.map.set("x", i);
        acc += als.run({} as Store, one);
      }
      return acc;
    }),
  ),
  members: [
    row(`${FORK_FLOOR}, 0 other locals set`, FLOOR, floorWriteThenFork(floorForkScopes[0])),
    row(`${FORK_FLOOR}, 10^4 other locals set`, FLOOR, floorWriteThenFork(floorForkScopes[1])),
    row(`${FORK}, 0 other locals set`, CL, writeThenFork(forkScopes[0])),
    row(`${FORK}, 100 other locals set`, CL, writeThenFork(forkScopes[1])),
    row(`${FORK}, 10^4 other locals set`, CL, writeThenFork(forkScopes[2])),
  ],
};

/** The handler of the middleware rows: a constant, so the rows measure the wrapping. */
const handler = (_x?: Req): number => 1;
const wrapped = manager.middleware(handler);

const middleware: Group = {
  id: "middleware",
  title: "call a handler in a new scope per request (`manager.middleware(h)(x)`)",
  sampleScale: 5,
  targets: { "manager.middleware(h)(x)": 1.1 },
  baseline: row("(x) => als.run({ x }, h)", REF, (n) => {
    const raw = (x: Req): number => als.run({ x } as unknown as Store, handler);
    const x = new Req();
    let acc = 0;
    for (let i = 0; i < n; i++) acc += raw(x);
    return acc;
  }),
  members: [
    row("floor: a fork per call, by hand", FLOOR, (n) => {
      const floorWrapped = floorMiddleware(handler);
      const x = new Req();
      let acc = 0;
      for (let i = 0; i < n; i++) acc += floorWrapped(x);
      return acc;
    }),
    row("manager.middleware(h)(x)", CL, (n) => {
      const x = new Req();
      let acc = 0;
      for (let i = 0; i < n; i++) acc += wrapped(x);
      return acc;
    }),
  ],
};

// `middleware(h, { streams: true })` comes with `streamWithContext`: a build
// without that export has no such option, and its rows are skipped.
const hasStreams = "streamWithContext" in contextlocal;
type Middleware = (
  h: () => Response,
  options?: { streams: boolean },
) => () => Response;
const middlewareOf = manager.middleware.bind(manager) as unknown as Middleware;
const textResponse = (): Response => new Response("hello world");
const streamResponse = (): Response =>
  new Response(
    new ReadableStream({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode("hello world"));
        controller.close();
      },
    }),
  );

/**
 * Calls the handler that `wrapper` makes `n` times, reading each response's
 * body to the end as a server would (with `streams`, that is where the
 * option's cost lies), and returns the bytes read.
 */
const responses = (wrapper: () => () => Response): BenchFn => {
  let handle: (() => Response) | undefined;
  return async (n) => {
    handle ??= wrapper();
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      bytes += (await handle().arrayBuffer()).byteLength;
    }
    return bytes;
  };
};

const streams: Group = {
  id: "streams",
  title: "per-request cost of `middleware(h, { streams: true })` (h returns a Response, read)",
  sampleScale: 5,
  baseline: row(
    "middleware(h), text body",
    REF,
    responses(() => middlewareOf(textResponse)),
  ),
  members: [
    row(
      "middleware(h, { streams: true }), text body",
      CL,
      responses(() => middlewareOf(textResponse, { streams: true })),
    ),
    row(
      "middleware(h), streamed body",
      CL,
      responses(() => middlewareOf(streamResponse)),
    ),
    row(
      "middleware(h, { streams: true }), streamed body",
      CL,
      responses(() => middlewareOf(streamResponse, { streams: true })),
    ),
  ],
};

const oneAsync = (): Promise<number> => Promise.resolve(1);

const openAsync: Group = {
  id: "open-async",
  title: "open a scope around an async function and await it",
  sampleScale: 5,
  baseline: row("await als.run({}, async fn)", REF, async (n) => {
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
  ],
};

const groups: Group[] = [
  attr,
  methodClass,
  methodMap,
  methodRequest,
  top,
  read,
  write,
  pushPop,
  open,
  openMany,
  fork,
  middleware,
  requestPath,
  ...(hasStreams ? [streams] : []),
  openAsync,
];
const SKIPPED = hasStreams ? [] : [
  `group "${streams.id}" skipped: this build's LocalManager#middleware has no ` +
  "{ streams: true } option (mod.ts exports no streamWithContext)",
];

/** The processes each group runs in: contextlocal's, and one per peer that has rows for it. */
function groupInfo(): { id: string; title: string; processes: string[] }[] {
  return groups.map(({ id, title }) => ({
    id,
    title,
    processes: [
      CL,
      ...PEERS.filter((peer) => peer.groups.includes(id)).map((p) => p.name),
    ],
  }));
}

function printRows(title: string, result: readonly Row[]): void {
  console.log(`\n## ${title}`);
  for (const r of result) {
    const target = r.target === undefined
      ? ""
      : ` (target <= x${r.target}) ${r.ratio <= r.target ? "met" : "NOT MET"}`;
    console.log(
      `${r.name.padEnd(52)} ${formatNs(r.ns).padStart(10)}  x${r.ratio.toFixed(2)}` +
        ` ±${(r.iqr * 100).toFixed(0)}%${target}`,
    );
  }
}

/** `rows` starting at the `turn`-th (modulo their number), the rest in order after it. */
function rotate<T>(rows: readonly T[], turn: number): T[] {
  const start = rows.length === 0 ? 0 : turn % rows.length;
  return [...rows.slice(start), ...rows.slice(0, start)];
}

async function runAll(argv: string[]): Promise<void> {
  const options = harnessOptions(argv.includes("--quick"));
  const only = argv.find((a) => a.startsWith("--group="))?.slice(
    "--group=".length,
  ).split(",");
  // --by=NAME: only the reference and NAME's rows. Each library runs in its
  // own process (running Hono's or unctx's rows slowed every Proxy row of the
  // same process on Bun by ~60%, the reference included), and a peer's module
  // is imported only in its own process.
  const by = argv.find((a) => a.startsWith("--by="))?.slice("--by=".length) ??
    CL;
  const peerRows = by === CL ? undefined : await loadPeer(by, Req);
  // --rotate=K: the members start at the K-th. A row measured later in a
  // process can come out slower (Bun's middleware floor x1.12-1.24 after the
  // library's row, x1.08-1.13 before it), so scripts/bench.mjs rotates the
  // order from one process to the next.
  const turn = Number(argv.find((a) => a.startsWith("--rotate="))?.slice("--rotate=".length) ?? 0);
  const rows: Row[] = [];
  console.log(`# micro benchmarks on ${runtimeName()} (${by})`);
  for (const message of SKIPPED) console.log(message);
  for (const whole of groups) {
    if (only && !only.includes(whole.id)) continue;
    const members = rotate(peerRows ? peerRows[whole.id] ?? [] : whole.members, turn);
    if (members.length === 0) continue;
    const group = { ...whole, members };
    const result = await runGroup(group, options);
    rows.push(...result);
    printRows(group.title, result);
  }
  emit("micro", { rows, sink: sinkValue() });
}

// --list: the groups and their processes (scripts/bench.mjs runs each
// group in fresh processes).
if (args().includes("--list")) {
  emit("micro", { groups: groupInfo(), skipped: SKIPPED, rows: [] });
} else await runAll(args());
