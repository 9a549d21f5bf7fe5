// Starts an example server as a child process and waits until it is ready:
// either it prints `listening on <url>` (the entries in examples/), or, for
// workerd, it reports its port on a control descriptor (`--control-fd 3`).
// `stop()` ends it (SIGTERM, then SIGKILL) and is safe to call twice.
//
// Plain JavaScript so that `npm start` runs it on Node 20.
import { spawn } from "node:child_process";

/**
 * @typedef {object} ServerOptions
 * @property {string} command The executable.
 * @property {string[]} args Its arguments.
 * @property {string} [cwd] Working directory.
 * @property {Record<string, string | undefined>} [env] Environment (default: this process's).
 * @property {boolean} [controlFd] The server reports `{"event":"listen","port":N}` on fd 3 (workerd).
 * @property {number} [readyTimeoutMs] Give up when not ready by then (default 30 s).
 * @property {boolean} [inheritOutput] Show the server's output here (default: keep it for errors).
 */

/**
 * @typedef {object} RunningServer
 * @property {string} url Base URL, ending with `/`.
 * @property {number} pid The child's process id.
 * @property {() => string} output What the server printed so far.
 * @property {() => Promise<void>} stop Ends the server and waits for it to exit.
 * @property {Promise<number | null>} exited Resolves with the exit code when it exits.
 */

const LISTENING = /listening on (http:\/\/\S+\/)/;

/**
 * @param {ServerOptions} options
 * @returns {Promise<RunningServer>}
 */
export function startServer(options) {
  const { command, args, cwd, env, controlFd = false, readyTimeoutMs = 30_000 } = options;
  const child = spawn(command, args, {
    cwd,
    env: env ?? process.env,
    stdio: controlFd ? ["ignore", "pipe", "pipe", "pipe"] : ["ignore", "pipe", "pipe"],
  });
  let output = "";
  /** @type {Promise<number | null>} */
  const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  // If this process ends first (a crashed test), take the server with it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const stop = async () => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
    await exited;
    clearTimeout(timer);
  };

  return new Promise((resolve, reject) => {
    let settled = false;
    /** @param {string} url */
    const ready = (url) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ url, pid: child.pid ?? -1, output: () => output, stop, exited });
    };
    /** @param {Error} error */
    const fail = (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stop().then(() => reject(error), () => reject(error));
    };
    const timer = setTimeout(
      () => fail(new Error(`${command} not ready after ${readyTimeoutMs} ms:\n${output}`)),
      readyTimeoutMs,
    );
    const collect = (/** @type {NodeJS.ReadableStream | null} */ stream) =>
      stream?.on("data", (chunk) => {
        output += chunk;
        if (options.inheritOutput) process.stdout.write(chunk);
        const match = !controlFd && output.match(LISTENING);
        if (match) ready(match[1]);
      });
    collect(child.stdout);
    collect(child.stderr);
    if (controlFd) {
      let control = "";
      /** @type {NodeJS.ReadableStream} */ (child.stdio[3]).on("data", (chunk) => {
        control += chunk;
        const port = control.match(/"event":"listen"[^}]*"port":(\d+)/)?.[1];
        if (port !== undefined) ready(`http://127.0.0.1:${port}/`);
      });
    }
    child.once("error", fail);
    exited.then((code) =>
      fail(new Error(`${command} exited with ${code} before it was ready:\n${output}`))
    );
  });
}
