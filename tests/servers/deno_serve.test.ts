import { describe, it } from "node:test";
import {
  loadTest,
  runOnThisRuntime,
  serverEnv,
  startServer,
  TEST_TIMEOUT_MS,
} from "./_isolation.ts";

describe("Deno.serve example", () => {
  it(
    "Deno.serve keeps request, g, currentApp and session apart under 2000 requests, 100 in flight",
    { skip: !("Deno" in globalThis) && "needs Deno.serve", timeout: TEST_TIMEOUT_MS },
    async () => {
      await loadTest(
        "Deno.serve",
        () => startServer({ ...runOnThisRuntime("examples/deno_serve.ts"), env: serverEnv() }),
      );
    },
  );
});
