// Installs the dev tools (Deno, Bun, Node 26, workerd, esbuild, TypeScript
// and the test libraries) from the npm registry when node_modules does not
// match package-lock.json. Runs on the machine's own Node (>= 20).
//
// `npm ci`: the committed lock holds every platform's optional binary
// packages (@deno/*, @oven/bun-*, @cloudflare/workerd-*, node-*), so it
// installs exactly the locked versions on linux, macOS and Windows and never
// rewrites the lock. Without a lock (a contributor regenerating it) it is
// `npm install`. The benchmarks' own dependencies are in bench/package.json.
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { root, tool } from "./tools.mjs";

const lockPath = join(root, "package-lock.json");
const modulesPath = join(root, "node_modules");
const installedPath = join(modulesPath, ".package-lock.json");

function installedMatchesLock() {
  if (!existsSync(installedPath)) return false;
  const wanted = JSON.parse(readFileSync(lockPath, "utf8")).packages ?? {};
  const installed = JSON.parse(readFileSync(installedPath, "utf8")).packages ?? {};
  for (const [path, info] of Object.entries(wanted)) {
    if (path === "" || info.optional) continue;
    if (installed[path]?.version !== info.version) return false;
  }
  return true;
}

if (!existsSync(lockPath) || !installedMatchesLock()) {
  // `npm ci` replaces node_modules; through a symlink it would replace a
  // shared install that other checkouts use.
  if (existsSync(modulesPath) && lstatSync(modulesPath).isSymbolicLink()) {
    console.error(
      "node_modules is a symlink and does not match package-lock.json; not installing " +
        "through it. Remove the symlink (rm node_modules) and run npm test again.",
    );
    process.exit(1);
  }
  const command = existsSync(lockPath) ? "ci" : "install";
  console.log(`Installing dev tools from the npm registry (npm ${command})...`);
  execFileSync("npm", [command, "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: root,
    stdio: "inherit",
    shell: process.platform === "win32",
  });
}
// Fail here, with the name of the missing package, rather than mid-test.
try {
  for (const name of ["deno", "bun", "node"]) tool(name);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
