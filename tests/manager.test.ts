import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Local, LocalManager, LocalStack, releaseLocal } from "../mod.ts";
import { concurrently, randomDelay, sleep } from "./_helpers.ts";

describe("releaseLocal", () => {
  it("releaseLocal() clears a Local's values in the current scope only", () => {
    const g = new Local<{ a: number; b: number }>();
    const manager = new LocalManager();
    manager.run(() => {
      g.a = 1;
      g.b = 2;
      manager.run(() => {
        releaseLocal(g);
        assert.deepEqual(Object.keys(g), []);
        g.a = 3;
        assert.deepEqual({ ...g }, { a: 3 });
      });
      assert.deepEqual({ ...g }, { a: 1, b: 2 });
      releaseLocal(g);
      assert.equal(g.a, undefined);
    });
  });

  it("releaseLocal() empties a LocalStack in the current scope only", async () => {
    const stack = new LocalStack<string>();
    await stack.run("outer", async () => {
      stack.push("second");
      const child = new LocalManager().run(async () => {
        await sleep(2);
        return stack.top;
      });
      releaseLocal(stack);
      assert.equal(stack.top, undefined);
      assert.equal(stack.pop(), undefined);
      assert.equal(await child, "second");
    });
  });

  it("releaseLocal() of an empty Local or LocalStack is a no-op", () => {
    const g = new Local();
    const stack = new LocalStack<number>();
    releaseLocal(g);
    releaseLocal(stack);
    assert.deepEqual(Object.keys(g), []);
    assert.equal(stack.top, undefined);
  });
});

describe("LocalManager", () => {
  it("LocalManager.run() returns fn's result in a fresh scope", async () => {
    const g = new Local<{ id: number }>();
    const manager = new LocalManager(g);
    assert.equal(manager.run(() => 42), 42);
    const value = await manager.run(async () => {
      g.id = 1;
      await sleep(1);
      return g.id;
    });
    assert.equal(value, 1);
    assert.equal(g.id, undefined);
  });

  it("LocalManager.run() restores the caller's values when fn throws or rejects", async () => {
    const g = new Local<{ id: number }>();
    const manager = new LocalManager(g);
    // Observed inside the outer scope, asserted outside it: a run() that
    // swallowed errors would swallow a failed assertion too.
    const seen = manager.run(() => {
      g.id = 1;
      let thrown: unknown;
      try {
        manager.run(() => {
          g.id = 2;
          throw new Error("sync");
        });
      } catch (error) {
        thrown = (error as Error).message;
      }
      return { thrown, id: g.id };
    });
    assert.deepEqual(seen, { thrown: "sync", id: 1 });
    await assert.rejects(
      manager.run(async () => {
        g.id = 3;
        await sleep(1);
        throw new Error("async");
      }),
      { message: "async" },
    );
    assert.equal(g.id, undefined);
  });

  it("LocalManager.cleanup() clears its locals in the current scope and leaves others", () => {
    const g = new Local<{ user: string }>();
    const other = new Local<{ keep: boolean }>();
    const stack = new LocalStack<number>();
    const manager = new LocalManager([g, stack]);
    manager.run(() => {
      g.user = "ada";
      other.keep = true;
      stack.push(1);
      manager.run(() => {
        manager.cleanup();
        assert.equal(g.user, undefined);
        assert.equal(stack.top, undefined);
        assert.equal(other.keep, true);
      });
      assert.equal(g.user, "ada");
      assert.equal(stack.top, 1);
      manager.cleanup();
      assert.equal(g.user, undefined);
      assert.equal(stack.top, undefined);
      assert.equal(other.keep, true);
    });
  });

  it("LocalManager accepts one local, an iterable of locals, or nothing", () => {
    const g = new Local<{ x: number }>();
    const stack = new LocalStack<number>();
    const cases: [LocalManager, { x: number | undefined; top: number | undefined }][] = [
      [new LocalManager(g), { x: undefined, top: 1 }],
      [new LocalManager(stack), { x: 1, top: undefined }],
      [new LocalManager(new Set([g, stack])), { x: undefined, top: undefined }],
      [new LocalManager([]), { x: 1, top: 1 }],
      [new LocalManager(), { x: 1, top: 1 }],
    ];
    for (const [manager, expected] of cases) {
      manager.run(() => {
        g.x = 1;
        stack.push(1);
        manager.cleanup();
        assert.deepEqual({ x: g.x, top: stack.top }, expected);
      });
    }
  });

  it("LocalManager.middleware() gives each call its own scope and passes this, args and result", async () => {
    const g = new Local<{ id: number }>();
    const manager = new LocalManager(g);
    const handler = manager.middleware(async function (
      this: { prefix: string },
      id: number,
      extra: string,
    ): Promise<string> {
      assert.equal(g.id, undefined);
      await randomDelay();
      g.id = id;
      await randomDelay();
      return `${this.prefix}${g.id}${extra}`;
    });
    const owner = { prefix: "#", handler };
    const results = await concurrently(100, (i) => owner.handler(i, "!"));
    results.forEach((result, i) => assert.equal(result, `#${i}!`));
    assert.equal(g.id, undefined);
  });

  it("LocalManager.middleware() passes this and 0 to 3 arguments, also to a handler with its own call", () => {
    const manager = new LocalManager();
    function handler(this: unknown, ...args: unknown[]): unknown[] {
      return [this, ...args];
    }
    // A `call` of its own must not be what the middleware calls.
    const odd = Object.assign(function (this: unknown, ...args: unknown[]): unknown[] {
      return [this, ...args];
    }, { call: () => ["not the handler"] });
    const self = { name: "server" };
    for (const fn of [handler, odd]) {
      const wrapped = manager.middleware(fn);
      assert.deepEqual(wrapped.call(self), [self]);
      assert.deepEqual(wrapped.call(self, 1), [self, 1]);
      assert.deepEqual(wrapped.call(self, 1, 2), [self, 1, 2]);
      assert.deepEqual(wrapped.call(self, 1, 2, 3), [self, 1, 2, 3]);
      assert.deepEqual(wrapped(1, 2), [undefined, 1, 2]);
    }
  });

  it("LocalManager.middleware() starts each call with the caller's values", () => {
    const g = new Local<{ app: string; id: number }>();
    const manager = new LocalManager();
    const handle = manager.middleware((id: number) => {
      const seen = g.app;
      g.app = `changed by ${id}`;
      return seen;
    });
    manager.run(() => {
      g.app = "configured";
      assert.equal(handle(1), "configured");
      assert.equal(handle(2), "configured");
      assert.equal(g.app, "configured");
    });
  });

  it("LocalManager.middleware() keeps a synchronous throw synchronous", () => {
    const manager = new LocalManager();
    const handle = manager.middleware(() => {
      throw new TypeError("bad request");
    });
    assert.throws(() => handle(), { name: "TypeError", message: "bad request" });
  });
});
