// `npm run build:npm`: the npm package, built from the same TypeScript source
// that JSR publishes. Compiles the modules that deno.json exports (and what
// they import) to ESM JavaScript plus `.d.ts` with TypeScript's compiler into
// dist/npm/ (git-ignored), and writes its package.json from deno.json: the
// same entry points, name, version, license and repository, so an entry point added to
// deno.json appears in the npm package too. README.md and LICENSE go along.
//
// The JavaScript targets ES2022 so that it runs on Node >= 20 (the source
// runs unbuilt only on Node >= 22.18, which strips types); `push()`'s
// Disposable uses `Symbol.dispose`, which Node 20 defines.
//
// Usage: node scripts/build_npm.mjs   (prints the output folder)
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "./tools.mjs";

export const outDir = join(root, "dist", "npm");
const DESCRIPTION = "Context-local state for JavaScript servers (werkzeug.local for JS): Local, " +
  "LocalStack, LocalProxy, releaseLocal and LocalManager on AsyncLocalStorage.";

const deno = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));
const repository = deno.repository;

/** `"./local.ts"` -> `"./local.js"` (or `.d.ts`). */
const compiled = (source, extension) => source.replace(/\.ts$/, extension);

/** The package.json of the npm package, from deno.json. */
export function manifest() {
  const exports = Object.fromEntries(
    Object.entries(deno.exports).map(([entry, source]) => [
      entry,
      { types: compiled(source, ".d.ts"), default: compiled(source, ".js") },
    ]),
  );
  return {
    name: deno.name,
    version: deno.version,
    description: DESCRIPTION,
    keywords: ["asynclocalstorage", "context", "werkzeug", "local", "request", "middleware"],
    license: deno.license,
    repository: { type: "git", url: `git+${repository}.git` },
    homepage: `https://jsr.io/${deno.name}`,
    bugs: `${repository}/issues`,
    type: "module",
    exports,
    main: exports["."].default,
    types: exports["."].types,
    files: ["*.js", "*.d.ts"],
    sideEffects: false,
    engines: { node: ">=20" },
    publishConfig: { access: "public", provenance: true },
  };
}

function compile() {
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const sources = Object.values(deno.exports).map((source) => join(root, source));
  execFileSync(process.execPath, [
    tsc,
    ...["--rootDir", root, "--outDir", outDir],
    ...["--target", "ES2022", "--module", "NodeNext", "--moduleResolution", "NodeNext"],
    "--rewriteRelativeImportExtensions",
    ...["--declaration", "--strict", "--skipLibCheck", "--types", "node"],
    ...["--removeComments", "false", "--newLine", "lf"],
    ...sources,
  ], { cwd: root, stdio: "inherit" });
}

/**
 * tsc rewrites `./x.ts` to `./x.js` in the JavaScript but keeps it in the
 * declarations; `.js` is what a consumer's resolver finds beside them.
 */
function rewriteDeclarationImports() {
  for (const file of readdirSync(outDir).filter((name) => name.endsWith(".d.ts"))) {
    const path = join(outDir, file);
    const text = readFileSync(path, "utf8");
    writeFileSync(path, text.replace(/(["'])(\.\.?\/[^"'\n]+)\.ts\1/g, "$1$2.js$1"));
  }
}

export function buildNpm() {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  compile();
  rewriteDeclarationImports();
  writeFileSync(join(outDir, "package.json"), JSON.stringify(manifest(), null, 2) + "\n");
  for (const file of ["README.md", "LICENSE"]) copyFileSync(join(root, file), join(outDir, file));
  return outDir;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(buildNpm());
