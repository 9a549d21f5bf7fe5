// `npm test`: every test and check, on every runtime. Installs the dev tools
// first (scripts/ensure-tools.mjs), then runs the node:test suite in tests/
// under Deno, Bun and Node 26, the JSDoc examples, the npm package test
// (scripts/test_npm_package.mjs), and Deno's type check, linter, formatter,
// doc linter and publish dry run, and checks that the run left `git status`
// as it found it. Prints one closing line "total: N passed, N failed,
// N skipped" and exits non-zero on any failure.
//
// Usage: node scripts/test.mjs [deno|bun|node|npm|checks ...]  (default: all)
import { execFileSync, spawn } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "./ensure-tools.mjs";
import { root, tool, toolEnv } from "./tools.mjs";

const env = toolEnv();
const deno = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));
const exported = [...new Set(Object.values(deno.exports))];
// The JSDoc examples of the published docs: the entry points' and those of
// internal files whose types the entry points re-export (LocalOptions).
const documented = [
  ...exported,
  ...readdirSync(root).filter((file) =>
    file.startsWith("_") && file.endsWith(".ts") &&
    readFileSync(join(root, file), "utf8").includes("@example")
  ),
];

const present = (paths) => paths.filter((path) => existsSync(join(root, path)));
const scratch = mkdtempSync(join(tmpdir(), "contextlocal-test-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));
const junit = (name) => join(scratch, `${name}.xml`);

/** `git status --porcelain` of the whole repository (what `deno publish` calls dirty). */
function gitStatus() {
  return execFileSync("git", ["status", "--porcelain", "--untracked-files=all"], {
    cwd: root,
    encoding: "utf8",
  });
}
const statusAtStart = gitStatus();

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
      ["deno", "test", "--doc", "-A", `--junit-path=${junit("doc")}`, ...documented],
      () => denoCounts(junit("doc")),
    ],
  ],
  bun: [["bun tests", ["bun", "test", "--timeout", "120000", "tests/"], bunCounts]],
  node: [["node tests", ["node", "--test", "--test-reporter=spec", "tests/"], nodeCounts]],
  npm: [["npm package", [process.execPath, "scripts/test_npm_package.mjs"], tapCounts]],
  checks: [
    // bench/ is type-checked by `npm run bench`, which installs its dependencies.
    ["deno check", ["deno", "check", ...present(["mod.ts", "tests/", "examples/", "bench/"])]],
    ["deno check README", ["deno", "check", "--doc-only", "README.md"]],
    ["deno lint", ["deno", "lint"]],
    ["deno fmt", ["deno", "fmt", "--check"]],
    ["deno doc --lint", ["deno", "doc", "--lint", ...exported]],
    publishStep(),
  ],
};

/**
 * `deno publish --dry-run`, which refuses a repository with uncommitted or
 * untracked files. On a clean tree (CI's fresh clone) it runs here; while you
 * have uncommitted work it runs on a committed copy of your working tree, so
 * the check still sees your changes without `--allow-dirty`.
 */
function publishStep() {
  const argv = ["deno", "publish", "--dry-run"];
  if (statusAtStart === "") return ["deno publish --dry-run", argv];
  return ["deno publish --dry-run", argv, null, snapshot];
}

/** A one-commit git repository in `scratch` holding the working tree (minus ignored files). */
function snapshot() {
  const copy = join(scratch, "publish");
  console.log(`uncommitted work in the tree: the dry run runs on a committed copy, ${copy}`);
  const files = execFileSync(
    "git",
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    { cwd: root, encoding: "utf8" },
  ).split("\0").filter((file) => file !== "" && existsSync(join(root, file)));
  for (const file of files) cpSync(join(root, file), join(copy, file));
  const git = (...args) => execFileSync("git", args, { cwd: copy, stdio: "ignore" });
  git("init", "-q");
  git("add", "-A");
  git("-c", "user.name=test", "-c", "user.email=test@localhost", "commit", "-qm", "snapshot");
  // The type check needs @types/node; a symlink the copy's git does not see.
  symlinkSync(join(root, "node_modules"), join(copy, "node_modules"), "junction");
  appendFileSync(join(copy, ".git", "info", "exclude"), "node_modules\n");
  return copy;
}

/** The npm package test prints one "ok <name>" / "not ok <name>" line per case. */
function tapCounts(out) {
  const passed = out.match(/^ok /gm)?.length ?? 0;
  const failed = out.match(/^not ok /gm)?.length ?? 0;
  return passed + failed > 0 ? { passed, failed, skipped: 0 } : null;
}

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

/** `argv[0]` is a dev tool's name ("deno", "bun", "node") or an absolute path. */
function run([name, argv, counts, where = root]) {
  return new Promise((resolve) => {
    console.log(`\n=== ${name}: ${argv.join(" ")}`);
    const started = Date.now();
    const command = argv[0].includes("/") || argv[0].includes("\\") ? argv[0] : tool(argv[0]);
    const child = spawn(command, argv.slice(1), {
      cwd: typeof where === "function" ? where() : where,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      shell: process.platform === "win32", // the tools in node_modules/.bin are .cmd files there
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

// Last: a test that leaves a file in the tree (or an install that rewrites the
// lock) makes a fresh clone dirty, and `deno publish` refuses a dirty tree.
const statusAtEnd = gitStatus();
const before = new Set(statusAtStart.split("\n"));
const added = statusAtEnd.split("\n").filter((line) => line !== "" && !before.has(line));
if (added.length > 0) {
  console.log(`\n=== git status changed during the run:\n${added.join("\n")}`);
}
results.push({
  name: "git status unchanged",
  ok: added.length === 0,
  seconds: "0.0",
  tally: { passed: 0, failed: added.length === 0 ? 0 : 1, skipped: 0 },
  note: added.length === 0 ? undefined : `the run changed ${added.length} path(s); see above`,
});

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
