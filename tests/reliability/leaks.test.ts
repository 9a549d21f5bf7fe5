/**
 * Leak tests, measured rather than guessed: 100,000 completed scopes and a
 * server that answered 50,000 requests must leave every value they held
 * finalized (FinalizationRegistry) and the heap back at its baseline after
 * forced GC. Each measurement runs in a child process of the same runtime
 * with GC exposed (node --expose-gc, deno --v8-flags=--expose-gc, Bun.gc),
 * so the test runners stay untouched; see fixtures/leak_probe.ts. One more
 * child pins what the README says a kept push Disposable keeps: its scope.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runtime } from "../_runtime.ts";
import { type ChildRun, runChild } from "../_child.ts";

const probe = fileURLToPath(new URL("./fixtures/leak_probe.ts", import.meta.url));

const SCOPES = 100_000;
const REQUESTS = 50_000;
const DISPOSALS = 10_000;
/** Heap growth allowed after GC: 20 bytes per scope, 80 bytes per request. */
const SCOPES_TOLERANCE = 2 * 1024 * 1024;
const SERVER_TOLERANCE = 4 * 1024 * 1024;
const KEPT = 10_000;
const CHILD_TIMEOUT_MS = 150_000;

function runProbe(mode: string, count: number, exposeGc = true): Promise<ChildRun> {
  return runChild(probe, [mode, `${count}`], { exposeGc, timeoutMs: CHILD_TIMEOUT_MS });
}

interface ProbeResult {
  gc: string;
  registered: number;
  finalized: number;
  unfinalized: number[];
  baseline: number;
  peak: number;
  after: number;
  elapsed: number;
  server?: string;
  kept?: number;
  finalizedWhileKept?: number;
  bytesPerKeptScope?: number;
}

async function measure(mode: string, count: number): Promise<ProbeResult> {
  const { code, stdout, stderr, killed } = await runProbe(mode, count);
  const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
  assert.ok(
    code === 0 && line !== undefined,
    `leak probe failed (exit ${code}${killed ? ", killed at the time limit" : ""}):\n` +
      `${stdout}\n${stderr}`,
  );
  return JSON.parse(line.slice("RESULT ".length)) as ProbeResult;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

function report(what: string, r: ProbeResult): void {
  console.log(
    `[reliability/leaks] ${runtime}${r.server ? ` ${r.server}` : ""}: ${what}, ` +
      `${r.finalized}/${r.registered} values finalized, heap baseline ${mb(r.baseline)}, ` +
      `peak ${mb(r.peak)}, after GC ${mb(r.after)} (${r.after >= r.baseline ? "+" : ""}${
        mb(r.after - r.baseline)
      }), workload ${r.elapsed} ms, gc via ${r.gc}`,
  );
}

describe("leaks: completed scopes and requests leave nothing behind", () => {
  it(
    "the leak probe refuses to run without a garbage collector it can force",
    { skip: runtime === "bun" && "Bun.gc is always available, so there is no flag to forget" },
    async () => {
      const { code, stderr } = await runProbe("scopes", 10, false);
      assert.equal(code, 3);
      assert.match(stderr, /gc is unavailable/);
    },
  );

  const workloads = [
    {
      title: `${SCOPES} completed scopes`,
      mode: "scopes",
      count: SCOPES,
      what: `${SCOPES} scopes`,
      holders: "completed scopes",
      tolerance: SCOPES_TOLERANCE,
    },
    {
      title: `a server after ${REQUESTS} requests`,
      mode: "server",
      count: REQUESTS,
      what: `${REQUESTS} requests`,
      holders: "finished requests",
      tolerance: SERVER_TOLERANCE,
    },
    {
      title: `${DISPOSALS} pushes disposed under another push, in a live scope`,
      mode: "disposed",
      count: DISPOSALS,
      what: `${DISPOSALS} out-of-order disposals`,
      holders: "the stack after their pushes were disposed",
      // The scope still holds one small cover frame per disposal.
      tolerance: SCOPES_TOLERANCE,
    },
  ];
  for (const { title, mode, count, what, holders, tolerance } of workloads) {
    it(`${title}: every value finalized, heap back at baseline`, {
      timeout: CHILD_TIMEOUT_MS + 5_000,
    }, async () => {
      const r = await measure(mode, count);
      report(what, r);
      assert.equal(r.registered, count);
      assert.equal(
        r.finalized,
        count,
        `values held by ${holders} were never collected, e.g. ids ${r.unfinalized}`,
      );
      assert.ok(
        r.after - r.baseline < tolerance,
        `heap grew by ${mb(r.after - r.baseline)} after ${what} (allowed ${mb(tolerance)})`,
      );
    });
  }
});

describe("leaks: what a kept push Disposable keeps (pinned, see the README's Choices)", () => {
  it(
    `${KEPT} kept push Disposables keep their scopes: no value of another Local is finalized until they are dropped`,
    {
      timeout: CHILD_TIMEOUT_MS + 5_000,
    },
    async () => {
      const r = await measure("kept-disposables", KEPT);
      console.log(
        `[reliability/leaks] ${runtime}: ${KEPT} scopes kept by their push Disposables, ` +
          `${r.finalizedWhileKept}/${r.registered} values of another Local finalized while kept ` +
          `(~${r.bytesPerKeptScope} B per kept scope), ${r.finalized}/${r.registered} once dropped`,
      );
      assert.equal(r.kept, KEPT);
      assert.equal(r.finalizedWhileKept, 0, "a kept Disposable no longer keeps its scope");
      assert.equal(r.finalized, KEPT, `dropped scopes were never collected, e.g. ${r.unfinalized}`);
    },
  );
});
