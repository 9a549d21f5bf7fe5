/**
 * The cost of undoing pushes out of order: 16,000 pushes in one scope, then
 * each push's Disposable disposed oldest first (FIFO), newest first (LIFO)
 * and, for FIFO, after a child scope was opened (so that every frame is
 * shared with it). Prints milliseconds per run and per disposal.
 *
 * Run: `deno run -A bench/dispose_cost.ts`, `bun bench/dispose_cost.ts`,
 * `node bench/dispose_cost.ts` (add a count, e.g. `-- 4000`).
 *
 * @module
 */
import process from "node:process";
import { LocalManager, LocalStack } from "../mod.ts";
import { runtimeName } from "./_harness.ts";

const count = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 16_000);
const manager = new LocalManager();

type Order = "FIFO" | "LIFO" | "FIFO after a fork";

function once(order: Order): number {
  const stack = new LocalStack<number>();
  return manager.run(() => {
    const pushes: Disposable[] = [];
    for (let i = 0; i < count; i++) pushes.push(stack.push(i));
    if (order === "FIFO after a fork") manager.run(() => stack.top);
    if (order === "LIFO") pushes.reverse();
    const started = performance.now();
    for (const pushed of pushes) pushed[Symbol.dispose]();
    const ms = performance.now() - started;
    if (stack.top !== undefined) throw new Error("the stack is not empty");
    return ms;
  });
}

console.log(`# ${count} disposals on ${runtimeName()}`);
for (const order of ["FIFO", "LIFO", "FIFO after a fork"] as const) {
  const runs = Array.from({ length: 5 }, () => once(order)).sort((a, b) => a - b);
  const median = runs[2];
  console.log(
    `${order.padEnd(18)} median ${median.toFixed(2)} ms (${
      (median * 1e6 / count).toFixed(0)
    } ns per disposal), runs ${runs.map((r) => r.toFixed(1)).join(" / ")} ms`,
  );
}
