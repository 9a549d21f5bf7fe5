import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AsyncLocalStorage } from "node:async_hooks";
import { inspect } from "node:util";
import { Local, LocalManager, LocalProxy, type LocalProxySource, LocalStack } from "../mod.ts";
import { concurrently, randomDelay } from "./_helpers.ts";

const manager = new LocalManager();

/** A proxy over a fresh stack, and a way to run code with `item` on top. */
function proxyOn<T extends object>(): { proxy: T; stack: LocalStack<T> } {
  const stack = new LocalStack<T>();
  return { proxy: new LocalProxy<T>(stack), stack };
}

class Account {
  #balance: number;
  constructor(balance: number) {
    this.#balance = balance;
  }
  get balance(): number {
    return this.#balance;
  }
  deposit(amount: number): number {
    this.#balance += amount;
    return this.#balance;
  }
}

describe("LocalProxy sources", () => {
  it("LocalProxy over a Local reads the named value of the current scope", () => {
    const g = new Local<{ user: { name: string } }>();
    const user = new LocalProxy(g, "user");
    manager.run(() => {
      g.user = { name: "ada" };
      assert.equal(user.name, "ada");
    });
    manager.run(() => {
      g.user = { name: "grace" };
      assert.equal(user.name, "grace");
    });
  });

  it("LocalProxy over a LocalStack reads its top", () => {
    const { proxy, stack } = proxyOn<{ id: number }>();
    stack.run({ id: 1 }, () => {
      assert.equal(proxy.id, 1);
      stack.run({ id: 2 }, () => assert.equal(proxy.id, 2));
      assert.equal(proxy.id, 1);
    });
  });

  it("LocalProxy over an AsyncLocalStorage reads its store", () => {
    const als = new AsyncLocalStorage<{ id: number }>();
    const proxy = new LocalProxy(als);
    als.run({ id: 3 }, () => assert.equal(proxy.id, 3));
    assert.throws(() => proxy.id, { message: "object is not bound" });
  });

  it("LocalProxy over a function reads its result on every access", () => {
    let current = { id: 1 };
    const proxy = new LocalProxy(() => current);
    assert.equal(proxy.id, 1);
    current = { id: 2 };
    assert.equal(proxy.id, 2);
  });

  it("LocalProxy with a dotted name follows the path on every access", () => {
    const { stack } = proxyOn<{ app: { config: { debug: boolean } } }>();
    const config = new LocalProxy<{ debug: boolean }>(stack, "app.config");
    stack.run({ app: { config: { debug: true } } }, () => assert.equal(config.debug, true));
    stack.run({ app: { config: { debug: false } } }, () => assert.equal(config.debug, false));
    // A missing link anywhere on the path means unbound.
    stack.run({ app: undefined as never }, () => {
      assert.throws(() => config.debug, { message: "object is not bound" });
    });
  });

  it("LocalProxy over a Local with a dotted name starts at the named value", () => {
    const g = new Local<{ session: { user: { name: string } } }>();
    const name = new LocalProxy<string>(g, "session.user.name");
    manager.run(() => {
      g.session = { user: { name: "ada" } };
      assert.equal(name.length, 3);
      assert.equal(name.toUpperCase(), "ADA");
    });
  });

  it("LocalProxy over a Local needs a name", () => {
    const g = new Local();
    assert.throws(() => new LocalProxy(g as never), {
      name: "TypeError",
      message: /with a Local source needs the name of the value to proxy/,
    });
  });

  it("LocalProxy instances are isolated across 120 concurrent scopes", async () => {
    const { proxy, stack } = proxyOn<{ id: number; tags: Set<number> }>();
    const g = new Local<{ user: { id: number } }>();
    const user = new LocalProxy(g, "user");
    let crossTalk = 0;
    await concurrently(
      120,
      (id) =>
        stack.run({ id, tags: new Set() }, () =>
          manager.run(async () => {
            for (let step = 0; step < 4; step++) {
              await randomDelay();
              g.user = { id };
              proxy.tags.add(step);
              await randomDelay();
              if (proxy.id !== id || user.id !== id || proxy.tags.size !== step + 1) crossTalk++;
            }
          })),
    );
    assert.equal(crossTalk, 0);
  });
});

