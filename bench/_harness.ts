/**
 * A small benchmark harness that runs unchanged on Deno, Bun and Node.
 *
 * Each benchmark is a function that performs the operation `n` times in its
 * own loop and returns a value derived from every result, so the engine can
 * neither drop the work nor share inline caches between benchmarks. The
 * members of a group (the baseline first) are warmed up, calibrated to a
 * sample of about `sampleMs`, then sampled round-robin, so that frequency
 * drift and GC pauses hit every member alike. A member's time is the median
 * of its samples, and its ratio is that median over the baseline's median
 * from the same process run.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** One operation: does it `n` times and returns something computed from every result. */
export type BenchFn = (n: number) => unknown;

/** One row of a group. */
export interface Bench {
  /** What the row measures, e.g. `proxy.attr`. */
  readonly name: string;
  /** Who implements it: `reference`, `contextlocal`, `hand-written ALS` or a peer's name. */
  readonly by: string;
  readonly fn: BenchFn;
}

/** A reference (the baseline) and the operations compared with it. */
export interface Group {
  readonly id: string;
  readonly title: string;
  /** The reference: the least code of the same shape costs on this engine. */
  readonly baseline: Bench;
  readonly members: readonly Bench[];
  /**
   * Sample length multiplier for allocation-heavy groups: longer samples take
   * their share of GC pauses instead of landing whole pauses in a few samples.
   * The number of samples stays the same: Deno's `als.run` alone varies
   * 0.4-1.8 µs from one 50,000-call loop to the next, and with fewer samples
   * (9 instead of 21 at x5) its rows' ratios moved ±15-30% between processes.
   */
  readonly sampleScale?: number;
  /** The largest acceptable ratio to the reference, by row name. */
  readonly targets?: Readonly<Record<string, number>>;
}

/** The measured result of one row. */
export interface Row {
  readonly group: string;
  readonly name: string;
  readonly by: string;
  /** Median nanoseconds per operation. */
  readonly ns: number;
  /** `ns` over the baseline's `ns`. */
  readonly ratio: number;
  /** Spread of the samples: (p75 - p25) / median. */
  readonly iqr: number;
  readonly samples: number;
  readonly target?: number;
}

/** How long to warm up, how long a sample is and how many samples per row. */
export interface HarnessOptions {
  readonly warmupMs: number;
  readonly sampleMs: number;
  readonly samples: number;
}

/**
 * Full runs take 21 samples of 10 ms per row (each group also runs in 3
 * processes, so a row has 63 samples in all); `--quick` about a third.
 */
export function harnessOptions(quick: boolean): HarnessOptions {
  return quick
    ? { warmupMs: 100, sampleMs: 5, samples: 11 }
    : { warmupMs: 200, sampleMs: 10, samples: 21 };
}

/** Everything a benchmark returns ends up here, so its work is observable. */
let sink: unknown = undefined;

/** Folds `value` into the sink (call it with each benchmark's result). */
function consume(value: unknown): void {
  sink = value === sink ? undefined : value;
}

/** The value of the sink, printed at the end so no result is dead code. */
export function sinkValue(): string {
  return typeof sink;
}

/**
 * On Node, calls a function in the async context this module was loaded in,
 * where no storage has a value. Node's `als.run()` leaves an entry for its
 * storage in the caller's context when it returns, and every `getStore()`
 * looks its storage up among those entries: without this, each row would
 * read its storage among the entries of every row run before it (identical
 * code read 0.7-1.0x as fast from one storage as from another in one
 * process). Deno and Bun restore the caller's context as it was, and
 * showed no such spread; there a row is called directly (on Deno, calling
 * through a snapshot made the floor rows ~15% slower).
 */
const inFirstContext: <A, R>(fn: (arg: A) => R, arg: A) => R = runtimeName().startsWith("node")
  ? AsyncLocalStorage.snapshot()
  : (fn, arg) => fn(arg);

async function timeOnce(fn: BenchFn, n: number): Promise<number> {
  const start = performance.now();
  const result = inFirstContext(fn, n);
  // An async benchmark returns a promise: its time includes settling it.
  consume(result instanceof Promise ? await result : result);
  return performance.now() - start;
}

/** Finds an `n` whose run takes about `ms`, warming the code up on the way. */
async function calibrate(fn: BenchFn, ms: number): Promise<number> {
  let n = 1;
  for (;;) {
    const elapsed = await timeOnce(fn, n);
    if (elapsed >= ms / 4) {
      return Math.max(1, Math.round((n * ms) / Math.max(elapsed, 1e-3)));
    }
    n *= 4;
  }
}

function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

/** Measures every member of `group` against its baseline. */
export async function runGroup(
  group: Group,
  base: HarnessOptions,
): Promise<Row[]> {
  const scale = group.sampleScale ?? 1;
  const options = { ...base, sampleMs: base.sampleMs * scale };
  const all = [group.baseline, ...group.members];
  const counts: number[] = [];
  for (const bench of all) {
    const first = await calibrate(bench.fn, options.sampleMs);
    const warmEnd = performance.now() + options.warmupMs;
    while (performance.now() < warmEnd) await timeOnce(bench.fn, first);
    counts.push(await calibrate(bench.fn, options.sampleMs));
  }
  const times: number[][] = all.map(() => []);
  for (let sample = 0; sample < options.samples; sample++) {
    for (let i = 0; i < all.length; i++) {
      const elapsed = await timeOnce(all[i].fn, counts[i]);
      times[i].push((elapsed * 1e6) / counts[i]);
    }
  }
  const stats = times.map((t) => {
    const sorted = [...t].sort((a, b) => a - b);
    const median = quantile(sorted, 0.5);
    return {
      median,
      iqr: (quantile(sorted, 0.75) - quantile(sorted, 0.25)) / median,
    };
  });
  return all.map((bench, i) => ({
    group: group.id,
    name: bench.name,
    by: bench.by,
    ns: stats[i].median,
    ratio: stats[i].median / stats[0].median,
    iqr: stats[i].iqr,
    samples: options.samples,
    target: group.targets?.[bench.name],
  }));
}

/** The runtime running this file, with its version. */
export function runtimeName(): string {
  const g = globalThis as {
    Deno?: { version: { deno: string } };
    Bun?: { version: string };
    process?: { version: string };
  };
  if (g.Deno) return `deno ${g.Deno.version.deno}`;
  if (g.Bun) return `bun ${g.Bun.version}`;
  return `node ${g.process?.version.replace(/^v/, "") ?? "?"}`;
}

/** The marker before the JSON line that scripts/bench.mjs reads. */
export const RESULT_MARKER = "@@contextlocal-bench ";

/** Prints the machine-readable result line. */
export function emit(kind: string, data: unknown): void {
  console.log(
    RESULT_MARKER + JSON.stringify({ kind, runtime: runtimeName(), data }),
  );
}

/** Formats nanoseconds for humans. */
export function formatNs(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(ns < 10 ? 2 : 1)} ns`;
}

/** The command-line arguments of this process on any of the three runtimes. */
export function args(): string[] {
  const g = globalThis as {
    Deno?: { args: string[] };
    process?: { argv: string[] };
  };
  return g.Deno ? g.Deno.args : g.process?.argv.slice(2) ?? [];
}
