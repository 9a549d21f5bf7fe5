// Bundles worker.ts with esbuild into a temporary directory next to a copy of
// config.capnp, and serves it with the real workerd binary from node_modules.
//
//     node examples/workerd/serve.mjs [other_worker.ts] [--port 8000]
//
// The tests start a worker with `startWorker(entry)`.
import { spawn } from "node:child_process";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { startServer } from "../load/server.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
/** The workerd executable installed by the `workerd` npm package. */
export const workerdBin = fileURLToPath(
  new URL("../../node_modules/.bin/workerd", import.meta.url),
);

/**
 * Writes `worker.js` (the bundle of `entry`, by default this example's
 * worker.ts) and `config.capnp` into a new temporary directory.
 *
 * @param {string} [entry] The worker module to bundle (a file path).
 * @returns {Promise<{ dir: string, config: string, remove: () => Promise<void> }>}
 */
export async function prepareWorker(entry = join(here, "worker.ts")) {
  const dir = await mkdtemp(join(tmpdir(), "contextlocal-workerd-"));
  await build({
    entryPoints: [entry],
    outfile: join(dir, "worker.js"),
    bundle: true,
    format: "esm",
    platform: "neutral",
    external: ["node:*"],
    logLevel: "warning",
  });
  await copyFile(join(here, "config.capnp"), join(dir, "config.capnp"));
  return {
    dir,
    config: join(dir, "config.capnp"),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * The arguments that serve `config` on 127.0.0.1:`port` (0: any free port,
 * reported as JSON on descriptor 3).
 *
 * @param {string} config
 * @param {number} port
 * @returns {string[]}
 */
export function workerdArgs(config, port) {
  return ["serve", config, "--socket-addr", `http=127.0.0.1:${port}`, "--control-fd", "3"];
}

/**
 * Bundles `entry` and serves it with workerd on a free port of 127.0.0.1;
 * the server's `stop()` also removes the bundle.
 *
 * @param {string} [entry] The worker module (a file path; default: worker.ts).
 * @returns {Promise<import("../load/server.mjs").RunningServer>}
 */
export async function startWorker(entry) {
  const worker = await prepareWorker(entry);
  try {
    const server = await startServer({
      command: workerdBin,
      args: workerdArgs(worker.config, 0),
      controlFd: true,
    });
    return {
      ...server,
      stop: async () => {
        await server.stop();
        await worker.remove();
      },
    };
  } catch (error) {
    await worker.remove();
    throw error;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf("--port");
  const port = at === -1 ? 8000 : Number(process.argv[at + 1]);
  const entry = process.argv[2]?.endsWith(".ts") ? process.argv[2] : undefined;
  const { config, remove } = await prepareWorker(entry);
  const child = spawn(workerdBin, workerdArgs(config, port), {
    stdio: ["ignore", "inherit", "inherit", "pipe"],
  });
  /** @type {NodeJS.ReadableStream} */ (child.stdio[3]).on("data", (chunk) => {
    const port = String(chunk).match(/"port":(\d+)/)?.[1];
    if (port !== undefined) console.log(`listening on http://127.0.0.1:${port}/`);
  });
  const stop = () => child.kill("SIGTERM");
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  child.once("exit", async (code) => {
    await remove();
    process.exit(code ?? 0);
  });
}