describe("LocalProxy traps", () => {
  it("get reads through the real object, with getters run on the real object", () => {
    const { proxy, stack } = proxyOn<Account>();
    stack.run(new Account(10), () => {
      assert.equal(proxy.balance, 10);
      assert.equal(proxy.deposit(5), 15);
      assert.equal(proxy.balance, 15);
    });
  });

  it("get returns the same bound method every time (stable identity)", () => {
    const { proxy, stack } = proxyOn<Map<string, number>>();
    const map = new Map([["a", 1]]);
    stack.run(map, () => {
      assert.equal(proxy.get, proxy.get);
      const get = proxy.get;
      assert.equal(get("a"), 1); // detached, still bound to the real map
    });
    stack.run(new Map([["a", 2]]), () => {
      assert.equal(proxy.get("a"), 2);
    });
  });

  it("get returns the real constructor, not a bound copy", () => {
    const { proxy, stack } = proxyOn<Account>();
    stack.run(new Account(1), () => assert.equal(proxy.constructor, Account));
  });

  it("set writes the current object", () => {
    const { proxy, stack } = proxyOn<{ count: number }>();
    const real = { count: 0 };
    stack.run(real, () => {
      proxy.count = 5;
      assert.equal(real.count, 5);
    });
  });

  it("has, deleteProperty and ownKeys see the current object", () => {
    const tag = Symbol("tag");
    const { proxy, stack } = proxyOn<Record<PropertyKey, unknown>>();
    const real: Record<PropertyKey, unknown> = { a: 1, b: 2, [tag]: 3 };
    stack.run(real, () => {
      assert.equal("a" in proxy, true);
      assert.equal("toString" in proxy, true);
      assert.equal("zzz" in proxy, false);
      assert.deepEqual(Reflect.ownKeys(proxy), ["a", "b", tag]);
      assert.equal(delete proxy.a, true);
      assert.deepEqual(Object.keys(real), ["b"]);
      assert.deepEqual(Object.keys(proxy), ["b"]);
      assert.deepEqual({ ...proxy }, { b: 2, [tag]: 3 });
    });
  });

  it("getOwnPropertyDescriptor reports the real descriptor, always configurable", () => {
    const { proxy, stack } = proxyOn<{ fixed: number; loose: number }>();
    const real = { loose: 2 } as { fixed: number; loose: number };
    Object.defineProperty(real, "fixed", { value: 1, enumerable: true });
    stack.run(real, () => {
      assert.deepEqual(Object.getOwnPropertyDescriptor(proxy, "loose"), {
        value: 2,
        writable: true,
        enumerable: true,
        configurable: true,
      });
      // Non-configurable on the real object, but the proxy's shared target
      // cannot carry it: reported configurable instead of the engine's TypeError.
      assert.deepEqual(Object.getOwnPropertyDescriptor(proxy, "fixed"), {
        value: 1,
        writable: false,
        enumerable: true,
        configurable: true,
      });
      assert.equal(Object.getOwnPropertyDescriptor(proxy, "missing"), undefined);
    });
  });

  it("defineProperty defines on the current object and never on the shared target", async () => {
    const { proxy, stack } = proxyOn<Record<string, unknown>>();
    const first: Record<string, unknown> = {};
    const second: Record<string, unknown> = {};
    await Promise.all([
      stack.run(first, async () => {
        Object.defineProperty(proxy, "mark", {
          value: "first",
          configurable: true,
          writable: true,
        });
        await randomDelay();
        assert.equal(proxy.mark, "first");
      }),
      stack.run(second, async () => {
        await randomDelay();
        assert.equal("mark" in proxy, false);
        assert.equal(Object.getOwnPropertyDescriptor(proxy, "mark"), undefined);
        assert.deepEqual(Object.keys(proxy), []);
      }),
    ]);
    assert.equal(first.mark, "first");
    assert.equal("mark" in second, false);
  });

  it("defineProperty of a non-configurable property is a clear TypeError", () => {
    const { proxy, stack } = proxyOn<Record<string, unknown>>();
    const real: Record<string, unknown> = {};
    stack.run(real, () => {
      assert.throws(
        () => Object.defineProperty(proxy, "x", { value: 1, configurable: false }),
        { name: "TypeError", message: /cannot define the non-configurable property x/ },
      );
      assert.equal("x" in real, false);
    });
  });

  it("getPrototypeOf reports the current object's prototype, so instanceof works", () => {
    const { proxy, stack } = proxyOn<object>();
    stack.run(new Account(1), () => {
      assert.equal(Object.getPrototypeOf(proxy), Account.prototype);
      assert.equal(proxy instanceof Account, true);
      assert.equal(proxy instanceof Map, false);
    });
    stack.run(new Map(), () => assert.equal(proxy instanceof Map, true));
  });

  it("setPrototypeOf changes the current object's prototype only", () => {
    const { proxy, stack } = proxyOn<object>();
    const real = {};
    const prototype = { greet: () => "hi" };
    stack.run(real, () => {
      Object.setPrototypeOf(proxy, prototype);
      assert.equal(Object.getPrototypeOf(real), prototype);
    });
    stack.run({}, () => assert.equal(Object.getPrototypeOf(proxy), Object.prototype));
  });

  it("isExtensible is true and preventExtensions/freeze/seal are clear TypeErrors", () => {
    const { proxy, stack } = proxyOn<object>();
    const real = {};
    stack.run(real, () => {
      assert.equal(Object.isExtensible(proxy), true);
      assert.throws(() => Object.preventExtensions(proxy), {
        name: "TypeError",
        message: /apply it to LocalProxy.getCurrentObject\(proxy\) instead/,
      });
      assert.throws(() => Object.freeze(proxy), { name: "TypeError" });
      assert.throws(() => Object.seal(proxy), { name: "TypeError" });
      assert.equal(Object.isExtensible(real), true);
      assert.equal(Object.isFrozen(proxy), false);
    });
  });

  it("apply and construct forward to the current function when callable is set", () => {
    const stack = new LocalStack<unknown>();
    const fn = new LocalProxy(stack as LocalStack<(a: number, b: number) => unknown>, undefined, {
      callable: true,
    });
    const Ctor = new LocalProxy(stack as LocalStack<typeof Account>, undefined, { callable: true });
    assert.equal(typeof fn, "function");
    stack.run((a: number, b: number) => a + b, () => assert.equal(fn(2, 3), 5));
    stack.run(function (this: unknown) {
      return this;
    }, () => {
      const self = { fn };
      assert.equal(self.fn(1, 2), self as never);
    });
    stack.run(Account, () => {
      const account = new Ctor(7);
      assert.equal(account instanceof Account, true);
      assert.equal(account.balance, 7);
    });
    stack.run({ notCallable: true }, () => {
      assert.throws(() => fn(1, 2), {
        name: "TypeError",
        message: /cannot call its current object: it is a plain object/,
      });
      assert.throws(() => new Ctor(1), {
        name: "TypeError",
        message: /cannot construct its current object: it is a plain object/,
      });
    });
  });

  it("a proxy is typeof object and not callable unless callable is set", () => {
    const stack = new LocalStack<() => number>();
    const proxy = new LocalProxy(stack);
    assert.equal(typeof proxy, "object");
    stack.run(() => 1, () => {
      assert.throws(() => (proxy as unknown as () => number)(), TypeError);
      // Methods of a function object still work through an object proxy.
      assert.equal(proxy.call(null), 1);
    });
  });
});

