// Each example server, started as a real process on this test's runtime and
// driven by the load client: 2,000 requests, 100 in flight, every response
// checked for its own id through every global (see _isolation.ts).
import { describe, it } from "node:test";
import { startWorker } from "../../examples/workerd/serve.mjs";
import {
  loadTest,
  root,
  runOnThisRuntime,
  serverEnv,
  startServer,
  TEST_TIMEOUT_MS,
} from "./_isolation.ts";
import { runtime } from "../_runtime.ts";

const TITLE = "keeps request, g, currentApp and session apart under 2000 requests, 100 in flight";

/** The examples that run on this test's runtime, and which runtime feature each needs. */
const examples: { name: string; file: string; skip: string | false }[] = [
  {
    name: "Deno.serve",
    file: "examples/deno_serve.ts",
    skip: runtime !== "deno" && "needs Deno.serve",
  },
  {
    name: "Bun.serve",
    file: "examples/bun_serve.ts",
    skip: runtime !== "bun" && "needs Bun.serve",
  },
  // node:http exists on Deno, Bun and Node, each its own implementation.
  { name: "node:http", file: "examples/node_http.ts", skip: false },
  // Hono runs on the runtime's own server, with its contextStorage() beside ours.
  { name: "Hono middleware", file: "examples/hono.ts", skip: false },
];

describe("example servers", () => {
  for (const { name, file, skip } of examples) {
    it(`${name} ${TITLE}`, { skip, timeout: TEST_TIMEOUT_MS }, async () => {
      await loadTest(
        name,
        () => startServer({ ...runOnThisRuntime(file), cwd: root, env: serverEnv() }),
      );
    });
  }

  // workerd is its own binary: the test's runtime only bundles and drives it.
  it(`workerd ${TITLE}`, { timeout: TEST_TIMEOUT_MS }, async () => {
    await loadTest("workerd", () => startWorker());
  });
});
