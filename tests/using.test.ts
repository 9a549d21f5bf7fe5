// `using` declarations need native explicit resource management, which Deno,
// Bun and Node >= 24 have (the runtimes this suite runs on). On a runtime
// without it this file does not parse, so it fails loudly instead of passing.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LocalManager, LocalStack } from "../mod.ts";
import { sleep } from "./_helpers.ts";

describe("using with LocalStack", () => {
  it("using with LocalStack.push() pops at the end of each block", () => {
    const stack = new LocalStack<string>();
    new LocalManager().run(() => {
      stack.push("base");
      {
        using _outer = stack.push("outer");
        {
          using _inner = stack.push("inner");
          assert.equal(stack.top, "inner");
        }
        assert.equal(stack.top, "outer");
      }
      assert.equal(stack.top, "base");
    });
  });

  it("using with LocalStack.push() pops when the block throws", () => {
    const stack = new LocalStack<string>();
    assert.throws(() => {
      using _pushed = stack.push("failing");
      assert.equal(stack.top, "failing");
      throw new Error("boom");
    }, { message: "boom" });
    assert.equal(stack.top, undefined);
  });

  it("using with LocalStack.push() across awaits pops in the same scope", async () => {
    const stack = new LocalStack<number>();
    const seen = await Promise.all([1, 2, 3].map((id) =>
      new LocalManager().run(async () => {
        {
          using _pushed = stack.push(id);
          await sleep(Math.random() * 4);
          assert.equal(stack.top, id);
        }
        return stack.top;
      })
    ));
    assert.deepEqual(seen, [undefined, undefined, undefined]);
  });
});