describe("LocalProxy with built-ins", () => {
  it("Map methods work through a proxy", () => {
    const { proxy, stack } = proxyOn<Map<string, number>>();
    stack.run(new Map(), () => {
      proxy.set("a", 1).set("b", 2);
      assert.equal(proxy.size, 2);
      assert.equal(proxy.get("b"), 2);
      assert.equal(proxy.has("a"), true);
      assert.deepEqual([...proxy], [["a", 1], ["b", 2]]);
      assert.deepEqual([...proxy.keys()], ["a", "b"]);
      proxy.forEach((value, key) => assert.equal(typeof key + typeof value, "stringnumber"));
    });
  });

  it("Date methods work through a proxy", () => {
    const { proxy, stack } = proxyOn<Date>();
    const date = new Date(Date.UTC(2026, 10, 23));
    stack.run(date, () => {
      assert.equal(proxy.getTime(), date.getTime());
      assert.equal(proxy.toISOString(), "2026-11-23T00:00:00.000Z");
      assert.equal(proxy instanceof Date, true);
      assert.equal(JSON.stringify(proxy), JSON.stringify(date));
    });
  });

  it("URL getters work through a proxy", () => {
    const { proxy, stack } = proxyOn<URL>();
    stack.run(new URL("https://example.com:8443/a/b?q=1#h"), () => {
      assert.equal(proxy.pathname, "/a/b");
      assert.equal(proxy.searchParams.get("q"), "1");
      assert.equal(proxy.port, "8443");
      assert.equal(String(proxy), "https://example.com:8443/a/b?q=1#h");
      assert.equal(`${proxy}`, "https://example.com:8443/a/b?q=1#h");
    });
  });

  it("Request headers and json() work through a proxy, and instanceof Request holds", async () => {
    const { proxy, stack } = proxyOn<Request>();
    const request = new Request("http://localhost/items?id=9", {
      method: "POST",
      headers: { "content-type": "application/json", "x-id": "abc" },
      body: JSON.stringify({ id: 9 }),
    });
    await stack.run(request, async () => {
      assert.equal(proxy instanceof Request, true);
      assert.equal(proxy.method, "POST");
      assert.equal(proxy.headers.get("x-id"), "abc");
      assert.equal(new URL(proxy.url).searchParams.get("id"), "9");
      assert.deepEqual(await proxy.json(), { id: 9 });
      assert.equal(proxy.bodyUsed, true);
    });
  });

  it("Headers methods work through a proxy", () => {
    const { proxy, stack } = proxyOn<Headers>();
    stack.run(new Headers({ a: "1" }), () => {
      proxy.append("b", "2");
      assert.equal(proxy.get("b"), "2");
      assert.deepEqual([...proxy.entries()], [["a", "1"], ["b", "2"]]);
    });
  });

  it("classes with #private members work through a proxy", () => {
    const { proxy, stack } = proxyOn<Account>();
    stack.run(new Account(1), () => {
      assert.equal(proxy.deposit(2), 3);
      assert.equal(proxy.balance, 3);
    });
  });

  it("arrays work through a proxy, and JSON.stringify keeps them arrays", () => {
    const { proxy, stack } = proxyOn<number[]>();
    const array = [3, 1, 2];
    stack.run(array, () => {
      assert.equal(proxy.length, 3);
      assert.equal(proxy[0], 3);
      assert.deepEqual(proxy.map((n) => n * 2), [6, 2, 4]);
      assert.deepEqual([...proxy], [3, 1, 2]);
      proxy.push(4);
      assert.deepEqual(array, [3, 1, 2, 4]);
      assert.equal(JSON.stringify(proxy), JSON.stringify(array));
      assert.equal(JSON.stringify({ list: proxy }), '{"list":[3,1,2,4]}');
    });
  });

  it("frozen objects work through a proxy without invariant errors", () => {
    const { proxy, stack } = proxyOn<{ readonly a: number; nested: { b: readonly number[] } }>();
    const frozen = Object.freeze({ a: 1, nested: Object.freeze({ b: Object.freeze([1]) }) });
    stack.run(frozen, () => {
      assert.equal(proxy.a, 1);
      assert.deepEqual(Object.keys(proxy), ["a", "nested"]);
      assert.equal(Object.getOwnPropertyDescriptor(proxy, "a")?.writable, false);
      assert.deepEqual({ ...proxy }, { a: 1, nested: { b: [1] } });
      assert.equal(JSON.stringify(proxy), JSON.stringify(frozen));
      assert.throws(() => {
        "use strict";
        (proxy as { a: number }).a = 2;
      }, TypeError);
      assert.equal(frozen.a, 1);
    });
  });

  it("JSON.stringify(proxy) equals JSON.stringify(real) and honours a real toJSON", () => {
    const { proxy, stack } = proxyOn<object>();
    const values: object[] = [
      { a: 1, b: [true, null], c: { d: "e" } },
      { toJSON: () => "custom" },
      [],
      new Map([["a", 1]]),
    ];
    for (const value of values) {
      stack.run(value, () => assert.equal(JSON.stringify(proxy), JSON.stringify(value)));
    }
  });

  it("a proxy of a stack reads a primitive or function item's members as the language does", () => {
    const stack = new LocalStack<unknown>();
    const item = new LocalProxy(stack) as unknown as Record<PropertyKey, unknown>;
    stack.run("ada", () => {
      assert.equal(item.length, 3);
      assert.equal(item[1], "d");
      assert.equal(item.missing, undefined);
    });
    stack.run(Symbol("id"), () => assert.equal(item.description, "id"));
    function named(): void {}
    stack.run(named, () => {
      assert.equal(item.name, "named");
      assert.equal(item.call, item.call);
    });
    stack.run(null, () => assert.throws(() => item.length, /not bound/));
  });

  it("a proxy of a stack runs the item's getter once per read, whatever it returns", () => {
    const stack = new LocalStack<object>();
    const item = new LocalProxy(stack) as unknown as Record<string, unknown>;
    const calls: string[] = [];
    const counted = (key: string, value: unknown) => ({
      get() {
        calls.push(key);
        return value;
      },
    });
    // Own, so the proxy returns it as it is (only inherited methods are bound).
    const method = (): void => {};
    const fn = Object.defineProperties(function item(): void {}, {
      undefinedValue: counted("function.undefinedValue", undefined),
      method: counted("function.method", method),
    });
    const plain = Object.defineProperties({}, {
      undefinedValue: counted("object.undefinedValue", undefined),
      value: counted("object.value", 1),
      method: counted("object.method", method),
    });
    stack.run(plain, () => {
      assert.equal(item.undefinedValue, undefined);
      assert.equal(item.value, 1);
      assert.equal(item.method, method);
    });
    stack.run(fn, () => {
      assert.equal(item.undefinedValue, undefined);
      assert.equal(item.method, method);
    });
    assert.deepEqual(calls, [
      "object.undefinedValue",
      "object.value",
      "object.method",
      "function.undefinedValue",
      "function.method",
    ]);
  });

  it("a proxy over a primitive-valued source reads the primitive's members", () => {
    const g = new Local<{ name: string; count: number }>();
    const name = new LocalProxy(g, "name");
    const count = new LocalProxy(g, "count");
    manager.run(() => {
      g.name = "ada";
      g.count = 5;
      assert.equal(name.length, 3);
      assert.equal(name.toUpperCase(), "ADA");
      assert.equal(count.toFixed(1), "5.0");
      assert.equal(`${name}`, "ada");
      assert.equal(JSON.stringify({ name, count }), '{"name":"ada","count":5}');
    });
  });
});

