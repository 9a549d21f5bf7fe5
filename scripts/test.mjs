// `npm test`: every test and check, on every runtime. Installs the dev tools
// first (scripts/ensure-tools.mjs), then runs the node:test suite in tests/
// under Deno, Bun and Node 26, the JSDoc examples, and Deno's type check,
// linter, formatter, doc linter and publish dry run. Prints one closing line
// "total: N passed, N failed, N skipped" and exits non-zero on any failure.
//
// Usage: node scripts/test.mjs [deno|bun|node|checks ...]  (default: all)
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import "./ensure-tools.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = `${root}node_modules/.bin`;
const env = {
  ...process.env,
  PATH: `${bin}:${process.env.PATH}`,
  NO_COLOR: "1",
  DENO_NO_UPDATE_CHECK: "1",
};
const exported = [
  "mod.ts",
  "local.ts",
  "stack.ts",
  "proxy.ts",
  "release.ts",
  "manager.ts",
  "scope.ts",
  "stream.ts",
];

const present = (paths) => paths.filter((path) => existsSync(join(root, path)));
const scratch = mkdtempSync(join(tmpdir(), "contextlocal-test-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));
const junit = (name) => join(scratch, `${name}.xml`);

/** Each step: a command and how to read its pass/fail/skip counts. */
const steps = {
  deno: [
    [
      "deno tests",
      ["deno", "test", "-A", "--no-check=remote", `--junit-path=${junit("deno")}`, "tests/"],
      () => denoCounts(junit("deno")),
    ],
    [
      "deno doc examples",
      ["deno", "test", "--doc", "-A", `--junit-path=${junit("doc")}`, ...exported],
      () => denoCounts(junit("doc")),
    ],
  ],
  bun: [["bun tests", ["bun", "test", "--timeout", "120000", "tests/"], bunCounts]],
  node: [["node tests", ["node", "--test", "--test-reporter=spec", "tests/"], nodeCounts]],
  checks: [
    ["deno check", ["deno", "check", ...present(["mod.ts", "tests/", "examples/", "bench/"])]],
    ["deno check README", ["deno", "check", "--doc-only", "README.md"]],
    ["deno lint", ["deno", "lint"]],
    ["deno fmt", ["deno", "fmt", "--check"]],
    ["deno doc --lint", ["deno", "doc", "--lint", ...exported]],
    ["deno publish --dry-run", ["deno", "publish", "--dry-run", "--allow-dirty"]],
  ],
};

/**
 * Deno's summary counts a `describe` as one test with steps, so the leaf
 * tests are read from its JUnit report instead: every test case that is not
 * the parent ("name > ...") of another one.
 */
function denoCounts(junitPath) {
  let xml;
  try {
    xml = readFileSync(junitPath, "utf8");
  } catch {
    return null;
  }
  const unescape = (text) =>
    text.replace(
      /&(gt|lt|quot|apos|amp);/g,
      (_, e) => ({ gt: ">", lt: "<", quot: '"', apos: "'", amp: "&" })[e],
    );
  const cases = [...xml.matchAll(/<testcase name="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)]
    .map((m) => ({ name: unescape(m[1]), body: m[3] ?? "" }));
  const parents = new Set();
  for (const { name } of cases) {
    const parts = name.split(" > ");
    for (let i = 1; i < parts.length; i++) parents.add(parts.slice(0, i).join(" > "));
  }
  const tally = { passed: 0, failed: 0, skipped: 0 };
  for (const { name, body } of cases) {
    if (parents.has(name)) continue;
    if (body.includes("<failure")) tally.failed++;
    else if (body.includes("<skipped")) tally.skipped++;
    else tally.passed++;
  }
  return tally;
}
function bunCounts(out) {
  const get = (word) => +(out.match(new RegExp(`^\\s*(\\d+) ${word}$`, "m"))?.[1] ?? 0);
  return /^\s*\d+ pass$/m.test(out)
    ? { passed: get("pass"), failed: get("fail"), skipped: get("skip") }
    : null;
}
function nodeCounts(out) {
  const get = (word) => +(out.match(new RegExp(`^ℹ ${word} (\\d+)$`, "m"))?.[1] ?? 0);
  return /^ℹ pass \d+$/m.test(out)
    ? {
      passed: get("pass"),
      failed: get("fail") + get("cancelled"),
      skipped: get("skipped") + get("todo"),
    }
    : null;
}

function run([name, argv, counts]) {
  return new Promise((resolve) => {
    console.log(`\n=== ${name}: ${argv.join(" ")}`);
    const started = Date.now();
    const child = spawn(argv[0], argv.slice(1), {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const collect = (stream, sink) =>
      stream.on("data", (chunk) => {
        out += chunk;
        sink.write(chunk);
      });
    collect(child.stdout, process.stdout);
    collect(child.stderr, process.stderr);
    child.on("close", (code) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      // A check (no counts) adds to the total only when it fails.
      const tally = counts ? counts(out) : { passed: 0, failed: 0, skipped: 0 };
      // A failing command always counts as at least one failure.
      if (tally !== null && code !== 0 && tally.failed === 0) tally.failed = 1;
      if (tally === null) {
        resolve({
          name,
          ok: false,
          seconds,
          tally: { passed: 0, failed: 1, skipped: 0 },
          note: "no test summary found",
        });
      } else {
        resolve({ name, ok: code === 0 && tally.failed === 0, seconds, tally });
      }
    });
  });
}

const wanted = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(steps);
const results = [];
for (const group of wanted) {
  if (!steps[group]) {
    console.error(`unknown step group ${group}; expected one of ${Object.keys(steps).join(", ")}`);
    process.exit(2);
  }
  for (const step of steps[group]) results.push(await run(step));
}

console.log("\n=== summary");
const total = { passed: 0, failed: 0, skipped: 0 };
for (const { name, ok, seconds, tally, note } of results) {
  for (const key of Object.keys(total)) total[key] += tally[key];
  console.log(
    `${ok ? "ok  " : "FAIL"} ${
      name.padEnd(24)
    } ${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped (${seconds}s)${
      note ? ` — ${note}` : ""
    }`,
  );
}
console.log(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
