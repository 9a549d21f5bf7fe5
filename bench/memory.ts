/**
 * Memory benchmark: 100,000 scopes, each holding about 1 KB in a Local and
 * another 1 KB on a LocalStack, run 1,000 at a time with an `await` inside
 * (so the scopes are alive together). After they finish and a full GC runs,
 * the heap should be back to where it started: values belong to their scope
 * and go with it. The same run with a hand-written AsyncLocalStorage is the
 * control.
 *
 * Run with the GC exposed: `node --expose-gc bench/memory.ts`,
 * `deno run -A --v8-flags=--expose-gc bench/memory.ts`, `bun bench/memory.ts`.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import process from "node:process";
import { Local, LocalManager, LocalStack } from "../mod.ts";
import { args, emit, runtimeName } from "./_harness.ts";

const quick = args().includes("--quick");
const SCOPES = quick ? 20_000 : 100_000;
const BATCH = 1_000;

const runtime = globalThis as { gc?: () => void; Bun?: { gc: (force: boolean) => void } };

/** A full, synchronous collection, repeated so finalisation work settles. */
async function collect(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    if (runtime.Bun) runtime.Bun.gc(true);
    else if (runtime.gc) runtime.gc();
    else throw new Error("no GC exposed: run node/deno with --expose-gc");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const heap = (): number => process.memoryUsage().heapUsed;

/** About 1 KB of fresh string (one-byte characters), unique per call. */
const kilobyte = (i: number): string => String(i).padStart(1024, "x");

const g = new Local<{ payload: string }>();
const stack = new LocalStack<{ payload: string }>();
const manager = new LocalManager([g, stack]);

const als = new AsyncLocalStorage<{ payload: string; stack: { payload: string }[] }>();

type Scoped = (i: number) => Promise<number>;

const withContextlocal: Scoped = (i) =>
  manager.run(async () => {
    g.payload = kilobyte(i);
    stack.push({ payload: kilobyte(i + 1) });
    await new Promise((resolve) => setTimeout(resolve, 0));
    return g.payload!.length + stack.top!.payload.length;
  });

const withAls: Scoped = (i) =>
  als.run({ payload: kilobyte(i), stack: [{ payload: kilobyte(i + 1) }] }, async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    const store = als.getStore()!;
    return store.payload.length + store.stack[0].payload.length;
  });

interface MemoryResult {
  readonly name: string;
  readonly scopes: number;
  readonly baselineBytes: number;
  readonly peakBytes: number;
  readonly afterBytes: number;
  readonly growthBytes: number;
  readonly growthPerScopeBytes: number;
}

async function measure(name: string, scoped: Scoped): Promise<MemoryResult> {
  await collect();
  const baselineBytes = heap();
  let peakBytes = baselineBytes;
  let total = 0;
  for (let start = 0; start < SCOPES; start += BATCH) {
    const running = Array.from({ length: BATCH }, (_, k) => scoped(start + k));
    peakBytes = Math.max(peakBytes, heap());
    for (const length of await Promise.all(running)) total += length;
  }
  if (total !== SCOPES * 2048) throw new Error(`${name}: scopes saw the wrong values`);
  await collect();
  const afterBytes = heap();
  return {
    name,
    scopes: SCOPES,
    baselineBytes,
    peakBytes,
    afterBytes,
    growthBytes: afterBytes - baselineBytes,
    growthPerScopeBytes: (afterBytes - baselineBytes) / SCOPES,
  };
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;

console.log(`# memory on ${runtimeName()}: ${SCOPES} scopes holding ~2 KB each`);
// A warm-up pass first, so JIT code and runtime caches are not counted as growth.
await measure("warm-up", withContextlocal);
await measure("warm-up", withAls);
const results: MemoryResult[] = [];
for (const [name, scoped] of [["als", withAls], ["contextlocal", withContextlocal]] as const) {
  const result = await measure(name, scoped);
  results.push(result);
  console.log(
    `${name.padEnd(14)} baseline ${kb(result.baselineBytes)}, peak ${kb(result.peakBytes)}, ` +
      `after GC ${kb(result.afterBytes)}: growth ${kb(result.growthBytes)} ` +
      `(${result.growthPerScopeBytes.toFixed(2)} B/scope)`,
  );
}
emit("memory", { results });
