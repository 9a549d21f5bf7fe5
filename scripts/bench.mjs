// `npm run bench` / `deno task bench`: installs the benchmark-only
// dependencies (`npm ci --prefix bench`, from bench/package-lock.json), then
// runs the benchmarks in bench/ on Deno, Bun and Node 26 (from
// node_modules/.bin) and prints one table per kind:
//   micro     bench/micro.ts: each operation as a ratio to its reference
//             (bare Proxy, bind-per-access Proxy, raw ALS, als.run) in the
//             same process; 5 fresh processes per group and runtime; peers
//             in processes of their own;
//   server    bench/server_app.ts pinned to CPU 0, driven by wrk pinned to
//             CPU 1 (bench/server_load.mjs): req/s and server CPU/request;
//   memory    bench/memory.ts: heap growth after 100,000 scopes and a GC;
//   werkzeug  bench/werkzeug_ops.py on /usr/bin/python3 (Debian's
//             python3-werkzeug): "contextlocal is N times faster".
// A full run (all kinds, all runtimes, no --quick) rewrites bench/RESULTS.md,
// bench/results.json and the table between the bench markers in README.md;
// other runs write .bench-tmp/RESULTS.partial.md.
//
// Usage: node scripts/bench.mjs [--quick] [--only=micro,server,memory,werkzeug]
//                               [--runtime=deno,bun,node]
//        node scripts/bench.mjs --render   (RESULTS.md + README from results.json)
// Not part of `npm test`.
import "./ensure-tools.mjs";
import { execFileSync, spawn } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const { runtimeCommand, serverBench, serverBenchUnavailable } = await import(
  "../bench/server_load.mjs"
);
const { medianOf: median, readmeTable, renderResults } = await import("../bench/report.mjs");

const KINDS = ["micro", "server", "memory", "werkzeug"];
const RUNTIMES = ["deno", "bun", "node"];
const MARKER = "@@contextlocal-bench ";
/** The interpreter with Debian's python3-werkzeug (not a pyenv shim on PATH). */
const PYTHON = process.env.WERKZEUG_PYTHON ?? "/usr/bin/python3";
const README_START = "<!-- bench:performance:start -->";
const README_END = "<!-- bench:performance:end -->";

function listOption(name, allowed) {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (arg === undefined) return allowed;
  const values = arg.slice(name.length + 3).split(",").filter(Boolean);
  const unknown = values.filter((v) => !allowed.includes(v));
  if (unknown.length > 0) {
    console.error(
      `--${name}: unknown ${unknown.join(", ")}; expected ${allowed.join(", ")}`,
    );
    process.exit(2);
  }
  return values;
}

const quick = process.argv.includes("--quick");
/**
 * Micro processes per group and runtime. Five, not three: on Node a row's
 * time has modes from one process to the next (request.a 21.5, 23 or 24.5 ns
 * with the same code), so a median of three is often a median of one mode.
 */
const REPEATS = quick ? 1 : 5;
const kinds = listOption("only", KINDS);
const runtimes = listOption("runtime", RUNTIMES);
const full = !quick && kinds.length === KINDS.length &&
  runtimes.length === RUNTIMES.length;
const env = { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };

/** `npm ci --prefix bench` unless bench/node_modules was installed from the current lock. */
function ensureBenchDependencies() {
  const lock = `${root}bench/package-lock.json`;
  const installed = `${root}bench/node_modules/.package-lock.json`;
  if (
    existsSync(installed) &&
    statSync(installed).mtimeMs >= statSync(lock).mtimeMs
  ) return;
  console.log("bench: installing the peers (npm ci --prefix bench)...");
  execFileSync("npm", [
    "ci",
    "--prefix",
    "bench",
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
  ], {
    cwd: root,
    stdio: "inherit",
  });
}

/** Spawns `cmd argv`, echoing its output, and resolves with its result line (or its skip line). */
function runProcess(label, cmd, argv) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      for (const line of String(chunk).split("\n")) {
        if (line !== "" && !line.startsWith(MARKER)) {
          process.stdout.write(`${line}\n`);
        }
      }
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const line = out.split("\n").find((l) => l.startsWith(MARKER));
      const skip = out.match(/^skip (.*)$/m)?.[1];
      if (code === 0 && line === undefined && skip !== undefined) {
        resolve({ skipped: skip });
      } else if (code !== 0 || line === undefined) {
        reject(new Error(`${label} failed (exit ${code})`));
      } else resolve(JSON.parse(line.slice(MARKER.length)));
    });
  });
}

