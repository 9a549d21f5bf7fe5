// Each framework recipe (examples/frameworks/) started as a real server on
// this test's runtime and driven on every route at once (see _load.ts);
// and each framework's naive wiring (fixtures/naive_*.ts), which must now
// fail with the strict error at the first request (see _naive.ts).
//
// Express, Fastify and Koa run on the node:http of the runtime running the
// test (Node, Deno and Bun each have their own); Hono on the runtime's own
// server (Deno.serve, Bun.serve, @hono/node-server) and on workerd (its own
// binary; each runtime's run bundles and drives it); Elysia on Bun.serve.
import { describe, it } from "node:test";
import { startWorker } from "../../../examples/workerd/serve.mjs";
import { root, runOnThisRuntime, serverEnv, startServer } from "../_isolation.ts";
import { runtime } from "../../_runtime.ts";
import { FRAMEWORK_TEST_TIMEOUT_MS, loadFramework, type Route } from "./_load.ts";
import { naiveWiringThrows } from "./_naive.ts";

const json: Route = { path: "/json", kind: "json" };
const upload: Route = { path: "/upload", kind: "upload" };
const error: Route = { path: "/error", kind: "error" };
const ws: Route = { path: "/ws", kind: "ws" };
const lines = (path: string): Route => ({ path, kind: "lines" });
const bun = !("Bun" in globalThis) && "Elysia serves with Bun.serve";

interface Recipe {
  framework: string;
  server: string;
  file: string;
  /** What the framework's own context object is called. */
  context: string;
  routes: Route[];
  skip: string | false;
  /** The naive wiring and the status the framework answers its error with. */
  naive: { wiring: string; fixture: string; status?: number };
}

const recipes: Recipe[] = [
  {
    framework: "Hono",
    server: { deno: "Deno.serve", bun: "Bun.serve", node: "@hono/node-server" }[runtime],
    file: "examples/frameworks/hono.ts",
    context: "c",
    routes: [
      json,
      upload,
      ...["text", "sse", "bytes", "pulled", "generator"].map((s) => lines(`/stream/${s}`)),
      error,
      ws,
    ],
    skip: false,
    naive: { wiring: "pushing the request in a middleware", fixture: "naive_hono.ts" },
  },
  {
    framework: "Elysia",
    server: "Bun.serve",
    file: "examples/frameworks/elysia.ts",
    context: "Elysia's context",
    routes: [json, upload, lines("/stream/generator"), lines("/stream/pulled"), error, ws],
    skip: bun,
    // Elysia answers an error thrown in onRequest with status 200 and the message as the body.
    naive: { wiring: "pushing the request in onRequest", fixture: "naive_elysia.ts", status: 200 },
  },
  {
    framework: "Express",
    server: `node:http (${runtime})`,
    file: "examples/frameworks/express.ts",
    context: "req",
    routes: [
      json,
      upload,
      { path: "/upload/events", kind: "upload" },
      lines("/stream/write"),
      lines("/stream/piped"),
      error,
      ws,
    ],
    skip: false,
    naive: { wiring: "pushing the request in a middleware", fixture: "naive_express.ts" },
  },
  {
    framework: "Fastify",
    server: `node:http (${runtime})`,
    file: "examples/frameworks/fastify.ts",
    context: "the Fastify request",
    routes: [json, upload, lines("/stream/node"), lines("/stream/pulled"), error, ws],
    skip: false,
    naive: { wiring: "an async onRequest hook that only pushes", fixture: "naive_fastify.ts" },
  },
  {
    framework: "Koa",
    server: `node:http (${runtime})`,
    file: "examples/frameworks/koa.ts",
    context: "ctx",
    routes: [json, upload, lines("/stream/node"), lines("/stream/pulled"), error, ws],
    skip: false,
    naive: { wiring: "pushing ctx in a middleware", fixture: "naive_koa.ts" },
  },
];

const apart = (context: string): string =>
  `keeps request, g and ${context} apart on every route, WebSockets included`;

describe("framework recipes", () => {
  for (const { framework, server, file, context, routes, skip, naive } of recipes) {
    it(
      `${framework} on ${server} ${apart(context)}`,
      { timeout: FRAMEWORK_TEST_TIMEOUT_MS, skip },
      async () => {
        const running = await startServer({
          ...runOnThisRuntime(file),
          cwd: root,
          env: serverEnv(),
        });
        try {
          await loadFramework(`${framework} (${server})`, running, routes);
        } finally {
          await running.stop();
        }
      },
    );
    it(
      `${framework}: ${naive.wiring} with no scope open throws the strict error`,
      { timeout: FRAMEWORK_TEST_TIMEOUT_MS, skip },
      () => naiveWiringThrows(`tests/servers/frameworks/fixtures/${naive.fixture}`, naive.status),
    );
  }

  it(
    `Hono on workerd ${apart("c")}`,
    { timeout: FRAMEWORK_TEST_TIMEOUT_MS },
    async () => {
      const running = await startWorker(`${root}examples/frameworks/hono_worker.ts`);
      try {
        await loadFramework("Hono (workerd)", running, recipes[0].routes);
      } finally {
        await running.stop();
      }
    },
  );
});
