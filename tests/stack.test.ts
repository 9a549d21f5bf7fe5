import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LocalManager, LocalStack } from "../mod.ts";
import { sleep } from "./_helpers.ts";

const manager = new LocalManager();

describe("LocalStack", () => {
  it("LocalStack.top is undefined when empty and the last push otherwise", () => {
    const stack = new LocalStack<string>();
    manager.run(() => {
      assert.equal(stack.top, undefined);
      stack.push("a");
      stack.push("b");
      assert.equal(stack.top, "b");
    });
    assert.equal(stack.top, undefined);
  });

  it("LocalStack.pop() returns undefined when empty", () => {
    const stack = new LocalStack<string>();
    manager.run(() => {
      assert.equal(stack.pop(), undefined);
      stack.push("a");
      assert.equal(stack.pop(), "a");
      assert.equal(stack.pop(), undefined);
      assert.equal(stack.top, undefined);
    });
  });

  it("LocalStack.push() accepts falsy items other than undefined", () => {
    const stack = new LocalStack<unknown>();
    manager.run(() => {
      for (const item of [null, 0, "", false, Number.NaN]) {
        stack.push(item);
        assert.equal(stack.top, item);
      }
      assert.equal(Number.isNaN(stack.pop()), true);
      assert.equal(stack.pop(), false);
    });
  });

  it("LocalStack.push() returns a Disposable that undoes the push", () => {
    const stack = new LocalStack<string>();
    manager.run(() => {
      stack.push("base");
      const pushed = stack.push("x");
      assert.equal(typeof pushed[Symbol.dispose], "function");
      pushed[Symbol.dispose]();
      assert.equal(stack.top, "base");
      pushed[Symbol.dispose](); // a second disposal changes nothing
      assert.equal(stack.top, "base");
    });
  });

  it("disposing an earlier push removes that item and keeps the ones above it", () => {
    const stack = new LocalStack<string>();
    manager.run(() => {
      const a = stack.push("a");
      const b = stack.push("b");
      const c = stack.push("c");
      b[Symbol.dispose]();
      assert.equal(stack.pop(), "c");
      assert.equal(stack.top, "a");
      c[Symbol.dispose](); // already popped: nothing to undo
      assert.equal(stack.top, "a");
      stack.push("d");
      a[Symbol.dispose]();
      assert.equal(stack.pop(), "d");
      assert.equal(stack.pop(), undefined);
    });
  });

  it("disposing a push after another removal still finds the re-created frames", () => {
    const stack = new LocalStack<string>();
    manager.run(() => {
      const a = stack.push("a");
      stack.push("b");
      const c = stack.push("c");
      a[Symbol.dispose](); // frames b and c are rebuilt without a
      c[Symbol.dispose]();
      assert.equal(stack.pop(), "b");
      assert.equal(stack.top, undefined);
    });
  });

  /** The stack's items from the bottom up, read in a throwaway child scope. */
  const contents = <T>(stack: LocalStack<T>): T[] =>
    manager.run(() => {
      const items: T[] = [];
      for (let item = stack.pop(); item !== undefined; item = stack.pop()) items.unshift(item);
      return items;
    });

  /** Opens a child scope now; the returned reader reads its stack later, in that scope. */
  const childScope = <T>(stack: LocalStack<T>): () => Promise<T[]> => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => release = resolve);
    const read = manager.run(async () => {
      await gate;
      return contents(stack);
    });
    return () => {
      release();
      return read;
    };
  };

  for (const forkFirst of [false, true]) {
    const when = forkFirst ? "after a child scope opened" : "in the scope that pushed";
    it(`disposing pushes in FIFO order ${when} leaves the pushes made since`, async () => {
      const stack = new LocalStack<number>();
      await manager.run(async () => {
        const pushes = [0, 1, 2, 3, 4, 5].map((n) => stack.push(n));
        const child = forkFirst ? childScope(stack) : undefined;
        for (const n of [0, 1, 2]) pushes[n][Symbol.dispose]();
        assert.deepEqual(contents(stack), [3, 4, 5]);
        stack.push(6);
        pushes[4][Symbol.dispose]();
        pushes[0][Symbol.dispose](); // already disposed
        assert.deepEqual(contents(stack), [3, 5, 6]);
        assert.equal(stack.pop(), 6);
        pushes[5][Symbol.dispose]();
        pushes[3][Symbol.dispose]();
        assert.deepEqual(contents(stack), []);
        if (child) assert.deepEqual(await child(), [0, 1, 2, 3, 4, 5]);
      });
    });
  }

  it("disposing pushes alternately around child scopes keeps every scope's stack", async () => {
    const stack = new LocalStack<string>();
    await manager.run(async () => {
      const a = stack.push("a");
      const b = stack.push("b");
      const seenByFirst = childScope(stack);
      const c = stack.push("c");
      b[Symbol.dispose]();
      const seenBySecond = childScope(stack);
      a[Symbol.dispose]();
      stack.push("d");
      c[Symbol.dispose]();
      assert.deepEqual(contents(stack), ["d"]);
      assert.deepEqual(await seenByFirst(), ["a", "b"]);
      assert.deepEqual(await seenBySecond(), ["a", "c"]);
    });
  });

  it("disposing a push after releaseLocal() or pop() changes nothing", () => {
    const stack = new LocalStack<string>();
    const owner = new LocalManager(stack);
    manager.run(() => {
      const a = stack.push("a");
      stack.push("b");
      owner.cleanup();
      stack.push("c");
      a[Symbol.dispose]();
      assert.deepEqual(contents(stack), ["c"]);
      const d = stack.push("d");
      assert.equal(stack.pop(), "d");
      d[Symbol.dispose]();
      assert.deepEqual(contents(stack), ["c"]);
    });
  });

  it("disposing a push made in a parent scope leaves a child scope's stack alone", async () => {
    const stack = new LocalStack<string>();
    await manager.run(async () => {
      const pushed = stack.push("parent");
      const child = manager.run(async () => {
        await sleep(2);
        return stack.top;
      });
      pushed[Symbol.dispose]();
      assert.equal(stack.top, undefined);
      assert.equal(await child, "parent");
    });
  });

  it("LocalStack.run() puts the item on top for fn only and returns fn's result", () => {
    const stack = new LocalStack<string>();
    stack.push("root");
    try {
      const result = stack.run("inner", () => {
        assert.equal(stack.top, "inner");
        assert.equal(stack.pop(), "inner");
        assert.equal(stack.top, "root");
        return 42;
      });
      assert.equal(result, 42);
      assert.equal(stack.top, "root");
    } finally {
      stack.pop();
    }
  });

  it("LocalStack.run() restores the stack when fn throws", () => {
    const stack = new LocalStack<string>();
    assert.throws(() =>
      stack.run("x", () => {
        stack.push("y");
        throw new RangeError("sync");
      }), { name: "RangeError", message: "sync" });
    assert.equal(stack.top, undefined);
  });

  it("LocalStack.run() restores the stack when fn's promise rejects", async () => {
    const stack = new LocalStack<string>();
    await assert.rejects(
      stack.run("x", async () => {
        await sleep(1);
        stack.push("y");
        throw new Error("async");
      }),
      { message: "async" },
    );
    assert.equal(stack.top, undefined);
  });

  it("everything LocalStack.run()'s fn starts sees its item, also after fn returns", async () => {
    const stack = new LocalStack<string>();
    let later: Promise<string | undefined> | undefined;
    stack.run("item", () => {
      later = new Promise((resolve) => setTimeout(() => resolve(stack.top), 3));
    });
    assert.equal(stack.top, undefined);
    assert.equal(await later, "item");
  });

  it("a pop in a child scope never pops the parent's item", () => {
    const stack = new LocalStack<string>();
    manager.run(() => {
      stack.push("parent");
      manager.run(() => {
        assert.equal(stack.pop(), "parent");
        assert.equal(stack.top, undefined);
      });
      assert.equal(stack.top, "parent");
    });
  });

  it("instanceof LocalStack is true for LocalStacks only", () => {
    assert.equal(new LocalStack() instanceof LocalStack, true);
    assert.equal({ top: 1 } instanceof LocalStack, false);
    assert.equal((undefined as unknown) instanceof LocalStack, false);
  });

  it("LocalStack types top and pop() as the item type or undefined", () => {
    const stack = new LocalStack<{ id: number }>();
    const read = (): { id: number } | undefined => {
      // @ts-expect-error -- the stack may be empty
      const sure: { id: number } = stack.top;
      return sure;
    };
    // @ts-expect-error -- items are typed
    assert.throws(() => stack.run(undefined, () => 1), TypeError);
    stack.run({ id: 1 }, () => assert.deepEqual(read(), { id: 1 }));
  });
});
