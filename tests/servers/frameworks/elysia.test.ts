// Elysia, the recommended wiring (examples/frameworks/elysia.ts), on
// Bun.serve: Elysia's `.listen()` is Bun-only, so this runs under `bun test`.
import { describe, it } from "node:test";
import { root, runOnThisRuntime, serverEnv, startServer } from "../_isolation.ts";
import { FRAMEWORK_TEST_TIMEOUT_MS, loadFramework, type Route } from "./_load.ts";
import { naiveWiringThrows } from "./_naive.ts";

const routes: Route[] = [
  { path: "/json", kind: "json" },
  { path: "/upload", kind: "upload" },
  { path: "/stream/generator", kind: "lines" },
  { path: "/stream/pulled", kind: "lines" },
  { path: "/error", kind: "error" },
  { path: "/ws", kind: "ws" },
];
const skip = !("Bun" in globalThis) && "Elysia serves with Bun.serve";

describe("Elysia", () => {
  it(
    "Elysia on Bun.serve keeps request, g and Elysia's context apart on every route, WebSockets included",
    { timeout: FRAMEWORK_TEST_TIMEOUT_MS, skip },
    async () => {
      const running = await startServer({
        ...runOnThisRuntime("examples/frameworks/elysia.ts"),
        cwd: root,
        env: serverEnv(),
      });
      try {
        await loadFramework("Elysia (Bun.serve)", running, routes);
      } finally {
        await running.stop();
      }
    },
  );

  it(
    "Elysia: pushing the request in onRequest with no scope open throws the strict error",
    { timeout: FRAMEWORK_TEST_TIMEOUT_MS, skip },
    // Elysia answers an error thrown in onRequest with status 200 and the message as the body.
    () => naiveWiringThrows("tests/servers/frameworks/fixtures/naive_elysia.ts", 200),
  );
});
