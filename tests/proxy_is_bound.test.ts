import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AsyncLocalStorage } from "node:async_hooks";
import { Local, LocalManager, LocalProxy, LocalStack } from "../mod.ts";

/** `new Local(options)` / `new LocalStack(options)`, typed loosely for strict sources. */
type X = { x: number };
const StrictLocal = Local as unknown as new (options: object) => Local<{ user: X }>;
const StrictStack = LocalStack as unknown as new (options: object) => LocalStack<X>;

describe("LocalProxy.isBound()", () => {
  it("LocalProxy.isBound() is false unbound and true bound, for every kind of source", () => {
    const stack = new LocalStack<object>();
    const g = new Local<{ user: object }>();
    const als = new AsyncLocalStorage<object>();
    const current: { value?: object } = {};
    const proxies = [
      new LocalProxy(stack),
      new LocalProxy(g, "user"),
      new LocalProxy(als),
      new LocalProxy(() => current.value),
      new LocalProxy(stack, "a.b"),
      new LocalProxy(stack, undefined, { callable: true }),
    ];
    for (const proxy of proxies) assert.equal(LocalProxy.isBound(proxy), false);
    current.value = {};
    const bound = stack.run({ a: { b: {} } }, () =>
      new LocalManager().run(() => {
        g.user = {};
        return als.run({}, () => proxies.map((proxy) => LocalProxy.isBound(proxy)));
      }));
    assert.deepEqual(bound, proxies.map(() => true));
  });

  it("LocalProxy.isBound() does not throw when the source or a path getter throws", () => {
    const throwing = new LocalProxy(() => {
      throw new RangeError("source failed");
    });
    assert.equal(LocalProxy.isBound(throwing), false);
    const stack = new LocalStack<object>();
    const path = new LocalProxy(stack, "bad.x");
    stack.run({
      get bad(): never {
        throw new RangeError("getter failed");
      },
    }, () => assert.equal(LocalProxy.isBound(path), false));
  });

  it("LocalProxy.isBound() over strict sources is false outside scopes, true inside", () => {
    const stack = new StrictStack({ strict: true, name: "requestStack" });
    const g = new StrictLocal({ strict: true, name: "g" });
    const request = new LocalProxy(stack, undefined, { unboundMessage: "no request" });
    const user = new LocalProxy(g, "user", { unboundMessage: "no user" });
    assert.equal(LocalProxy.isBound(request), false);
    assert.equal(LocalProxy.isBound(user), false);
    // The proxy's own unbound message, not the strict local's error.
    assert.throws(() => request.x, { name: "Error", message: "no request" });
    assert.throws(() => user.x, { name: "Error", message: "no user" });
    stack.run({ x: 1 }, () => {
      g.user = { x: 2 };
      assert.equal(LocalProxy.isBound(request), true);
      assert.equal(LocalProxy.isBound(user), true);
      assert.equal(request.x, 1);
      assert.equal(user.x, 2);
    });
  });

  it("LocalProxy.isBound() throws a TypeError for anything but a LocalProxy", () => {
    for (const value of [undefined, null, 1, "p", {}, () => {}, new LocalStack(), new Local()]) {
      assert.throws(() => LocalProxy.isBound(value), {
        name: "TypeError",
        message: /^LocalProxy\.isBound\(\) expects a LocalProxy; received /,
      });
    }
  });
});