describe("LocalProxy printing and identity", () => {
  it("util.inspect prints the current object, or <LocalProxy unbound>", () => {
    const { proxy, stack } = proxyOn<{ user: string }>();
    assert.equal(inspect(proxy), "<LocalProxy unbound>");
    stack.run({ user: "ada" }, () => {
      assert.equal(inspect(proxy), inspect({ user: "ada" }));
      assert.equal(inspect({ nested: proxy }), inspect({ nested: { user: "ada" } }));
    });
    stack.run(new Map([["k", 1]]) as never, () => {
      assert.equal(inspect(proxy), inspect(new Map([["k", 1]])));
    });
  });

  // Each runtime's own inspector, in its own format.
  const runtimeInspectors = ["Deno", "Bun"].map((runtime) => {
    const api = (globalThis as Record<string, unknown>)[runtime] as
      | { inspect(value: unknown): string }
      | undefined;
    return { runtime, api, expected: api?.inspect };
  });
  for (const { runtime, api, expected } of runtimeInspectors) {
    it(`${runtime}.inspect prints the current object`, {
      skip: api === undefined && `${runtime}.inspect exists on ${runtime} only`,
    }, () => {
      const { proxy, stack } = proxyOn<{ user: string }>();
      assert.equal(api!.inspect(proxy), "<LocalProxy unbound>");
      stack.run({ user: "ada" }, () => {
        assert.equal(api!.inspect(proxy), expected!({ user: "ada" }));
      });
    });
  }

  it("instanceof LocalProxy is true bound or unbound, false for anything else", () => {
    const { proxy, stack } = proxyOn<object>();
    assert.equal(proxy instanceof LocalProxy, true);
    stack.run({}, () => assert.equal(proxy instanceof LocalProxy, true));
    assert.equal({} instanceof LocalProxy, false);
    assert.equal(new Proxy({}, {}) instanceof LocalProxy, false);
    assert.equal(Object.getPrototypeOf(proxy), LocalProxy.prototype);
  });

  it("LocalProxy.getCurrentObject() and _getCurrentObject() return the real object", () => {
    const { proxy, stack } = proxyOn<{ id: number }>();
    const real = { id: 1 };
    stack.run(real, () => {
      assert.equal(LocalProxy.getCurrentObject(proxy), real);
      const getter = (proxy as unknown as { _getCurrentObject(): unknown })._getCurrentObject;
      assert.equal(getter(), real);
      assert.notEqual(proxy, real); // a known limit: identity differs
    });
    assert.throws(() => LocalProxy.getCurrentObject({}), {
      name: "TypeError",
      message: /expects a LocalProxy; received a plain object/,
    });
  });

  it("the documented limits hold: Array.isArray, typeof, truthiness, structuredClone", () => {
    const { proxy, stack } = proxyOn<number[]>();
    stack.run([1], () => {
      assert.equal(Array.isArray(proxy), false);
      assert.equal(typeof proxy, "object");
      assert.deepEqual(Array.from(proxy), [1]);
      assert.throws(() => structuredClone(proxy));
    });
    assert.equal(Boolean(proxy), true); // truthy even when unbound
  });
});

