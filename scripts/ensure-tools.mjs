// Installs the dev tools (deno, bun, node 26, typescript, test and bench
// dependencies) from the npm registry when node_modules does not match
// package-lock.json. Runs on the machine's own Node (>= 20).
//
// `npm install` rather than `npm ci`: the lock file holds only this platform's
// binary packages (the registry mirror here has no others), and `npm ci`
// refuses a lock file that lacks any optional dependency. With the lock file
// present, `npm install` installs exactly the locked versions.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const lockPath = `${root}/package-lock.json`;
const installedPath = `${root}/node_modules/.package-lock.json`;

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

if (!installedMatchesLock()) {
  console.log("Installing dev tools from the npm registry (npm install)...");
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: root,
    stdio: "inherit",
  });
}
