/**
 * The cost of a write followed by opening a scope, with 100 / 10^4 / 10^5
 * Locals past the fast slots holding values: each iteration writes one of
 * them and opens a child scope (`manager.run`), the pattern of a process
 * that sets a value and then serves a request. Also the child's first write
 * (copy-on-write) and an open without a prior write. Prints microseconds
 * per iteration (median of 5 runs).
 *
 * Run: `deno run -A bench/fork_cost.ts`, `bun bench/fork_cost.ts`,
 * `node bench/fork_cost.ts`.
 *
 * @module
 */
import { Local, LocalManager } from "../mod.ts";
import { runtimeName } from "./_harness.ts";

const manager = new LocalManager();
const noop = (): number => 1;

function median(runs: number[]): number {
  return runs.sort((a, b) => a - b)[Math.floor(runs.length / 2)];
}

function measure(count: number): Record<string, number> {
  // Created first, so that they take the fast slots if any are left.
  const locals = Array.from({ length: count + 16 }, () => new Local<{ v: number }>());
  const deep = locals.slice(16);
  return manager.run(() => {
    for (const local of deep) local.v = 1;
    const iterations = Math.max(200, Math.min(20_000, 2e7 / count));
    const time = (body: (i: number) => void): number => {
      const runs: number[] = [];
      for (let run = 0; run < 5; run++) {
        const started = performance.now();
        for (let i = 0; i < iterations; i++) body(i);
        runs.push((performance.now() - started) * 1e3 / iterations);
      }
      return median(runs);
    };
    return {
      "write + fork": time((i) => {
        deep[i % count].v = i;
        manager.run(noop);
      }),
      "write + fork + child write": time((i) => {
        deep[i % count].v = i;
        manager.run(() => (deep[(i * 7) % count].v = i));
      }),
      "fork without a write": time(() => manager.run(noop)),
    };
  });
}

console.log(`# write + fork cost on ${runtimeName()} (µs per iteration)`);
for (const count of [100, 10_000, 100_000]) {
  const result = measure(count);
  console.log(
    `${String(count).padStart(6)} locals: ` +
      Object.entries(result).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", "),
  );
}