describe("LocalProxy when unbound", () => {
  it("every trap but ownKeys throws the default unbound message", () => {
    const { proxy } = proxyOn<Record<string, unknown>>();
    const attempts: [string, () => unknown][] = [
      ["get", () => proxy.x],
      ["set", () => (proxy.x = 1)],
      ["has", () => "x" in proxy],
      ["deleteProperty", () => delete proxy.x],
      ["getOwnPropertyDescriptor", () => Object.getOwnPropertyDescriptor(proxy, "x")],
      ["defineProperty", () => Object.defineProperty(proxy, "x", { value: 1 })],
      ["setPrototypeOf", () => Object.setPrototypeOf(proxy, null)],
      ["isExtensible", () => Object.isExtensible(proxy)],
      ["preventExtensions", () => Object.preventExtensions(proxy)],
      ["JSON.stringify", () => JSON.stringify(proxy)],
      ["getCurrentObject", () => LocalProxy.getCurrentObject(proxy)],
    ];
    for (const [trap, attempt] of attempts) {
      assert.throws(attempt, { name: "Error", message: "object is not bound" }, trap);
    }
  });

  it("apply and construct throw the unbound message on a callable proxy", () => {
    const fn = new LocalProxy(new LocalStack<() => void>(), undefined, { callable: true });
    assert.throws(() => fn(), { message: "object is not bound" });
    assert.throws(() => new (fn as unknown as new () => object)(), {
      message: "object is not bound",
    });
  });

  it("a custom unboundMessage is used", () => {
    const stack = new LocalStack<Request>();
    const request = new LocalProxy(stack, undefined, {
      unboundMessage: "working outside of request context",
    });
    assert.throws(() => request.url, { message: "working outside of request context" });
  });

  it("null counts as unbound", () => {
    const proxy = new LocalProxy<{ a: number } | null>(() => null);
    assert.throws(() => proxy.a, { message: "object is not bound" });
  });
});

