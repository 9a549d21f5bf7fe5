/**
 * Runs a fixture in a child process of the runtime running the tests, with a
 * hard timeout, so that a regression that hangs or floods output fails the
 * test instead of hanging the suite (not a test file: no `.test.ts`).
 */
import { spawn } from "node:child_process";
import { childEnv, root, scriptCommand } from "./_runtime.ts";

/** What a child printed, how it ended and how long it took. */
export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** True when the child was killed at the timeout or for printing too much. */
  killed: boolean;
}

/**
 * Runs `fixture` (a path relative to the repository) with `args`; GC exposed
 * when `exposeGc` (Bun always has `Bun.gc`). Kills it after `timeoutMs` or
 * once it has printed more than `maxOutput` characters.
 */
export function runChild(
  fixture: string,
  args: string[],
  { timeoutMs = 60_000, maxOutput = 1_000_000, exposeGc = false } = {},
): Promise<ChildRun> {
  const { command, args: runtimeArgs } = scriptCommand(fixture, { exposeGc });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...runtimeArgs, ...args], { cwd: root, env: childEnv() });
    let stdout = "";
    let stderr = "";
    let killed = false;
    const kill = (): void => {
      killed = true;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(kill, timeoutMs);
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (stdout.length > maxOutput) kill();
    });
    child.stderr.on("data", (chunk) => stderr += chunk);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started, killed });
    });
  });
}
