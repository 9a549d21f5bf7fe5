/**
 * The core operations against the floor each can reach, measured in the
 * same process: `stack.top` against `als.getStore().req`, a Local's read and
 * write against a bare Proxy doing `map.get` / `map.set`, push + pop against
 * an array in the store, `manager.run` / `stack.run` against
 * `als.run({}, fn)`. Each group runs several rounds; the table gives the
 * median ratio and the spread over rounds.
 *
 * Run: `deno run -A bench/core_ops.ts`, `bun bench/core_ops.ts`,
 * `node bench/core_ops.ts` (`--rounds=5`, `--quick`).
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { Local, LocalManager, LocalStack } from "../mod.ts";
import {
  args,
  type Bench,
  type BenchFn,
  type Group,
  harnessOptions,
  runGroup,
  runtimeName,
  sinkValue,
} from "./_harness.ts";

class Req {
  a = 1;
}
interface Store {
  req: Req;
  map: Map<string, number>;
  arr: Req[];
}
const als = new AsyncLocalStorage<Store>();
const inStore = (loop: BenchFn): BenchFn => (n) =>
  als.run({ req: new Req(), map: new Map([["x", 1]]), arr: [] }, () => loop(n));

const requestStack = new LocalStack<Req>();
const g = new Local<{ x: number }>();
const manager = new LocalManager([requestStack, g]);
const inScope = (loop: BenchFn): BenchFn => (n) =>
  manager.run(() => {
    requestStack.push(new Req());
    g.x = 1;
    return loop(n);
  });

const floorLocal = new Proxy({} as { x: number }, {
  get: (_target, key) => als.getStore()!.map.get(key as string),
  set: (_target, key, value) => {
    als.getStore()!.map.set(key as string, value);
    return true;
  },
});

const row = (name: string, by: string, fn: BenchFn): Bench => ({ name, by, fn });
const one = (): number => 1;
const item = new Req();

const groups: (Group & { target: number })[] = [
  {
    id: "top",
    title: "stack.top",
    target: 1.2,
    baseline: row(
      "als.getStore().req",
      "baseline",
      inStore((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) if (als.getStore()!.req !== undefined) acc++;
        return acc;
      }),
    ),
    members: [row(
      "stack.top",
      "contextlocal",
      inScope((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) if (requestStack.top !== undefined) acc++;
        return acc;
      }),
    )],
  },
  {
    id: "read",
    title: "g.x read",
    target: 1.15,
    baseline: row(
      "bare Proxy: store.map.get(key)",
      "floor",
      inStore((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += floorLocal.x;
        return acc;
      }),
    ),
    members: [row(
      "g.x",
      "contextlocal",
      inScope((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += g.x!;
        return acc;
      }),
    )],
  },
  {
    id: "write",
    title: "g.x = v",
    target: 1.2,
    baseline: row(
      "bare Proxy: store.map.set(key, v)",
      "floor",
      inStore((n) => {
        for (let i = 0; i < n; i++) floorLocal.x = i;
        return floorLocal.x;
      }),
    ),
    members: [row(
      "g.x = v",
      "contextlocal",
      inScope((n) => {
        for (let i = 0; i < n; i++) g.x = i;
        return g.x;
      }),
    )],
  },
  {
    id: "pushpop",
    title: "push + pop",
    target: 1.5,
    sampleScale: 4,
    baseline: row(
      "store.arr.push(x) + pop()",
      "baseline",
      inStore((n) => {
        const arr = als.getStore()!.arr;
        let acc = 0;
        for (let i = 0; i < n; i++) {
          arr.push(item);
          acc += arr.pop()!.a;
        }
        return acc;
      }),
    ),
    members: [row(
      "stack.push(x) + pop()",
      "contextlocal",
      inScope((n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) {
          requestStack.push(item);
          acc += requestStack.pop()!.a;
        }
        return acc;
      }),
    )],
  },
  {
    id: "run",
    title: "open a scope (manager.run <= x1.05, stack.run <= x1.1)",
    target: 1.1,
    sampleScale: 4,
    baseline: row("als.run({}, fn)", "baseline", (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += als.run({} as Store, one);
      return acc;
    }),
    members: [
      row("manager.run(fn)", "contextlocal", (n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += manager.run(one);
        return acc;
      }),
      row("stack.run(x, fn)", "contextlocal", (n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += requestStack.run(item, one);
        return acc;
      }),
    ],
  },
];

const argv = args();
const rounds = Number(argv.find((a) => a.startsWith("--rounds="))?.slice(9) ?? 3);
const only = argv.find((a) => a.startsWith("--group="))?.slice(8).split(",");
const options = harnessOptions(argv.includes("--quick"));
console.log(`# core operations on ${runtimeName()}, ${rounds} rounds`);
for (const group of groups) {
  if (only && !only.includes(group.id)) continue;
  const ratios = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    for (const r of (await runGroup(group, options)).slice(1)) {
      ratios.set(r.name, [...(ratios.get(r.name) ?? []), r.ratio]);
    }
  }
  for (const [name, values] of ratios) {
    const sorted = values.sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(
      `${name.padEnd(24)} x${median.toFixed(2)} of ${group.baseline.name} ` +
        `(rounds ${sorted.map((v) => v.toFixed(2)).join(" ")})`,
    );
  }
}
console.log(`(sink: ${sinkValue()})`);
