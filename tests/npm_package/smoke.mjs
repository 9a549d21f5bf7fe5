// The npm package's smoke test, run by scripts/test_npm_package.mjs from a
// scratch project that installed the packed tarball, on the machine's Node
// (20 in CI), Node 26, Bun and Deno. Plain JavaScript with no imports from
// tests/ (their helpers are TypeScript, which Node 20 cannot run), so it tests
// the built package and nothing else. Prints one "ok <name>" or
// "not ok <name>: <error>" line per case and exits 1 if any failed.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import {
  Local,
  LocalManager,
  LocalProxy,
  LocalStack,
  releaseLocal,
} from "@contextlocal/contextlocal";
import { LocalStack as StackFromSubpath } from "@contextlocal/contextlocal/stack";

const CONCURRENT = 100;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const randomDelay = () => sleep(Math.random() * 10);

const cases = {
  "every entry point of deno.json resolves to the same module instances": () => {
    assert.equal(StackFromSubpath, LocalStack);
  },

  [`${CONCURRENT} concurrent scopes each see only their own values`]: async () => {
    const g = new Local();
    const stack = new LocalStack();
    const manager = new LocalManager([g, stack]);
    const seen = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, id) =>
        manager.run(async () => {
          await randomDelay();
          g.id = id;
          stack.push({ id });
          await randomDelay();
          return [g.id, stack.top?.id];
        })),
    );
    assert.deepEqual(seen, Array.from({ length: CONCURRENT }, (_, id) => [id, id]));
    assert.equal(g.id, undefined, "nothing leaked into the root scope");
  },

  "a LocalProxy reads through to the current object and says when it is unbound": async () => {
    const stack = new LocalStack();
    const current = new LocalProxy(stack, undefined, { unboundMessage: "no map here" });
    const got = await stack.run(new Map([["k", "v"]]), async () => {
      await sleep(1);
      return current.get("k");
    });
    assert.equal(got, "v");
    assert.throws(() => current.get("k"), { message: "no map here" });
  },

  "push() returns a Disposable and releaseLocal() clears the current scope": () => {
    const stack = new LocalStack();
    const manager = new LocalManager();
    manager.run(() => {
      const pushed = stack.push("item");
      assert.equal(stack.top, "item");
      pushed[Symbol.dispose]();
      assert.equal(stack.top, undefined);
      stack.push("again");
      releaseLocal(stack);
      assert.equal(stack.top, undefined);
    });
  },

  [`middleware on node:http gives each of ${CONCURRENT} requests its own scope`]: async () => {
    const requestId = new Local();
    const manager = new LocalManager([requestId]);
    const server = createServer(manager.middleware(async (req, res) => {
      requestId.value = new URL(req.url, "http://x").searchParams.get("id");
      await randomDelay();
      res.end(String(requestId.value));
    }));
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address();
      const bodies = await Promise.all(
        Array.from({ length: CONCURRENT }, async (_, id) => {
          const response = await fetch(`http://127.0.0.1:${port}/?id=${id}`);
          return await response.text();
        }),
      );
      assert.deepEqual(bodies, Array.from({ length: CONCURRENT }, (_, id) => String(id)));
    } finally {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    }
  },
};

let failed = 0;
for (const [name, fn] of Object.entries(cases)) {
  try {
    await fn();
    console.log(`ok ${name}`);
  } catch (error) {
    failed++;
    console.log(`not ok ${name}: ${error?.stack ?? error}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
