// The pinned server benchmark's load side. For one runtime it starts
// bench/server_app.ts once per variant (each its own process, pinned to CPU 0
// with `taskset -c 0`), then drives each with wrk (pinned to CPU 1, one
// thread, 50 connections, 127.0.0.1) in interleaved rounds (the order rotates
// each round). Per run it records requests/s and the server's own CPU time
// per request: utime + stime of the server process (all its threads) from
// /proc/<pid>/stat, over the measured window, divided by the requests wrk
// completed. Pinning makes the server the bottleneck; CPU per request then
// shows the library's cost even where req/s cannot.
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const app = `${root}bench/server_app.ts`;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const SERVER_CPU = "0";
const CLIENT_CPU = "1";
/** Every variant of bench/server_app.ts; stream-* exist on web servers only. */
export const VARIANTS = [
  "plain",
  "als",
  "contextlocal",
  "stream-plain",
  "stream-als",
  "stream-contextlocal",
];

/** The command that runs `file` on `runtime`, with the tools from node_modules/.bin. */
export function runtimeCommand(runtime, file, extra = [], flags = []) {
  const bin = `${root}node_modules/.bin/`;
  if (runtime === "deno") {
    return [`${bin}deno`, "run", "-A", ...flags, file, ...extra];
  }
  if (runtime === "bun") return [`${bin}bun`, ...flags, file, ...extra];
  return [`${bin}node`, ...flags, file, ...extra];
}

