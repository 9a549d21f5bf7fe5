import { describe, it } from "node:test";
import { prepareWorker, workerdArgs, workerdBin } from "../../examples/workerd/serve.mjs";
import { loadTest, runtime, startServer, TEST_TIMEOUT_MS } from "./_isolation.ts";

// workerd is a separate binary: the test runs from Node's run only, so the
// same binary is not loaded three times.
describe("Cloudflare Worker example on workerd", () => {
  it(
    "workerd keeps request, g, currentApp and session apart under 2000 requests, 100 in flight",
    {
      skip: runtime !== "node" && "workerd runs from the Node test run only",
      timeout: TEST_TIMEOUT_MS,
    },
    async () => {
      const worker = await prepareWorker();
      try {
        await loadTest("workerd", () =>
          startServer({
            command: workerdBin,
            args: workerdArgs(worker.config, 0),
            controlFd: true,
          }));
      } finally {
        await worker.remove();
      }
    },
  );
});
