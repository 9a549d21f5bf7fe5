import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LocalManager } from "../../mod.ts";
import { serve } from "../../examples/servers.ts";
import { runtime } from "../_runtime.ts";

// Deno.serve calls a handler whose `length` is 0 with no arguments at all,
// so `Deno.serve(manager.middleware(handler))` needs the handler's length.
describe("LocalManager#middleware() and servers", () => {
  it("LocalManager#middleware() keeps the handler's length", () => {
    const manager = new LocalManager();
    assert.equal(manager.middleware((_req: Request) => 1).length, 1);
    assert.equal(manager.middleware((_req: Request, _info: unknown) => 1).length, 2);
    assert.equal(manager.middleware(() => 1).length, 0);
  });

  it(
    "Deno.serve passes the request to a handler wrapped by LocalManager#middleware()",
    { skip: runtime !== "deno" && "needs Deno.serve" },
    async () => {
      const manager = new LocalManager();
      const server = await serve(
        "Deno.serve",
        manager.middleware((req: Request) => new Response(new URL(req.url).pathname)),
      );
      try {
        const response = await fetch(`${server.origin}/arity`);
        assert.equal(await response.text(), "/arity");
      } finally {
        await server.close();
      }
    },
  );
});
