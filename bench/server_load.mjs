// The server benchmark's load side: starts bench/server_app.ts twice per
// runtime (plain and contextlocal, as separate processes), then drives them
// with autocannon in alternating rounds (A B, B A, ...) and reports the median
// requests/s of each, their ratio, and the server CPU time per request read
// from /proc (which still shows the library's cost when the client, sharing
// the machine's cores, is the bottleneck).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const root = fileURLToPath(new URL("..", import.meta.url));
const app = `${root}bench/server_app.ts`;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux
/** A: no context; control: a hand-written AsyncLocalStorage; B: contextlocal. */
const VARIANTS = ["plain", "als", "contextlocal"];

/** The command that runs `file` on `runtime`, with the tools from node_modules/.bin. */
export function runtimeCommand(runtime, file, extra = [], flags = []) {
  const bin = `${root}node_modules/.bin/`;
  if (runtime === "deno") return [`${bin}deno`, "run", "-A", ...flags, file, ...extra];
  if (runtime === "bun") return [`${bin}bun`, ...flags, file, ...extra];
  return [`${bin}node`, ...flags, file, ...extra];
}

function startServer(runtime, variant) {
  const [cmd, ...argv] = runtimeCommand(runtime, app, [`--variant=${variant}`, "--port=0"]);
  const child = spawn(cmd, argv, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${runtime} ${variant} server did not start: ${out}`));
    }, 30_000);
    const onData = (chunk) => {
      out += chunk;
      const match = out.match(/listening (\d+)/);
      if (match) {
        clearTimeout(timer);
        child.stdout.off("data", onData);
        resolve({ child, port: Number(match[1]), variant });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk) => (out += chunk));
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${runtime} ${variant} server exited with ${code}: ${out}`));
    });
  });
}

function cpuTicks(pid) {
  // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name).
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

async function load(server, seconds, connections) {
  const before = cpuTicks(server.child.pid);
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}/hello`,
    connections,
    duration: seconds,
  });
  const cpuSeconds = (cpuTicks(server.child.pid) - before) / TICKS_PER_SECOND;
  const failures = result.errors + result.timeouts + result.non2xx;
  if (failures > 0) throw new Error(`${server.variant}: ${failures} failed requests`);
  return {
    rps: result.requests.average,
    cpuUsPerRequest: (cpuSeconds * 1e6) / result.requests.total,
  };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Runs the A/B server benchmark on one runtime.
 * @returns {Promise<object>} medians, ratio and every round's figures.
 */
export async function serverBench(runtime, { rounds, seconds, warmupSeconds, connections, log }) {
  const servers = [];
  try {
    for (const variant of VARIANTS) servers.push(await startServer(runtime, variant));
    for (const server of servers) await load(server, warmupSeconds, connections);
    const runs = Object.fromEntries(VARIANTS.map((variant) => [variant, []]));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? servers : [...servers].reverse();
      for (const server of order) {
        const run = await load(server, seconds, connections);
        runs[server.variant].push(run);
        log(
          `  ${runtime} round ${round + 1} ${server.variant.padEnd(12)} ${
            run.rps.toFixed(0).padStart(7)
          } req/s, server CPU ${run.cpuUsPerRequest.toFixed(1)} µs/request`,
        );
      }
    }
    const rps = (variant) => median(runs[variant].map((r) => r.rps));
    const cpu = (variant) => median(runs[variant].map((r) => r.cpuUsPerRequest));
    // Ratios are paired within each round (the variants run back to back),
    // then the median is taken, so load from elsewhere that drifts between
    // rounds cancels out.
    const paired = (variant, field) =>
      median(runs[variant].map((run, i) => run[field] / runs.plain[i][field]));
    const variants = Object.fromEntries(VARIANTS.map((variant) => [variant, {
      rps: rps(variant),
      cpuUsPerRequest: cpu(variant),
      rpsRatio: paired(variant, "rps"),
      cpuRatio: paired(variant, "cpuUsPerRequest"),
    }]));
    return { rounds, seconds, connections, variants, runs };
  } finally {
    for (const server of servers) server.child.kill("SIGKILL");
  }
}