/** Whether `command argv` runs and exits 0. */
const succeeds = (command, argv) => {
  try {
    execFileSync(command, argv, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};
/** Whether `command` exists (whatever its exit code: `wrk -v` exits 1). */
const installed = (command) => {
  try {
    execFileSync(command, ["-v"], { stdio: "ignore" });
  } catch (error) {
    return error.code !== "ENOENT";
  }
  return true;
};

/**
 * Why the pinned benchmark cannot run here, or undefined when it can: it
 * needs wrk, taskset, /proc and two CPUs.
 */
export function serverBenchUnavailable() {
  if (!installed("wrk")) {
    return "wrk is not installed: on Debian/Ubuntu `sudo apt-get install -y wrk` " +
      "(https://github.com/wg/wrk elsewhere); the server benchmark is skipped";
  }
  if (!succeeds("taskset", ["-c", SERVER_CPU, "true"])) {
    return "taskset (util-linux) cannot pin to CPU 0; the server benchmark is skipped";
  }
  if (!succeeds("taskset", ["-c", CLIENT_CPU, "true"])) {
    return "this machine has no CPU 1 to pin the client to; the server benchmark is skipped";
  }
  return undefined;
}

function startServer(runtime, variant) {
  const [cmd, ...argv] = runtimeCommand(runtime, app, [
    `--variant=${variant}`,
    "--port=0",
  ]);
  // taskset execs the runtime, so the child's pid is the server's.
  const child = spawn("taskset", ["-c", SERVER_CPU, cmd, ...argv], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${runtime} ${variant} server did not start: ${out}`));
    }, 30_000);
    const onData = (chunk) => {
      out += chunk;
      const listening = out.match(/listening (\d+)/);
      const skip = out.match(/^skip (.*)$/m);
      if (listening || skip) {
        clearTimeout(timer);
        child.stdout.off("data", onData);
        if (skip) child.kill("SIGKILL");
        resolve({
          child,
          variant,
          port: Number(listening?.[1]),
          skipped: skip?.[1],
        });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk) => (out += chunk));
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(
        new Error(`${runtime} ${variant} server exited with ${code}: ${out}`),
      );
    });
  });
}

function cpuTicks(pid) {
  // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name).
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * Fails unless the server answers "hello world": wrk counts responses, not
 * their bodies, and a streamed body that lost its scope would still be a 200.
 */
async function checkBody(server) {
  const response = await fetch(`http://127.0.0.1:${server.port}/hello`);
  const body = await response.text();
  if (response.status !== 200 || body !== "hello world") {
    throw new Error(`${server.variant}: answered ${response.status} ${JSON.stringify(body)}`);
  }
}

/** Runs wrk pinned to the client CPU and returns its output. */
function wrk(port, seconds, connections) {
  const argv = [
    "-c",
    CLIENT_CPU,
    "wrk",
    "-t1",
    `-c${connections}`,
    // wrk takes whole seconds only.
    `-d${Math.max(1, Math.round(seconds))}s`,
    `http://127.0.0.1:${port}/hello`,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn("taskset", argv, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (out += chunk));
    child.on(
      "close",
      (code) => (code === 0 ? resolve(out) : reject(new Error(out))),
    );
  });
}

/** requests, requests/s and failures from wrk's report. */
export function parseWrk(out) {
  const requests = Number(out.match(/(\d+) requests in/)?.[1]);
  const rps = Number(out.match(/Requests\/sec:\s*([\d.]+)/)?.[1]);
  if (!Number.isFinite(requests) || !Number.isFinite(rps)) {
    throw new Error(`could not read wrk's report: ${out}`);
  }
  const non2xx = Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0);
  const socket = out.match(
    /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/,
  );
  const errors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return { requests, rps, failures: non2xx + errors };
}

async function load(server, seconds, connections) {
  const before = cpuTicks(server.child.pid);
  const out = await wrk(server.port, seconds, connections);
  const cpuSeconds = (cpuTicks(server.child.pid) - before) / TICKS_PER_SECOND;
  const { requests, rps, failures } = parseWrk(out);
  if (failures > 0) {
    throw new Error(`${server.variant}: ${failures} failed requests\n${out}`);
  }
  return { rps, requests, cpuUsPerRequest: (cpuSeconds * 1e6) / requests };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const spread = (values) => ({
  median: median(values),
  min: Math.min(...values),
  max: Math.max(...values),
});

/** Pairs of variants whose CPU per request is compared within each round: [name, over, under]. */
export const SERVER_RATIOS = [
  ["als / plain", "als", "plain"],
  ["contextlocal / plain", "contextlocal", "plain"],
  ["contextlocal / als", "contextlocal", "als"],
  ["stream-als / stream-plain", "stream-als", "stream-plain"],
  ["stream-contextlocal / stream-als", "stream-contextlocal", "stream-als"],
  ["stream-contextlocal / contextlocal", "stream-contextlocal", "contextlocal"],
];

/**
 * Runs the pinned server benchmark on one runtime.
 * @returns {Promise<object>} per variant: req/s and CPU µs/request (median,
 * min, max over rounds); per pair: the CPU ratio within each round; every run.
 */
export async function serverBench(
  runtime,
  { rounds, seconds, warmupSeconds, connections, log },
) {
  const servers = [];
  const skipped = {};
  try {
    for (const variant of VARIANTS) {
      const server = await startServer(runtime, variant);
      if (server.skipped === undefined) {
        servers.push(server);
        await checkBody(server);
      } else {
        skipped[variant] = server.skipped;
        log(`  ${runtime} ${variant}: skipped (${server.skipped})`);
      }
    }
    for (const server of servers) {
      await load(server, warmupSeconds, connections);
    }
    const runs = Object.fromEntries(servers.map((s) => [s.variant, []]));
    for (let round = 0; round < rounds; round++) {
      // Rotate the order, so no variant always runs first (or right after another).
      const shift = round % servers.length;
      for (
        const server of [...servers.slice(shift), ...servers.slice(0, shift)]
      ) {
        const run = await load(server, seconds, connections);
        runs[server.variant][round] = run;
        log(
          `  ${runtime} round ${round + 1} ${server.variant.padEnd(20)} ${
            run.rps.toFixed(0).padStart(7)
          } req/s, server CPU ${run.cpuUsPerRequest.toFixed(2)} µs/request`,
        );
      }
    }
    const variants = Object.fromEntries(
      Object.entries(runs).map(([variant, list]) => [variant, {
        rps: spread(list.map((r) => r.rps)),
        cpuUsPerRequest: spread(list.map((r) => r.cpuUsPerRequest)),
        requests: list.reduce((sum, r) => sum + r.requests, 0),
      }]),
    );
    // Ratios are paired within each round (the variants run back to back),
    // so load from elsewhere that drifts between rounds cancels out.
    const ratios = {};
    for (const [name, over, under] of SERVER_RATIOS) {
      if (!runs[over] || !runs[under]) continue;
      ratios[name] = {
        cpu: spread(
          runs[over].map((run, i) => run.cpuUsPerRequest / runs[under][i].cpuUsPerRequest),
        ),
        rps: spread(runs[over].map((run, i) => run.rps / runs[under][i].rps)),
      };
    }
    return { rounds, seconds, connections, variants, ratios, skipped, runs };
  } finally {
    for (const server of servers) server.child.kill("SIGKILL");
  }
}
