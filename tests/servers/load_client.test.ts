import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mismatches, runLoad } from "../../examples/load/client.mjs";
import { root, runOnThisRuntime, startServer, TEST_TIMEOUT_MS } from "./_isolation.ts";

describe("load client", () => {
  it("mismatches() names every field that is not the request's own", () => {
    const ids = { url: "a", header: "a", user: "b", body: "a", session: "a", hono: "c" };
    assert.deepEqual(mismatches({ ids, app: "x" }, "a", "y"), ["user", "hono", "app"]);
    assert.deepEqual(mismatches({ ids: { url: "a" }, app: "y" }, "a", "y"), [
      "header",
      "user",
      "body",
      "session",
    ]);
  });

  it(
    "the load client reports cross-talk from a server that opens no scope per request",
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const server = await startServer({
        ...runOnThisRuntime("tests/servers/fixtures/unscoped_node_http.ts"),
        cwd: root,
      });
      try {
        const result = await runLoad({ baseUrl: server.url, requests: 300, concurrency: 50 });
        assert.equal(result.sent, 300);
        assert.equal(result.ok + result.crossTalk + result.errors + result.lost, 300);
        assert.ok(result.crossTalk > 0, `expected cross-talk, got ${JSON.stringify(result)}`);
      } finally {
        await server.stop();
      }
    },
  );
});
