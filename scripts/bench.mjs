// `npm run bench` / `deno task bench`: runs the benchmarks in bench/ on Deno,
// Bun and Node 26 (from node_modules/.bin) and prints one table per kind:
//   micro   bench/micro.ts: time per operation and ratio to a hand-written
//           AsyncLocalStorage measured in the same process run, with peers;
//   server  bench/server_app.ts driven by autocannon (bench/server_load.mjs):
//           requests/s and server CPU per request, plain vs contextlocal;
//   memory  bench/memory.ts: heap growth after 100,000 scopes and a full GC.
// A full run (all kinds, all runtimes, no --quick) rewrites bench/RESULTS.md
// and bench/results.json; other runs write .bench-tmp/RESULTS.partial.md.
//
// Usage: node scripts/bench.mjs [--quick] [--only=micro,server,memory]
//                               [--runtime=deno,bun,node]
// Not part of `npm test`.
import "./ensure-tools.mjs";
import { spawn } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const { runtimeCommand, serverBench } = await import("../bench/server_load.mjs");
const { renderResults } = await import("../bench/report.mjs");

const KINDS = ["micro", "server", "memory"];
const RUNTIMES = ["deno", "bun", "node"];
const MARKER = "@@contextlocal-bench ";

function listOption(name, allowed) {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (arg === undefined) return allowed;
  const values = arg.slice(name.length + 3).split(",").filter(Boolean);
  const unknown = values.filter((v) => !allowed.includes(v));
  if (unknown.length > 0) {
    console.error(`--${name}: unknown ${unknown.join(", ")}; expected ${allowed.join(", ")}`);
    process.exit(2);
  }
  return values;
}

const quick = process.argv.includes("--quick");
/** Micro runs per group and runtime (each in a fresh process). */
const REPEATS = quick ? 1 : 3;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
const kinds = listOption("only", KINDS);
const runtimes = listOption("runtime", RUNTIMES);
const full = !quick && kinds.length === KINDS.length && runtimes.length === RUNTIMES.length;
const env = { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };

/**
 * Runs one bench file on `runtime` (with runtime `flags` and extra script
 * `options`), echoing its output, and returns its result line.
 */
function runFile(runtime, file, flags = [], options = []) {
  const extra = [...(quick ? ["--quick"] : []), ...options];
  const [cmd, ...argv] = runtimeCommand(runtime, `${root}${file}`, extra, flags);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      for (const line of String(chunk).split("\n")) {
        if (line !== "" && !line.startsWith(MARKER)) process.stdout.write(`${line}\n`);
      }
    });
    child.on("close", (code) => {
      const line = out.split("\n").find((l) => l.startsWith(MARKER));
      if (code !== 0 || line === undefined) {
        reject(new Error(`${runtime} ${file} failed (exit ${code})`));
      } else {
        resolve(JSON.parse(line.slice(MARKER.length)));
      }
    });
  });
}

function version(runtime) {
  const [cmd] = runtimeCommand(runtime, "");
  return new Promise((resolve) => {
    const child = spawn(cmd, ["--version"], { env, stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.on("close", () => resolve(out.split("\n")[0].trim()));
  });
}

// V8 flushes the bytecode of functions unused for a few GCs; that shrinks the
// heap by megabytes mid-run and would hide (or fake) growth, so it is off.
const gcFlags = {
  deno: ["--v8-flags=--expose-gc,--no-flush-bytecode"],
  bun: [],
  node: ["--expose-gc", "--no-flush-bytecode"],
};

const started = new Date();
const cpuModel = (() => {
  try {
    return readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.*)$/m)?.[1] ?? "?";
  } catch {
    return cpus()[0]?.model ?? "?";
  }
})();
const results = {
  date: started.toISOString(),
  quick,
  machine: {
    nproc: cpus().length,
    cpu: cpuModel,
    loadAverageAtStart: loadavg().map((l) => Number(l.toFixed(2))),
    clientNode: process.version,
  },
  versions: {},
  micro: {},
  server: {},
  memory: {},
};

for (const runtime of runtimes) results.versions[runtime] = await version(runtime);
console.log(`bench: ${kinds.join(", ")} on ${runtimes.join(", ")}${quick ? " (quick)" : ""}`);

if (kinds.includes("micro")) {
  // One process per group: a group's figures then do not depend on what the
  // JIT learnt from the groups before it (that moved some rows by 30-50%).
  // Each group runs REPEATS times per runtime, the repeats spread over the
  // whole micro phase, each library's rows in a process of their own with
  // the baseline (its ratio is to that process's baseline); a row reports the
  // median time and the median ratio.
  const { groups } = (await runFile("node", "bench/micro.ts", [], ["--list"])).data;
  results.microGroups = groups;
  results.microRepeats = REPEATS;
  const runs = Object.fromEntries(runtimes.map((runtime) => [runtime, new Map()]));
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    for (const runtime of runtimes) {
      for (const { id, processes } of groups) {
        const rows = [];
        for (const by of processes) {
          const options = [`--group=${id}`, `--by=${by}`];
          const data = (await runFile(runtime, "bench/micro.ts", [], options)).data;
          // The baseline is measured in every process; the table shows contextlocal's.
          rows.push(...data.rows.filter((r) => r.by !== "baseline" || by === "contextlocal"));
        }
        for (const row of rows) {
          const key = `${row.group}\u0000${row.name}`;
          if (!runs[runtime].has(key)) runs[runtime].set(key, []);
          runs[runtime].get(key).push(row);
        }
      }
    }
  }
  for (const runtime of runtimes) {
    results.micro[runtime] = [...runs[runtime].values()].map((rows) => ({
      ...rows[0],
      ns: median(rows.map((r) => r.ns)),
      ratio: median(rows.map((r) => r.ratio)),
      ratios: rows.map((r) => Number(r.ratio.toFixed(3))),
      iqr: median(rows.map((r) => r.iqr)),
    }));
  }
}
if (kinds.includes("memory")) {
  for (const runtime of runtimes) {
    console.log(`\n# memory on ${runtime}`);
    results.memory[runtime] = (await runFile(runtime, "bench/memory.ts", gcFlags[runtime]))
      .data.results;
  }
}
if (kinds.includes("server")) {
  const options = quick
    ? { rounds: 1, seconds: 2, warmupSeconds: 1, connections: 50 }
    : { rounds: 8, seconds: 3, warmupSeconds: 2, connections: 50 };
  for (const runtime of runtimes) {
    console.log(`\n# server on ${runtime}`);
    results.server[runtime] = await serverBench(runtime, { ...options, log: console.log });
  }
}
results.machine.loadAverageAtEnd = loadavg().map((l) => Number(l.toFixed(2)));
results.minutes = Number(((Date.now() - started.getTime()) / 60000).toFixed(1));

const markdown = renderResults(results);
console.log(`\n${markdown}`);
if (full) {
  writeFileSync(`${root}bench/RESULTS.md`, markdown);
  writeFileSync(`${root}bench/results.json`, JSON.stringify(results, null, 2) + "\n");
  console.log("wrote bench/RESULTS.md and bench/results.json");
} else {
  mkdirSync(`${root}.bench-tmp`, { recursive: true });
  writeFileSync(`${root}.bench-tmp/RESULTS.partial.md`, markdown);
  console.log(
    "partial run: wrote .bench-tmp/RESULTS.partial.md (bench/RESULTS.md is for full runs)",
  );
}
