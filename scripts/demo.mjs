// `npm start`: the demo. Starts the Deno.serve example (examples/deno_serve.ts,
// with the deno binary from node_modules) on 127.0.0.1, drives it for a few
// seconds with ~100 requests in flight, each with its own id, and prints what
// came back: requests, concurrency, errors, cross-talk, latency. Exits 0 only
// when every response echoed its own id through every global.
//
// Usage: npm start [-- --serve] [--port N] [--seconds S] [--concurrency C]
//   --serve   keep serving after the report (Ctrl-C stops), with curl examples
//   --port N  listen on N (default: a free port)
//
// Runs on the machine's Node (>= 20); the tools come from npm (ensure-tools).
import "./ensure-tools.mjs";
import { execFileSync } from "node:child_process";
import { runLoad } from "../examples/load/client.mjs";
import { startServer } from "../examples/load/server.mjs";
import { root, tool } from "./tools.mjs";

const deno = tool("deno");

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`--${name} needs a number, got ${process.argv[at + 1]}`);
    process.exit(2);
  }
  return value;
}
const serve = process.argv.includes("--serve");
const port = option("port", 0);
const seconds = option("seconds", 4);
const concurrency = option("concurrency", 100);

const denoVersion = execFileSync(deno, ["--version"], { encoding: "utf8" }).split("\n")[0];
const server = await startServer({
  command: deno,
  args: ["run", "--allow-net", "--allow-env", "examples/deno_serve.ts"],
  cwd: root,
  env: { ...process.env, PORT: String(port), NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
});
let stopping = false;
const stopAndExit = async (code) => {
  stopping = true;
  await server.stop();
  process.exit(code);
};
// Ctrl-C while serving is the normal way out; during the load run it is not.
let interrupted = 130;
process.once("SIGINT", () => stopAndExit(interrupted));
process.once("SIGTERM", () => stopAndExit(interrupted));

console.log(`contextlocal demo: examples/deno_serve.ts on ${denoVersion}, ${server.url}`);
console.log(
  `Driving POST /echo for ${seconds} s, ${concurrency} requests in flight. Each request carries ` +
    "its own id in the URL, a header, the bearer token, the session cookie and the JSON body; " +
    "the server reads them back through request, g (set by an auth helper after an await), " +
    "session and currentApp, several awaits deep.\n",
);
const r = await runLoad({ baseUrl: server.url, durationMs: seconds * 1000, concurrency });
const ms = (x) => `${x.toFixed(1)} ms`;
console.log(
  `  requests     ${r.sent} in ${(r.wallMs / 1000).toFixed(1)} s (${
    Math.round(r.requestsPerSecond)
  } req/s)`,
);
console.log(
  `  concurrency  ${r.maxInFlight} in flight (the server handled up to ${r.maxServerInFlight} at once)`,
);
console.log(`  errors       ${r.errors}, lost ${r.lost}`);
console.log(
  `  cross-talk   ${r.crossTalk}  (${r.ok} of ${r.sent} responses echoed their own id everywhere)`,
);
console.log(`  latency      p50 ${ms(r.p50Ms)}, p99 ${ms(r.p99Ms)}, max ${ms(r.maxMs)}`);
for (const problem of r.problems) console.log(`  ! ${problem}`);
const good = r.sent > 0 && r.ok === r.sent;
console.log(good ? "\nok: every request saw only its own globals." : "\nFAILED: see above.");

if (!serve) await stopAndExit(good ? 0 : 1);
interrupted = good ? 0 : 1;

console.log(`
Still serving on ${server.url} (Ctrl-C stops). Try:
  curl ${server.url}
  curl -H 'authorization: Bearer ada' -H 'cookie: session=s1' ${server.url}whoami
  curl -X POST '${server.url}echo?id=42&delay=20' -H 'x-request-id: 42' \\
    -H 'authorization: Bearer 42' -H 'cookie: session=42' -H 'x-tenant: tenant-3' -d '{"id":"42"}'`);
server.exited.then((code) => {
  if (stopping) return;
  console.log(`the server exited (${code})`);
  process.exit(code ?? 1);
});
