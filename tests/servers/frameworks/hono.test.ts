// Hono, the recommended wiring (examples/frameworks/hono_app.ts), on the
// runtime's own server: Deno.serve under `deno test`, Bun.serve under
// `bun test`, @hono/node-server under `node --test`; and on workerd (under
// `node --test` only: the binary is the same whichever runtime bundles it).
import { describe, it } from "node:test";
import { prepareWorker, workerdArgs, workerdBin } from "../../../examples/workerd/serve.mjs";
import { root, runOnThisRuntime, runtime, serverEnv, startServer } from "../_isolation.ts";
import { FRAMEWORK_TEST_TIMEOUT_MS, loadFramework, type Route } from "./_load.ts";
import { naiveWiringThrows } from "./_naive.ts";

const routes: Route[] = [
  { path: "/json", kind: "json" },
  { path: "/upload", kind: "upload" },
  { path: "/stream/text", kind: "lines" },
  { path: "/stream/sse", kind: "lines" },
  { path: "/stream/bytes", kind: "lines" },
  { path: "/stream/pulled", kind: "lines" },
  { path: "/stream/generator", kind: "lines" },
  { path: "/error", kind: "error" },
  { path: "/ws", kind: "ws" },
];
const server = { deno: "Deno.serve", bun: "Bun.serve", node: "@hono/node-server" }[runtime];

describe("Hono", () => {
  it(
    `Hono on ${server} keeps request, g and c apart on every route, WebSockets included`,
    { timeout: FRAMEWORK_TEST_TIMEOUT_MS },
    async () => {
      const running = await startServer({
        ...runOnThisRuntime("examples/frameworks/hono.ts"),
        cwd: root,
        env: serverEnv(),
      });
      try {
        await loadFramework(`Hono (${server})`, running, routes);
      } finally {
        await running.stop();
      }
    },
  );

  it(
    "Hono on workerd keeps request, g and c apart on every route, WebSockets included",
    {
      timeout: FRAMEWORK_TEST_TIMEOUT_MS,
      skip: runtime !== "node" && "workerd is one binary: its run under node --test covers it",
    },
    async () => {
      const worker = await prepareWorker(`${root}examples/frameworks/hono_worker.ts`);
      try {
        const running = await startServer({
          command: workerdBin,
          args: workerdArgs(worker.config, 0),
          controlFd: true,
        });
        try {
          await loadFramework("Hono (workerd)", running, routes);
        } finally {
          await running.stop();
        }
      } finally {
        await worker.remove();
      }
    },
  );

  it(
    "Hono: pushing the request in a middleware with no scope open throws the strict error",
    { timeout: FRAMEWORK_TEST_TIMEOUT_MS },
    () => naiveWiringThrows("tests/servers/frameworks/fixtures/naive_hono.ts"),
  );
});
