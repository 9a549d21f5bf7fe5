import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Local, LocalManager, LocalStack } from "../mod.ts";
import { concurrently, randomDelay, sleep } from "./_helpers.ts";

describe("scopes", () => {
  it("150 concurrent scopes with random delays never see each other's values", async () => {
    const g = new Local<{ id: number; trail: number[] }>();
    const stack = new LocalStack<number>();
    const manager = new LocalManager([g, stack]);
    let crossTalk = 0;
    const results = await concurrently(150, (id) =>
      manager.run(async () => {
        g.id = id;
        g.trail = [];
        for (let step = 0; step < 5; step++) {
          await randomDelay();
          if (g.id !== id || stack.top !== (step === 0 ? undefined : id * 10 + step - 1)) {
            crossTalk++;
          }
          stack.push(id * 10 + step);
          g.trail = [...g.trail!, step];
        }
        await randomDelay();
        const popped = [stack.pop(), stack.pop()];
        return { id: g.id, trail: g.trail, popped, top: stack.top };
      }));
    assert.equal(crossTalk, 0);
    results.forEach((result, id) => {
      assert.deepEqual(result, {
        id,
        trail: [0, 1, 2, 3, 4],
        popped: [id * 10 + 4, id * 10 + 3],
        top: id * 10 + 2,
      });
    });
    assert.equal(g.id, undefined);
    assert.equal(stack.top, undefined);
  });

  it("a write inside an awaited helper, after the helper's own await, is seen by the caller", async () => {
    const g = new Local<{ user: string }>();
    const stack = new LocalStack<string>();
    async function login(name: string): Promise<void> {
      await sleep(2);
      await Promise.resolve();
      g.user = name;
      stack.push(name);
    }
    const seen = await concurrently(50, (i) =>
      new LocalManager().run(async () => {
        await randomDelay();
        await login(`user-${i}`);
        await randomDelay();
        return [g.user, stack.top];
      }));
    seen.forEach((pair, i) => assert.deepEqual(pair, [`user-${i}`, `user-${i}`]));
    assert.equal(g.user, undefined);
  });

  it("a write from a timer callback is seen later in the same scope only", async () => {
    const g = new Local<{ tick: string }>();
    const seen = await concurrently(40, (i) =>
      new LocalManager().run(async () => {
        setTimeout(() => {
          g.tick = `timer-${i}`;
        }, Math.random() * 3);
        await sleep(10);
        return g.tick;
      }));
    seen.forEach((tick, i) => assert.equal(tick, `timer-${i}`));
    assert.equal(g.tick, undefined);
  });

  it("a write in a .then() callback is seen by the rest of the scope", async () => {
    const g = new Local<{ step: string }>();
    const value = await new LocalManager().run(async () => {
      await Promise.resolve().then(() => {
        g.step = "then";
      });
      return g.step;
    });
    assert.equal(value, "then");
  });

  it("a child scope starts with its parent's values as they are when it opens", async () => {
    const g = new Local<{ a: number; b: number }>();
    const stack = new LocalStack<string>();
    const manager = new LocalManager();
    await manager.run(async () => {
      g.a = 1;
      stack.push("parent");
      const child = manager.run(async () => {
        assert.equal(g.a, 1);
        assert.equal(stack.top, "parent");
        await sleep(5);
        // The parent's later writes do not reach the child.
        assert.equal(g.a, 1);
        assert.equal(g.b, undefined);
        assert.equal(stack.top, "parent");
        g.a = 2;
        stack.push("child");
        return [g.a, stack.top];
      });
      g.a = 10;
      g.b = 20;
      stack.push("parent-2");
      assert.deepEqual(await child, [2, "child"]);
      // ...and the child's writes never reach the parent.
      assert.equal(g.a, 10);
      assert.equal(stack.pop(), "parent-2");
      assert.equal(stack.pop(), "parent");
      assert.equal(stack.pop(), undefined);
    });
  });

  it("sibling scopes are independent, also with values inherited from the parent", async () => {
    const g = new Local<{ shared: string[]; name: string }>();
    const manager = new LocalManager();
    await manager.run(async () => {
      g.name = "parent";
      const [left, right] = await Promise.all(
        ["left", "right"].map((side) =>
          manager.run(async () => {
            await randomDelay();
            assert.equal(g.name, "parent");
            g.name = side;
            await randomDelay();
            delete g.name;
            await randomDelay();
            return { name: g.name, keys: Object.keys(g) };
          })
        ),
      );
      assert.deepEqual(left, { name: undefined, keys: [] });
      assert.deepEqual(right, { name: undefined, keys: [] });
      assert.equal(g.name, "parent");
    });
  });

  it("writes after a fork in the parent and in two children stay apart (copy-on-write)", () => {
    const g = new Local<Record<string, number>>();
    const manager = new LocalManager();
    manager.run(() => {
      g.x = 0;
      const inner: Record<string, unknown>[] = [];
      for (let i = 1; i <= 3; i++) {
        manager.run(() => {
          g.x = i;
          g[`own${i}`] = i;
          inner.push({ ...g });
        });
        g[`parent${i}`] = i;
      }
      assert.deepEqual(inner, [{ x: 1, own1: 1 }, { x: 2, parent1: 1, own2: 2 }, {
        x: 3,
        parent1: 1,
        parent2: 2,
        own3: 3,
      }]);
      assert.deepEqual({ ...g }, { x: 0, parent1: 1, parent2: 2, parent3: 3 });
    });
  });

  it("nested LocalStack.run() calls restore each level's top", async () => {
    const stack = new LocalStack<string>();
    const seen: (string | undefined)[] = [];
    await stack.run("a", async () => {
      seen.push(stack.top);
      await stack.run("b", async () => {
        await sleep(1);
        seen.push(stack.top);
        stack.run("c", () => seen.push(stack.top));
        seen.push(stack.top);
        assert.equal(stack.pop(), "b");
        assert.equal(stack.pop(), "a");
        seen.push(stack.top);
      });
      seen.push(stack.top);
    });
    seen.push(stack.top);
    assert.deepEqual(seen, ["a", "b", "c", "b", undefined, "a", undefined]);
  });

  it("outside any scope, values live in the root scope and are seen by scopes opened later", () => {
    const g = new Local<{ config: string }>();
    g.config = "root";
    try {
      const seen = new LocalManager().run(() => {
        const before = g.config;
        g.config = "changed in scope";
        return before;
      });
      assert.equal(seen, "root");
      assert.equal(g.config, "root");
    } finally {
      delete g.config;
    }
  });

  it("a scope's values stay readable from callbacks that outlive it", async () => {
    const g = new Local<{ id: number }>();
    const late = await new LocalManager().run(() => {
      g.id = 7;
      return new Promise<number | undefined>((resolve) => setTimeout(() => resolve(g.id), 5));
    });
    assert.equal(late, 7);
  });
});