/** Runs one bench file on `runtime` (runtime `flags`, script `options`). */
function runFile(runtime, file, flags = [], options = []) {
  const extra = [...(quick ? ["--quick"] : []), ...options];
  const [cmd, ...argv] = runtimeCommand(
    runtime,
    `${root}${file}`,
    extra,
    flags,
  );
  return runProcess(`${runtime} ${file} ${options.join(" ")}`, cmd, argv);
}

function version(runtime) {
  const [cmd] = runtimeCommand(runtime, "");
  return execFileSync(cmd, ["--version"], { env, encoding: "utf8" }).split(
    "\n",
  )[0].trim();
}

// V8 flushes the bytecode of functions unused for a few GCs; that shrinks the
// heap by megabytes mid-run and would hide (or fake) growth, so it is off.
const gcFlags = {
  deno: ["--v8-flags=--expose-gc,--no-flush-bytecode"],
  bun: [],
  node: ["--expose-gc", "--no-flush-bytecode"],
};

// A micro process's times depend on where V8 lays out the heap, which its
// random seed decides (Node's stack.top is x1.15 or x1.55 from one seed to
// the next, and the same for a given seed): each repeat gets its own fixed
// seed, so that a rerun of the same code sees the same layouts. JSC has no
// such seed.
const seedFlags = {
  deno: (seed) => [`--v8-flags=--random-seed=${seed}`],
  bun: () => [],
  node: (seed) => [`--random-seed=${seed}`],
};

function cpuModel() {
  try {
    return readFileSync("/proc/cpuinfo", "utf8").match(
      /^model name\s*:\s*(.*)$/m,
    )?.[1] ?? "?";
  } catch {
    return cpus()[0]?.model ?? "?";
  }
}

/**
 * Each group runs REPEATS times per runtime, the repeats spread over the
 * whole micro phase, each in fresh processes (one for contextlocal's rows
 * and the reference, one per peer, each with the reference again): a
 * group's figures then do not depend on what the JIT learnt elsewhere. A row
 * reports its median time and the median, min and max of its per-process
 * ratios.
 */
async function micro(results) {
  const listing = (await runFile("node", "bench/micro.ts", [], ["--list"])).data;
  results.microGroups = listing.groups;
  results.microSkipped = listing.skipped;
  results.microRepeats = REPEATS;
  const runs = Object.fromEntries(
    runtimes.map((runtime) => [runtime, new Map()]),
  );
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    for (const runtime of runtimes) {
      for (const { id, processes } of listing.groups) {
        for (const by of processes) {
          const options = [`--group=${id}`, `--by=${by}`, `--rotate=${repeat}`];
          const flags = seedFlags[runtime](repeat + 1);
          const { rows } = (await runFile(runtime, "bench/micro.ts", flags, options)).data;
          // The reference runs in every process; the table shows contextlocal's.
          for (
            const row of rows.filter((r) => r.by !== "reference" || by === "contextlocal")
          ) {
            const key = `${row.group}\u0000${row.name}`;
            if (!runs[runtime].has(key)) runs[runtime].set(key, []);
            runs[runtime].get(key).push(row);
          }
        }
      }
    }
  }
  for (const runtime of runtimes) {
    results.micro[runtime] = [...runs[runtime].values()].map((rows) => {
      const ratios = rows.map((r) => r.ratio);
      return {
        ...rows[0],
        ns: median(rows.map((r) => r.ns)),
        ratio: median(ratios),
        ratioMin: Math.min(...ratios),
        ratioMax: Math.max(...ratios),
        ratios: ratios.map((r) => Number(r.toFixed(3))),
        iqr: median(rows.map((r) => r.iqr)),
      };
    });
  }
}

/** "wrk 4.1.0" from the banner `wrk -v` prints (and exits 1 with). */
function wrkVersion() {
  try {
    execFileSync("wrk", ["-v"], { encoding: "utf8", stdio: "pipe" });
  } catch (error) {
    const banner = String(error.stdout ?? "");
    return `wrk ${banner.match(/wrk (?:\S*\/)?(\d[\w.]*)/)?.[1] ?? "?"}`;
  }
  return "wrk";
}

async function server(results) {
  const unavailable = serverBenchUnavailable();
  if (unavailable !== undefined) {
    console.log(`\n# server: ${unavailable}`);
    results.serverSkipped = unavailable;
    return;
  }
  const options = quick
    ? { rounds: 1, seconds: 2, warmupSeconds: 1, connections: 50 }
    // Many short rounds: the host's speed drifts within seconds, and a pair of
    // 1 s windows run back to back shares more of it than a pair of 3 s ones.
    : { rounds: 21, seconds: 1, warmupSeconds: 2, connections: 50 };
  for (const runtime of runtimes) {
    console.log(`\n# server on ${runtime} (pinned: server CPU 0, wrk CPU 1)`);
    results.server[runtime] = await serverBench(runtime, {
      ...options,
      log: console.log,
    });
  }
  results.wrk = wrkVersion();
}

