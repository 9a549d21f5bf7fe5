// Fastify 5, the recommended wiring (examples/frameworks/fastify.ts), on the
// node:http of the runtime running the test (Node, Deno and Bun each have
// their own), with `ws` for WebSockets.
import { describe, it } from "node:test";
import { root, runOnThisRuntime, runtime, serverEnv, startServer } from "../_isolation.ts";
import { FRAMEWORK_TEST_TIMEOUT_MS, loadFramework, type Route } from "./_load.ts";
import { naiveWiringThrows } from "./_naive.ts";

const routes: Route[] = [
  { path: "/json", kind: "json" },
  { path: "/upload", kind: "upload" },
  { path: "/stream/node", kind: "lines" },
  { path: "/stream/pulled", kind: "lines" },
  { path: "/error", kind: "error" },
  { path: "/ws", kind: "ws" },
];

describe("Fastify", () => {
  it(
    `Fastify on node:http (${runtime}) keeps request, g and the Fastify request apart on every route, WebSockets included`,
    { timeout: FRAMEWORK_TEST_TIMEOUT_MS },
    async () => {
      const running = await startServer({
        ...runOnThisRuntime("examples/frameworks/fastify.ts"),
        cwd: root,
        env: serverEnv(),
      });
      try {
        await loadFramework("Fastify", running, routes);
      } finally {
        await running.stop();
      }
    },
  );

  it(
    "Fastify: an async onRequest hook that only pushes throws the strict error",
    { timeout: FRAMEWORK_TEST_TIMEOUT_MS },
    () => naiveWiringThrows("tests/servers/frameworks/fixtures/naive_fastify.ts"),
  );
});
