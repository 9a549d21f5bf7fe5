// Koa 3, the recommended wiring (examples/frameworks/koa.ts), on the
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

describe("Koa", () => {
  it(
    `Koa on node:http (${runtime}) keeps request, g and ctx apart on every route, WebSockets included`,
    { timeout: FRAMEWORK_TEST_TIMEOUT_MS },
    async () => {
      const running = await startServer({
        ...runOnThisRuntime("examples/frameworks/koa.ts"),
        cwd: root,
        env: serverEnv(),
      });
      try {
        await loadFramework("Koa", running, routes);
      } finally {
        await running.stop();
      }
    },
  );

  it(
    "Koa: pushing the request in a middleware with no scope open throws the strict error",
    { timeout: FRAMEWORK_TEST_TIMEOUT_MS },
    () => naiveWiringThrows("tests/servers/frameworks/fixtures/naive_koa.ts"),
  );
});
