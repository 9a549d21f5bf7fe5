// The npm package test (a step of `npm test`): builds the package
// (scripts/build_npm.mjs), packs it with `npm pack`, checks that the tarball
// holds only what a user needs, installs it offline into a scratch project
// and there runs tests/npm_package/smoke.mjs on the machine's own Node (20 in
// CI), Node 26, Bun and Deno (through `npm:` specifiers), and type-checks
// tests/npm_package/consumer.ts against the emitted .d.ts with `tsc --strict`.
// CONTEXTLOCAL_NPM_NODES="22 24" also runs the smoke test on those Node lines.
// Prints one "ok <name>" / "not ok <name>" line per case.
import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { buildNpm } from "./build_npm.mjs";
import { machineNode, NODE_PACKAGES, root, tool, toolEnv } from "./tools.mjs";

const env = toolEnv();
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const fixtures = join(root, "tests", "npm_package");
const scratch = mkdtempSync(join(tmpdir(), "contextlocal-npm-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));

let failed = 0;
function report(name, error) {
  if (error === undefined) {
    console.log(`ok ${name}`);
  } else {
    failed++;
    console.log(`not ok ${name}: ${error}`);
  }
}

/** Runs a command in the scratch project; its output is echoed, its status returned. */
function runIn(cwd, command, args) {
  const result = spawnSync(command, args, {
    cwd,
    env,
    encoding: "utf8",
    shell: process.platform === "win32",
  });
  // Indented, so that only this script's own lines start with "ok"/"not ok".
  const indent = (text) => (text ?? "").replace(/^(?=.)/gm, "    ");
  process.stdout.write(indent(result.stdout));
  process.stderr.write(indent(result.stderr));
  return result.error ?? (result.status === 0 ? undefined : `exit ${result.status}`);
}

const outDir = buildNpm();
const [packed] = JSON.parse(
  execFileSync(npm, ["pack", "--json", "--pack-destination", scratch], {
    cwd: outDir,
    env,
    encoding: "utf8",
    shell: process.platform === "win32",
  }),
);
const listed = packed.files.map((file) => file.path).sort();
console.log(`# ${packed.filename}: ${packed.size} bytes, ${listed.length} files`);
const modules = readdirSync(outDir).filter((name) => /\.(d\.ts|js)$/.test(name));
const expected = [...modules, "LICENSE", "README.md", "package.json"].sort();
report(
  "npm pack lists only the compiled modules, their .d.ts, package.json, README.md and LICENSE",
  JSON.stringify(listed) === JSON.stringify(expected)
    ? undefined
    : `listed ${listed.join(", ")}; expected ${expected.join(", ")}`,
);
const sources = readdirSync(outDir).filter((name) => /(?<!\.d)\.ts$/.test(name));
report(
  "the package holds no TypeScript source",
  sources.length === 0 ? undefined : `found ${sources.join(", ")}`,
);

const project = join(scratch, "project");
mkdirSync(project);
writeFileSync(join(project, "package.json"), '{ "private": true, "type": "module" }\n');
report(
  "the tarball installs offline into a fresh project",
  runIn(project, npm, [
    "install",
    "--offline",
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
    join(scratch, packed.filename),
  ]),
);

copyFileSync(join(fixtures, "smoke.mjs"), join(project, "smoke.mjs"));
// Deno imports the package through `npm:` specifiers, from the project's node_modules.
const smoke = readFileSync(join(fixtures, "smoke.mjs"), "utf8");
writeFileSync(
  join(project, "smoke_deno.mjs"),
  smoke.replaceAll('"@contextlocal/contextlocal', '"npm:@contextlocal/contextlocal'),
);
const version = (command) =>
  execFileSync(command, ["--version"], { env, encoding: "utf8" }).split("\n")[0].trim();
const runtimes = [
  [`the machine's Node ${version(machineNode())}`, machineNode(), ["smoke.mjs"]],
  [`Node ${version(tool("node"))}`, tool("node"), ["smoke.mjs"]],
  [`Bun ${version(tool("bun"))}`, tool("bun"), ["smoke.mjs"]],
  [version(tool("deno")).split(" (")[0], tool("deno"), [
    "run",
    "--allow-net",
    "--allow-env",
    "--node-modules-dir=manual",
    "smoke_deno.mjs",
  ]],
];
runtimes.push(...extraNodes());
for (const [name, command, args] of runtimes) {
  console.log(`# smoke test on ${name}`);
  report(`the smoke test passes on ${name}`, runIn(project, command, args));
}

/**
 * CONTEXTLOCAL_NPM_NODES="22 24" adds the Node LTS lines, installed for this
 * run only from the registry (each is ~52 MB to download and ~187 MB
 * unpacked, too much for every install: they are not dev dependencies).
 */
function extraNodes() {
  const majors = (process.env.CONTEXTLOCAL_NPM_NODES ?? "").split(/[\s,]+/).filter(Boolean);
  const name = NODE_PACKAGES[`${process.platform}-${process.arch}`];
  return majors.map((major) => {
    const dir = join(scratch, `node-${major}`);
    mkdirSync(dir);
    execFileSync(npm, ["install", "--no-save", "--no-audit", "--no-fund", `${name}@${major}`], {
      cwd: dir,
      env,
      stdio: "ignore",
      shell: process.platform === "win32",
    });
    const manifest = join(dir, "node_modules", name, "package.json");
    const node = join(dirname(manifest), JSON.parse(readFileSync(manifest, "utf8")).bin.node);
    return [`Node ${version(node)}`, node, ["smoke.mjs"]];
  });
}

copyFileSync(join(fixtures, "consumer.ts"), join(project, "consumer.ts"));
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
report(
  "a consumer .ts file type-checks against the emitted .d.ts with tsc --strict",
  runIn(project, process.execPath, [
    tsc,
    ...["--strict", "--noEmit"],
    ...["--target", "ES2022", "--module", "NodeNext", "--moduleResolution", "NodeNext"],
    ...["--lib", "ES2022,DOM,ESNext.Disposable"],
    ...["--types", "node", "--typeRoots", join(root, "node_modules", "@types")],
    "consumer.ts",
  ]),
);
process.exit(failed === 0 ? 0 : 1);
