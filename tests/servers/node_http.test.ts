import { describe, it } from "node:test";
import {
  loadTest,
  root,
  runOnThisRuntime,
  serverEnv,
  startServer,
  TEST_TIMEOUT_MS,
} from "./_isolation.ts";

// node:http exists on Deno, Bun and Node, each with its own implementation,
// so this runs under all three (the server runs on the runtime running it).
describe("node:http example", () => {
  it(
    "node:http keeps request, g, currentApp and session apart under 2000 requests, 100 in flight",
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      await loadTest(
        "node:http",
        () =>
          startServer({
            ...runOnThisRuntime("examples/node_http.ts"),
            cwd: root,
            env: serverEnv(),
          }),
      );
    },
  );
});
