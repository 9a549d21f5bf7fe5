/**
 * Which runtime runs the tests, and how to start a child process of the same
 * runtime (not a test file: no `.test.ts`).
 *
 * @module
 */
import process from "node:process";
import { fileURLToPath } from "node:url";

/** The repository root, with a trailing slash (children run there so Deno finds deno.json). */
export const root: string = fileURLToPath(new URL("../", import.meta.url));

/** A runtime the suite runs on. */
export type Runtime = "deno" | "bun" | "node";

/** The runtime running this process. */
export const runtime: Runtime = "Deno" in globalThis
  ? "deno"
  : "Bun" in globalThis
  ? "bun"
  : "node";

/** How to run a script in a child process of this runtime. */
export interface ScriptOptions {
  /** Deno's permission flags. @default ["-A"] */
  readonly denoPermissions?: readonly string[];
  /** Expose `globalThis.gc` (Node, Deno); Bun always has `Bun.gc`. @default false */
  readonly exposeGc?: boolean;
}

/** The command and arguments that run `file` (a path) on this runtime. */
export function scriptCommand(
  file: string,
  options: ScriptOptions = {},
): { command: string; args: string[] } {
  const { denoPermissions = ["-A"], exposeGc = false } = options;
  const args = runtime === "deno"
    ? ["run", ...denoPermissions, ...(exposeGc ? ["--v8-flags=--expose-gc"] : []), file]
    : runtime === "node"
    ? [...(exposeGc ? ["--expose-gc"] : []), file]
    : [file];
  return { command: process.execPath, args };
}

/**
 * This process's environment for a child, plus `extra`. A node child must not
 * think it is a worker of the test runner that started this process.
 */
export function childEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, ...extra };
  delete env.NODE_TEST_CONTEXT;
  return env;
}
