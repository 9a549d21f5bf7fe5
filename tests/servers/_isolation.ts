// Shared by the server load tests: start an example server, drive it with
// the load client, and fail on any cross-talk, error or lost request.
import assert from "node:assert/strict";
import { type LoadResult, runLoad, summarize } from "../../examples/load/client.mjs";
import { type RunningServer, startServer } from "../../examples/load/server.mjs";
import { childEnv, root, runtime, scriptCommand } from "../_runtime.ts";

/** Requests per server and how many the client keeps in flight. */
export const REQUESTS = 2000;
export const CONCURRENCY = 100;
/** A whole server test (start, load, stop) fails after this long. */
export const TEST_TIMEOUT_MS = 120_000;

/** The command that runs an example (path from the repository root) on this test's runtime. */
export function runOnThisRuntime(file: string): { command: string; args: string[] } {
  return scriptCommand(`${root}${file}`, {
    denoPermissions: ["--allow-net", "--allow-env", "--allow-read"],
  });
}

/** The environment of a server child: a free port, no colours. */
export function serverEnv(): Record<string, string | undefined> {
  return childEnv({ PORT: "0", NO_COLOR: "1" });
}

/**
 * Starts the server, fires {@linkcode REQUESTS} requests with
 * {@linkcode CONCURRENCY} in flight, stops the server (also on failure) and
 * asserts that every request came back with its own id everywhere.
 */
export async function loadTest(
  name: string,
  start: () => Promise<RunningServer>,
): Promise<LoadResult> {
  const server = await start();
  let result: LoadResult;
  try {
    result = await runLoad({ baseUrl: server.url, requests: REQUESTS, concurrency: CONCURRENCY });
  } finally {
    await server.stop();
  }
  console.log(summarize(`${name} on ${runtime}`, result));
  const detail = `${result.problems.join("\n")}\nserver output:\n${server.output().slice(-2000)}`;
  assert.equal(result.sent, REQUESTS, `sent ${result.sent} of ${REQUESTS}`);
  assert.equal(result.crossTalk, 0, `cross-talk:\n${detail}`);
  assert.equal(result.errors, 0, `errors:\n${detail}`);
  assert.equal(result.lost, 0, `lost:\n${detail}`);
  assert.equal(result.ok, REQUESTS, `good answers ${result.ok} of ${REQUESTS}`);
  assert.equal(result.maxInFlight, CONCURRENCY, "the client kept fewer requests in flight");
  return result;
}

export { root, startServer };