async function werkzeug(results) {
  console.log(`\n# werkzeug on ${PYTHON}`);
  if (!existsSync(PYTHON)) {
    results.werkzeugSkipped = `${PYTHON} not found (set WERKZEUG_PYTHON to a CPython with ` +
      "werkzeug; on Debian/Ubuntu: sudo apt-get install -y python3-werkzeug)";
    console.log(`skip ${results.werkzeugSkipped}`);
    return;
  }
  const argv = [`${root}bench/werkzeug_ops.py`, ...(quick ? ["--quick"] : [])];
  const result = await runProcess("werkzeug_ops.py", PYTHON, argv);
  if (result.skipped !== undefined) results.werkzeugSkipped = result.skipped;
  else results.werkzeug = result.data;
}

/** Replaces the generated table in README.md; says what to do when the markers are missing. */
function updateReadme(results) {
  const path = `${root}README.md`;
  const readme = readFileSync(path, "utf8");
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  const table = readmeTable(results);
  if (start === -1 || end < start) {
    mkdirSync(`${root}.bench-tmp`, { recursive: true });
    writeFileSync(`${root}.bench-tmp/README-performance.md`, table);
    console.log(
      `README.md has no ${README_START} ... ${README_END} block: the table is in ` +
        ".bench-tmp/README-performance.md (paste it between those two markers)",
    );
    return;
  }
  const updated = readme.slice(0, start + README_START.length) + "\n\n" +
    table + "\n" +
    readme.slice(end);
  writeFileSync(path, updated);
  // deno fmt aligns Markdown tables; npm test's `deno fmt --check` expects it.
  execFileSync(runtimeCommand("deno", "")[0], ["fmt", "--quiet", "README.md"], {
    cwd: root,
    env,
  });
  console.log("updated the Performance table in README.md");
}

function writeOutputs(results) {
  const markdown = renderResults(results);
  console.log(`\n${markdown}`);
  if (full) {
    writeFileSync(`${root}bench/RESULTS.md`, markdown);
    writeFileSync(
      `${root}bench/results.json`,
      JSON.stringify(results, null, 2) + "\n",
    );
    console.log("wrote bench/RESULTS.md and bench/results.json");
    updateReadme(results);
  } else {
    mkdirSync(`${root}.bench-tmp`, { recursive: true });
    writeFileSync(`${root}.bench-tmp/RESULTS.partial.md`, markdown);
    writeFileSync(
      `${root}.bench-tmp/results.partial.json`,
      JSON.stringify(results, null, 2),
    );
    console.log(
      "partial run: wrote .bench-tmp/RESULTS.partial.md (bench/RESULTS.md is for full runs)",
    );
  }
}

async function main() {
  if (process.argv.includes("--render")) {
    // Re-render from the committed figures (after a change to bench/report.mjs).
    const results = JSON.parse(
      readFileSync(`${root}bench/results.json`, "utf8"),
    );
    writeFileSync(`${root}bench/RESULTS.md`, renderResults(results));
    updateReadme(results);
    console.log("re-rendered bench/RESULTS.md from bench/results.json");
    return;
  }
  if (kinds.includes("micro")) ensureBenchDependencies();
  const started = new Date();
  const results = {
    date: started.toISOString(),
    quick,
    machine: {
      nproc: cpus().length,
      cpu: cpuModel(),
      loadAverageAtStart: loadavg().map((l) => Number(l.toFixed(2))),
    },
    versions: Object.fromEntries(
      runtimes.map((runtime) => [runtime, version(runtime)]),
    ),
    micro: {},
    server: {},
    memory: {},
  };
  console.log(
    `bench: ${kinds.join(", ")} on ${runtimes.join(", ")}${quick ? " (quick)" : ""}`,
  );
  if (kinds.includes("micro")) await micro(results);
  if (kinds.includes("memory")) {
    for (const runtime of runtimes) {
      console.log(`\n# memory on ${runtime}`);
      results.memory[runtime] = (await runFile(runtime, "bench/memory.ts", gcFlags[runtime]))
        .data.results;
    }
  }
  if (kinds.includes("server")) await server(results);
  if (kinds.includes("werkzeug")) await werkzeug(results);
  results.machine.loadAverageAtEnd = loadavg().map((l) => Number(l.toFixed(2)));
  results.minutes = Number(
    ((Date.now() - started.getTime()) / 60000).toFixed(1),
  );
  writeOutputs(results);
  console.log(`bench: done in ${results.minutes} min`);
}

await main();
