// The wirings the recipes warn about, measured under the same load as the
// recipes (tests/servers/frameworks/fixtures/pitfall_*.ts): each must show
// the failure the README states, so each recipe's fix is shown to matter.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { root, runOnThisRuntime, serverEnv, startServer } from "../_isolation.ts";
import { runtime } from "../../_runtime.ts";
import {
  FRAMEWORK_TEST_TIMEOUT_MS,
  measureFramework,
  REQUESTS,
  type Route,
  SOCKETS,
  type Tally,
} from "./_load.ts";

type Runtime = typeof runtime;

interface Pitfall {
  title: string;
  fixture: string;
  runtimes: readonly Runtime[];
  routes: readonly Route[];
  /** What the measurement must show on this runtime. */
  check(tallies: Map<string, Tally>): void;
}

const tally = (tallies: Map<string, Tally>, path: string): Tally => tallies.get(path) as Tally;

const pitfalls: Pitfall[] = [
  {
    title: "Express: a req.on('end') listener during a slow upload runs outside the scope",
    fixture: "pitfall_express.ts",
    runtimes: ["deno", "bun", "node"],
    routes: [{ path: "/upload/unbound", kind: "upload" }],
    check: (t) => assert.ok(tally(t, "/upload/unbound").unbound > 0, JSON.stringify([...t])),
  },
  {
    title: "Fastify: an async onRequest hook that only pushes gives cross-talk (non-strict locals)",
    fixture: "pitfall_fastify.ts",
    runtimes: ["deno", "bun", "node"],
    routes: [{ path: "/json", kind: "json" }],
    check: (t) => assert.ok(tally(t, "/json").crossTalk > 0, JSON.stringify([...t])),
  },
  {
    title: "Koa: manager.middleware inside the chain loses the scope for stream bodies",
    fixture: "pitfall_koa.ts",
    runtimes: ["deno", "bun", "node"],
    routes: [
      { path: "/json", kind: "json" },
      { path: "/stream/node", kind: "lines" },
      { path: "/stream/pulled", kind: "lines" },
    ],
    check: (t) => {
      assert.equal(tally(t, "/json").good, REQUESTS);
      assert.equal(tally(t, "/stream/node").unbound, REQUESTS);
      // Bun's node:http reads a Web ReadableStream body from the handler's scope.
      assert.equal(tally(t, "/stream/pulled").unbound, runtime === "bun" ? 0 : REQUESTS);
    },
  },
  {
    title: "Elysia: pushing in onRequest under app.listen() gives cross-talk (non-strict locals)",
    fixture: "pitfall_elysia.ts",
    runtimes: ["bun"],
    routes: [{ path: "/json", kind: "json" }],
    check: (t) => assert.ok(tally(t, "/json").crossTalk > 0, JSON.stringify([...t])),
  },
  {
    title:
      "Hono: manager.run inside app.use loses generator bodies, pulled bodies (Deno, Node) and WebSockets (Bun, Node)",
    fixture: "pitfall_hono.ts",
    runtimes: ["deno", "bun", "node"],
    routes: [
      { path: "/stream/pulled", kind: "lines" },
      { path: "/stream/generator", kind: "lines" },
      { path: "/ws", kind: "ws" },
    ],
    check: (t) => {
      assert.equal(tally(t, "/stream/generator").unbound, REQUESTS);
      assert.equal(tally(t, "/stream/pulled").unbound, runtime === "bun" ? 0 : REQUESTS);
      assert.equal(tally(t, "/ws").unbound, runtime === "deno" ? 0 : SOCKETS);
    },
  },
];

describe("framework pitfalls", () => {
  for (const { title, fixture, runtimes, routes, check } of pitfalls) {
    const skip = !runtimes.includes(runtime) && `needs ${runtimes.join(", ")}`;
    it(title, { timeout: FRAMEWORK_TEST_TIMEOUT_MS, skip }, async () => {
      const path = `tests/servers/frameworks/fixtures/${fixture}`;
      const server = await startServer({ ...runOnThisRuntime(path), cwd: root, env: serverEnv() });
      try {
        check((await measureFramework(`pitfall ${fixture}`, server, routes)).tallies);
      } finally {
        await server.stop();
      }
    });
  }
});
