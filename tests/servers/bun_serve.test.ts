import { describe, it } from "node:test";
import {
  loadTest,
  runOnThisRuntime,
  serverEnv,
  startServer,
  TEST_TIMEOUT_MS,
} from "./_isolation.ts";

describe("Bun.serve example", () => {
  it(
    "Bun.serve keeps request, g, currentApp and session apart under 2000 requests, 100 in flight",
    { skip: !("Bun" in globalThis) && "needs Bun.serve", timeout: TEST_TIMEOUT_MS },
    async () => {
      await loadTest(
        "Bun.serve",
        () => startServer({ ...runOnThisRuntime("examples/bun_serve.ts"), env: serverEnv() }),
      );
    },
  );
});
