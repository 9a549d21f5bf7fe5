/**
 * LocalProxy against the least a Proxy design can cost (issue 13's proxy
 * rows), in one process: `request.a` over a bare Proxy whose trap does
 * `als.getStore().req[key]`, and `request.m()` (a prototype method) over a
 * bare Proxy that binds afresh on every access.
 *
 * Each round times floor, proxy, proxy, floor (ABBA) back to back and keeps
 * their ratio, so a slow phase of a shared machine hits both sides; the
 * samples are long enough (10^5 operations) to include the garbage
 * collection that binding afresh causes. Prints the median ratio over the
 * rounds and the ratio of the fastest samples.
 *
 * Run: `deno run -A bench/proxy_floor.ts`, `bun bench/proxy_floor.ts`,
 * `node bench/proxy_floor.ts`.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { LocalProxy, LocalStack } from "../mod.ts";
import { runtimeName } from "./_harness.ts";

/** The current request object. */
class Req {
  a = 1;
  m(): number {
    return this.a;
  }
}
type Loop = (n: number) => number;

const als = new AsyncLocalStorage<{ req: Req }>();
const inStore = (loop: Loop): Loop => (n) => als.run({ req: new Req() }, () => loop(n));
const floorRead = new Proxy({}, {
  get: (_target, key) => (als.getStore()!.req as unknown as Record<PropertyKey, unknown>)[key],
}) as Req;
const floorBind = new Proxy({}, {
  get(_target, key) {
    const real = als.getStore()!.req as unknown as Record<PropertyKey, unknown>;
    const value = real[key];
    return typeof value === "function" ? value.bind(real) : value;
  },
}) as Req;

const requestStack = new LocalStack<Req>();
const request = new LocalProxy(requestStack);
const inStack = (loop: Loop): Loop => (n) => requestStack.run(new Req(), () => loop(n));

const rows: { name: string; target: number; floor: Loop; proxy: Loop }[] = [
  {
    name: "request.a / bare Proxy: store.req[key]",
    target: 1.15,
    floor: inStore((n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += floorRead.a;
      return acc;
    }),
    proxy: inStack((n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += request.a;
      return acc;
    }),
  },
  {
    name: "request.m() / bare Proxy: bind per access",
    target: 1.0,
    floor: inStore((n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += floorBind.m();
      return acc;
    }),
    proxy: inStack((n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += request.m();
      return acc;
    }),
  },
];

let sink = 0;
function nsPerOp(loop: Loop, n: number): number {
  const started = performance.now();
  sink += loop(n);
  return ((performance.now() - started) * 1e6) / n;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1];

const N = 100_000;
const ROUNDS = 60;
console.log(`# LocalProxy against its floors on ${runtimeName()}`);
for (const { name, target, floor, proxy } of rows) {
  for (let i = 0; i < 20; i++) nsPerOp(floor, N) + nsPerOp(proxy, N);
  const ratios: number[] = [];
  const floors: number[] = [];
  const proxies: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const f1 = nsPerOp(floor, N), p1 = nsPerOp(proxy, N);
    const p2 = nsPerOp(proxy, N), f2 = nsPerOp(floor, N);
    ratios.push((p1 + p2) / (f1 + f2));
    floors.push(f1, f2);
    proxies.push(p1, p2);
  }
  const fastest = Math.min(...proxies) / Math.min(...floors);
  console.log(
    `${name.padEnd(44)} x${median(ratios).toFixed(2)} (fastest samples x${fastest.toFixed(2)}, ` +
      `${Math.min(...proxies).toFixed(1)} / ${
        Math.min(...floors).toFixed(1)
      } ns) target <= x${target}`,
  );
}
if (sink === -1) console.log(sink);
