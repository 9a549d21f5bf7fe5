/**
 * Leak tests, measured rather than guessed: 100,000 completed scopes and a
 * server that answered 50,000 requests must leave every value they held
 * finalized (FinalizationRegistry) and the heap back at its baseline after
 * forced GC. Each measurement runs in a child process of the same runtime
 * with GC exposed (node --expose-gc, deno --v8-flags=--expose-gc, Bun.gc),
 * so the test runners stay untouched; see fixtures/leak_probe.ts.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
const root = fileURLToPath(new URL("../../", import.meta.url));
const probe = fileURLToPath(new URL("./fixtures/leak_probe.ts", import.meta.url));

const SCOPES = 100_000;
const REQUESTS = 50_000;
const DISPOSALS = 10_000;
/** Heap growth allowed after GC: 20 bytes per scope, 80 bytes per request. */
const SCOPES_TOLERANCE = 2 * 1024 * 1024;
const SERVER_TOLERANCE = 4 * 1024 * 1024;
const CHILD_TIMEOUT_MS = 150_000;

function probeArgs(mode: string, count: number, exposeGc: boolean): string[] {
  switch (runtime) {
    case "deno":
      return [
        "run",
        "-A",
        ...(exposeGc ? ["--v8-flags=--expose-gc"] : []),
        probe,
        mode,
        `${count}`,
      ];
    case "bun":
      return [probe, mode, `${count}`];
    default:
      return [...(exposeGc ? ["--expose-gc"] : []), probe, mode, `${count}`];
  }
}

interface ProbeRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runProbe(mode: string, count: number, exposeGc = true): Promise<ProbeRun> {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // a node child must not think it is a test-runner worker
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, probeArgs(mode, count, exposeGc), {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => stdout += chunk);
    child.stderr.on("data", (chunk) => stderr += chunk);
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`leak probe ${mode} timed out after ${CHILD_TIMEOUT_MS} ms:\n${stderr}`));
    }, CHILD_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
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
}

async function measure(mode: string, count: number): Promise<ProbeResult> {
  const { code, stdout, stderr } = await runProbe(mode, count);
  const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
  assert.ok(
    code === 0 && line !== undefined,
    `leak probe failed (exit ${code}):\n${stdout}\n${stderr}`,
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