describe("LocalProxy types", () => {
  it("LocalProxy over a LocalStack<Request> is typed as Request", async () => {
    const stack = new LocalStack<Request>();
    const request = new LocalProxy(stack);
    const g = new Local<{ user: { name: string } }>();
    const user = new LocalProxy(g, "user");
    const read = async (): Promise<string> => {
      const typed: Request = request;
      const name: string = user.name;
      // @ts-expect-error -- a Request has no such member
      typed.nope;
      // @ts-expect-error -- only keys of the Local are accepted
      new LocalProxy(g, "nope");
      return `${name} ${new URL(typed.url).pathname} ${await typed.text()}`;
    };
    const text = await stack.run(
      new Request("http://x/p", { method: "POST", body: "b" }),
      () =>
        manager.run(() => {
          g.user = { name: "ada" };
          return read();
        }),
    );
    assert.equal(text, "ada /p b");
  });

  it("LocalProxySource is accepted by the constructor and types the proxy", () => {
    const stack = new LocalStack<URL>();
    const sources: LocalProxySource<URL | undefined>[] = [stack, () => stack.top];
    for (const source of sources) {
      const url: URL = new LocalProxy(source);
      const path = new LocalProxy<string>(source, "pathname");
      stack.run(new URL("http://x/p"), () => assert.equal(`${url.pathname}${path}`, "/p/p"));
    }
  });
});
