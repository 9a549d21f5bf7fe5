/**
 * The error contract where a LocalProxy or a hostile value is involved:
 * every bad argument gives our TypeError saying what was received, in a
 * message of bounded size, never an engine text or the value's own error.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LocalManager, LocalProxy, LocalStack, releaseLocal } from "../mod.ts";

/** Far longer than any description needs (they are capped near 100 characters). */
const MAX_MESSAGE = 300;

function revokedFunction(): () => unknown {
  const { proxy, revoke } = Proxy.revocable(() => ({}), {});
  revoke();
  return proxy;
}

class ThrowingName {
  static get name(): string {
    throw new RangeError("name getter");
  }
}

describe("LocalProxy error contract", () => {
  it("new LocalProxy(revoked function proxy) is our TypeError, not the engine's", () => {
    assert.throws(() => new LocalProxy(revokedFunction()), {
      name: "TypeError",
      message:
        /^new LocalProxy\(\) expects a Local, LocalStack, AsyncLocalStorage or function as its source; received a function that cannot be inspected/,
    });
  });

  it("a value whose static name getter throws is described, not rethrown", () => {
    assert.throws(() => releaseLocal(ThrowingName as never), {
      name: "TypeError",
      message:
        /^releaseLocal\(\) expects a Local or LocalStack; received a function that cannot be inspected/,
    });
  });

  it("an unbound callable LocalProxy passed to releaseLocal or new LocalManager is a TypeError", () => {
    const fn = new LocalProxy(new LocalStack<() => void>(), undefined, { callable: true });
    assert.throws(() => releaseLocal(fn as never), {
      name: "TypeError",
      message: "releaseLocal() expects a Local or LocalStack; received an unbound LocalProxy" +
        " (pass the Local or LocalStack it reads)",
    });
    assert.throws(() => new LocalManager(fn as never), {
      name: "TypeError",
      message: /^new LocalManager\(\) expects .*; received an unbound LocalProxy \(pass /,
    });
    const object = new LocalProxy(new LocalStack<object>());
    assert.throws(() => releaseLocal(object as never), {
      name: "TypeError",
      message: /received an unbound LocalProxy \(pass /,
    });
  });

  it("a bound LocalProxy is described as a LocalProxy, without reading through it", () => {
    const stack = new LocalStack<() => void>();
    const fn = new LocalProxy(stack, undefined, { callable: true });
    stack.run(function secret() {}, () => {
      assert.throws(() => releaseLocal(fn as never), {
        message: /received a LocalProxy of the function secret \(pass /,
      });
    });
  });

  it("descriptions of huge bigints, long symbol descriptions and names are capped", () => {
    const named = { [`f${"x".repeat(10_000)}`]: () => {} };
    const huge: [string, unknown][] = [
      ["bigint", 10n ** 20_000n],
      ["symbol", Symbol("s".repeat(100_000))],
      ["string", "t".repeat(100_000)],
      ["function", Object.values(named)[0]],
      [
        "class instance",
        new ({ [`C${"y".repeat(10_000)}`]: class {} })[`C${"y".repeat(10_000)}`](),
      ],
    ];
    for (const [label, value] of huge) {
      assert.throws(() => LocalProxy.getCurrentObject(value), (error: Error) => {
        assert.equal(error.name, "TypeError", label);
        assert.ok(error.message.length < MAX_MESSAGE, `${label}: ${error.message.length} chars`);
        assert.match(error.message, /…/, label);
        return true;
      });
    }
  });
});
