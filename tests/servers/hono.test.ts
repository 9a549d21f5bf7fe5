import { describe, it } from "node:test";
import {
  loadTest,
  root,
  runOnThisRuntime,
  serverEnv,
  startServer,
  TEST_TIMEOUT_MS,
} from "./_isolation.ts";

// Hono runs on each runtime's own server (Deno.serve, Bun.serve, node:http),
// with its contextStorage() middleware beside ours, so this runs under all three.
describe("Hono example", () => {
  it(
    "Hono middleware keeps request, g, currentApp and session apart under 2000 requests, 100 in flight",
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      await loadTest(
        "Hono",
        () => startServer({ ...runOnThisRuntime("examples/hono.ts"), cwd: root, env: serverEnv() }),
      );
    },
  );
});
