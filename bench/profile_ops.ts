/**
 * Loops one contextlocal operation 30 million times so a sampling profiler
 * can show where its time goes. Used for bench/profiles/*.txt:
 *
 * ```sh
 * node --prof bench/profile_ops.ts attr && node --prof-process isolate-*.log
 * deno run -A --v8-flags=--prof bench/profile_ops.ts method
 * ```
 *
 * Operations: `attr` (proxy.a), `method` (proxy.m()), `read` (local.x),
 * `write` (local.x = v), `top` (stack.top); `request` (the server bench's
 * per-request work: middleware scope, push, proxy read, g write) and
 * `als-request` (the same with a hand-written AsyncLocalStorage), 3 million
 * times each.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { Local, LocalManager, LocalProxy, LocalStack } from "../mod.ts";
import { args } from "./_harness.ts";

class Req {
  a = 1;
  m(): number {
    return this.a;
  }
}

const stack = new LocalStack<Req>();
const request = new LocalProxy(stack);
const g = new Local<{ x: number }>();
const operation = args()[0] ?? "attr";
const N = 30_000_000;

let acc = 0;
const requests = Array.from({ length: 1000 }, (_, i) => ({ url: `/r/${i}`, a: i, m: () => i }));
if (operation === "request") {
  const manager = new LocalManager([stack, g]);
  const handle = manager.middleware((req: Req) => {
    stack.push(req);
    g.x = request.a;
    return g.x;
  });
  for (let i = 0; i < N / 10; i++) acc += handle(requests[i % 1000]);
} else if (operation === "als-request") {
  const als = new AsyncLocalStorage<{ req: Req; map: Map<string, number> }>();
  const handle = (req: Req): number =>
    als.run({ req, map: new Map() }, () => {
      const store = als.getStore()!;
      store.map.set("x", store.req.a);
      return store.map.get("x")!;
    });
  for (let i = 0; i < N / 10; i++) acc += handle(requests[i % 1000]);
} else {new LocalManager().run(() => {
    stack.push(new Req());
    g.x = 1;
    if (operation === "attr") { for (let i = 0; i < N; i++) acc += request.a; }
    else if (operation === "method") { for (let i = 0; i < N; i++) acc += request.m(); }
    else if (operation === "read") { for (let i = 0; i < N; i++) acc += g.x!; }
    else if (operation === "write") { for (let i = 0; i < N; i++) g.x = i; }
    else if (operation === "top") {
      for (let i = 0; i < N; i++) if (stack.top !== undefined) acc++;
    } else throw new TypeError(`unknown operation ${operation}`);
  });}
console.log(operation, acc + (g.x ?? 0));
