/**
 * Arrays through a LocalProxy spread as arrays where the language asks the
 * object (`Symbol.isConcatSpreadable`), and an unbound proxy lists no keys
 * (werkzeug's `dir()` of an unbound proxy is `[]`) while reads and writes
 * keep throwing its unbound message.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LocalProxy, LocalStack } from "../mod.ts";

describe("LocalProxy over arrays and when unbound", () => {
  it("Array#concat spreads a proxied array as the array itself", () => {
    const stack = new LocalStack<unknown>();
    const items = new LocalProxy(stack as LocalStack<number[]>);
    stack.run([1, 2, 3], () => {
      assert.deepEqual([0].concat(items), [0, 1, 2, 3]);
      assert.equal(items[Symbol.isConcatSpreadable as never], true);
    });
    // Not an array: concat appends the proxy as one element, as for the object.
    stack.run({ length: 1, 0: "a" }, () => {
      const joined = ([0] as unknown[]).concat(items);
      assert.equal(joined.length, 2);
      assert.equal(joined[1], items);
    });
    // An object's own answer wins, as for the real object.
    const spreadable = { length: 2, 0: "a", 1: "b", [Symbol.isConcatSpreadable]: true };
    stack.run(spreadable, () => assert.deepEqual([0].concat(items), [0, "a", "b"]));
  });

  it("Object.keys, Reflect.ownKeys and spread of an unbound proxy are empty", () => {
    const stack = new LocalStack<Record<string, unknown>>();
    const proxy = new LocalProxy(stack, undefined, { unboundMessage: "no request" });
    assert.deepEqual(Object.keys(proxy), []);
    assert.deepEqual(Reflect.ownKeys(proxy), []);
    assert.deepEqual({ ...proxy }, {});
    assert.throws(() => proxy.x, { message: "no request" });
    assert.throws(() => (proxy.x = 1), { message: "no request" });
    assert.throws(() => "x" in proxy, { message: "no request" });
    stack.run({ a: 1 }, () => assert.deepEqual(Object.keys(proxy), ["a"]));
  });
});
