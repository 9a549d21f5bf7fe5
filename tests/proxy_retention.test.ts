/**
 * The bound-method cache of LocalProxy stays bounded on long-lived objects
 * that answer any key (RPC and ORM clients read with request-controlled
 * keys), measured after GC in a child process
 * (tests/fixtures/method_cache_probe.ts), and keeps `p.m === p.m`.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LocalProxy, LocalStack } from "../mod.ts";
import { METHODS_PER_OBJECT } from "../_proxy_methods.ts";
import { runChild } from "./_child.ts";

const KEYS = 100_000;
/** 20 bytes per key; an unbounded cache keeps ~250-300 per key (25-30 MB). */
const TOLERANCE = 2 * 1024 * 1024;

describe("LocalProxy bound-method cache", () => {
  it(`reading ${KEYS} distinct method names of one object retains under 2 MB after GC`, async () => {
    const run = await runChild("tests/fixtures/method_cache_probe.ts", [`${KEYS}`], {
      exposeGc: true,
      timeoutMs: 120_000,
    });
    assert.equal(run.code, 0, run.stderr);
    const line = run.stdout.split("\n").find((text) => text.startsWith("RESULT "));
    assert.ok(line, run.stdout);
    const result = JSON.parse(line.slice("RESULT ".length));
    assert.equal(result.calls, KEYS);
    assert.ok(result.retained < TOLERANCE, `retained ${result.retained} bytes`);
  });

  it("a method keeps its identity while fewer than the bound of other keys are read", () => {
    const functions = new Map<PropertyKey, () => string>();
    // A catch-all client that returns the same function for the same key.
    const client = new Proxy({}, {
      get(_target, key) {
        if (!functions.has(key)) functions.set(key, () => String(key));
        return functions.get(key);
      },
    });
    const stack = new LocalStack<Record<string, () => string>>();
    const rpc = new LocalProxy(stack);
    stack.run(client, () => {
      const first = rpc.m;
      for (let i = 0; i < METHODS_PER_OBJECT - 1; i++) assert.equal(rpc[`k${i}`](), `k${i}`);
      assert.equal(rpc.m, first);
      for (let i = 0; i < 2 * METHODS_PER_OBJECT; i++) rpc[`other${i}`]();
      assert.equal(rpc.m(), "m"); // evicted, bound again: still works
      assert.equal(rpc.m, rpc.m);
    });
  });
});
