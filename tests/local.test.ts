import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { Local, LocalManager } from "../mod.ts";

const manager = new LocalManager();

describe("Local", () => {
  it("Local reads undefined for an unset key and `in` is false", () => {
    const g = new Local<{ user: string }>();
    assert.equal(g.user, undefined);
    assert.equal("user" in g, false);
  });

  it("Local stores any string or symbol key", () => {
    const tag = Symbol("tag");
    const g = new Local<Record<PropertyKey, unknown>>();
    manager.run(() => {
      g.user = "ada";
      g[tag] = 1;
      g["with space"] = true;
      assert.equal(g.user, "ada");
      assert.equal(g[tag], 1);
      assert.equal(g["with space"], true);
      assert.equal("user" in g, true);
      assert.equal(tag in g, true);
    });
  });

  it("Local keeps undefined as a value that is `in` the local", () => {
    const g = new Local<{ maybe: string | undefined }>();
    manager.run(() => {
      g.maybe = undefined;
      assert.equal("maybe" in g, true);
      assert.deepEqual(Object.keys(g), ["maybe"]);
    });
  });

  it("delete removes a value in the current scope only", () => {
    const g = new Local<{ user: string }>();
    manager.run(() => {
      g.user = "outer";
      manager.run(() => {
        assert.equal(delete g.user, true);
        assert.equal(g.user, undefined);
        assert.equal("user" in g, false);
        assert.equal(delete g.user, true); // deleting a missing key is fine, as on objects
      });
      assert.equal(g.user, "outer");
    });
  });

  it("Object.keys, Object.entries, spread and for..of see the current scope's values", () => {
    const tag = Symbol("tag");
    const g = new Local<Record<PropertyKey, unknown>>();
    manager.run(() => {
      g.a = 1;
      g.b = "two";
      g[tag] = 3;
      assert.deepEqual(Object.keys(g), ["a", "b"]);
      assert.deepEqual(Object.entries(g), [["a", 1], ["b", "two"]]);
      assert.deepEqual(Reflect.ownKeys(g), ["a", "b", tag]);
      const spread: Record<PropertyKey, unknown> = { ...g };
      assert.deepEqual(spread, { a: 1, b: "two", [tag]: 3 });
      const pairs: [PropertyKey, unknown][] = [];
      for (const [key, value] of g) pairs.push([key, value]);
      assert.deepEqual(pairs, [["a", 1], ["b", "two"], [tag, 3]]);
      assert.deepEqual(Object.assign({}, g), { a: 1, b: "two", [tag]: 3 });
    });
    assert.deepEqual(Object.keys(g), []);
    assert.deepEqual([...g], []);
  });

  it("iterating a Local while writing to it yields the values as they were", () => {
    const g = new Local<Record<string, number>>();
    manager.run(() => {
      g.a = 1;
      g.b = 2;
      const seen: string[] = [];
      for (const [key] of g) {
        seen.push(key);
        g[`${key}${key}`] = 0;
      }
      assert.deepEqual(seen, ["a", "b"]);
      assert.deepEqual(Object.keys(g), ["a", "b", "aa", "bb"]);
    });
  });

  it("__proto__, constructor, toString and hasOwnProperty are plain keys", () => {
    const g = new Local<Record<string, unknown>>();
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "constructor": "c"}');
    manager.run(() => {
      assert.equal(g.__proto__, undefined);
      assert.equal(g.constructor, undefined);
      assert.equal(g.toString, undefined);
      for (const [key, value] of Object.entries(hostile)) g[key] = value;
      // TypeScript types these names from Object.prototype; at run time they are plain keys.
      const [toStringKey, hasOwnPropertyKey]: string[] = ["toString", "hasOwnProperty"];
      g[toStringKey] = "plain";
      g[hasOwnPropertyKey] = 42;
      assert.deepEqual(g.__proto__, { polluted: true });
      assert.equal(g.constructor, "c");
      assert.equal(g.toString, "plain");
      assert.equal(g.hasOwnProperty, 42);
      assert.deepEqual(Object.keys(g), ["__proto__", "constructor", "toString", "hasOwnProperty"]);
      // No prototype was touched: not the Local's, not Object.prototype.
      assert.equal(Object.getPrototypeOf(g), Local.prototype);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(Object.prototype.toString.call({}), "[object Object]");
    });
    assert.equal(g.__proto__, undefined);
  });

  it("instanceof Local is true for Locals only", () => {
    assert.equal(new Local() instanceof Local, true);
    assert.equal({} instanceof Local, false);
    assert.equal((null as unknown) instanceof Local, false);
    assert.equal(new Proxy({}, {}) instanceof Local, false);
  });

  it("Object.defineProperty with a plain value writes the current scope", () => {
    const g = new Local<{ user: string }>();
    manager.run(() => {
      Object.defineProperty(g, "user", {
        value: "ada",
        writable: true,
        enumerable: true,
        configurable: true,
      });
      assert.equal(g.user, "ada");
      assert.deepEqual(Object.getOwnPropertyDescriptor(g, "user"), {
        value: "ada",
        writable: true,
        enumerable: true,
        configurable: true,
      });
    });
    assert.equal(g.user, undefined);
    assert.equal(Object.getOwnPropertyDescriptor(g, "user"), undefined);
  });

  it("Object.defineProperty without a value keeps the current value, as on a plain object", () => {
    const g = new Local<Record<string, unknown>>();
    const plain: Record<string, unknown> = {};
    manager.run(() => {
      for (const target of [g, plain]) {
        target.x = 1;
        target.y = 2;
        Object.defineProperty(target, "x", { configurable: true });
        assert.equal(Reflect.defineProperty(target, "y", {}), true);
        assert.equal(target.x, 1);
        assert.equal(target.y, 2);
        Object.defineProperty(target, "x", { value: 3, enumerable: true });
        assert.equal(target.x, 3);
      }
      // A new key defined without a value exists, holding undefined.
      assert.equal(Reflect.defineProperty(g, "fresh", { writable: true }), true);
      assert.equal("fresh" in g, true);
      assert.equal(g.fresh, undefined);
    });
  });

  const refused: [string, PropertyDescriptor, RegExp][] = [
    ["an accessor", { get: () => 1 }, /cannot define accessor property Local\.x$/],
    ["a setter", { set: () => {}, configurable: true }, /accessor property Local\.x$/],
    ["writable: false", { value: 1, writable: false }, /Local\.x with writable: false$/],
    ["enumerable: false", { enumerable: false }, /Local\.x with enumerable: false$/],
    ["configurable: false", { configurable: false }, /Local\.x with configurable: false$/],
  ];
  for (const [what, descriptor, message] of refused) {
    it(`Object.defineProperty with ${what} is a TypeError whether or not the key is set`, () => {
      const g = new Local<Record<string, unknown>>();
      manager.run(() => {
        assert.throws(() => Object.defineProperty(g, "x", descriptor), {
          name: "TypeError",
          message,
        });
        g.x = "kept";
        assert.throws(() => Object.defineProperty(g, "x", descriptor), {
          name: "TypeError",
          message,
        });
        assert.equal(Reflect.defineProperty(g, "x", { value: "other" }), true);
        assert.equal(g.x, "other");
      });
    });
  }

  it("a defineProperty error names the Local", () => {
    const g = new Local<Record<string, unknown>>({ name: "g" });
    manager.run(() => {
      assert.throws(
        () => Object.defineProperty(g, "a-b", { writable: false }),
        { name: "TypeError", message: /cannot define g\["a-b"\] with writable: false$/ },
      );
    });
  });

  it("Local rejects accessors, frozen properties, freezing and prototype changes with a TypeError", () => {
    const g = new Local<Record<string, unknown>>();
    manager.run(() => {
      assert.throws(
        () => Object.defineProperty(g, "x", { get: () => 1, configurable: true }),
        { name: "TypeError", message: /plain values; cannot define accessor property Local\.x$/ },
      );
      assert.throws(
        () => Object.defineProperty(g, "x", { value: 1, writable: false }),
        { name: "TypeError", message: /always writable, enumerable and configurable/ },
      );
      assert.throws(() => Object.freeze(g), { name: "TypeError", message: /cannot freeze/ });
      assert.throws(() => Object.setPrototypeOf(g, null), {
        name: "TypeError",
        message: /cannot set the prototype of a Local/,
      });
      assert.equal(Object.isExtensible(g), true);
      assert.deepEqual(Object.keys(g), []);
    });
  });

  it("Symbol.iterator is reserved on a Local", () => {
    const g = new Local<Record<PropertyKey, unknown>>();
    assert.throws(() => {
      (g as Record<PropertyKey, unknown>)[Symbol.iterator] = 1;
    }, { name: "TypeError", message: /reserved/ });
    assert.equal(typeof g[Symbol.iterator], "function");
  });

  it("util.inspect shows the current scope's values", () => {
    const g = new Local<{ user: string }>();
    manager.run(() => {
      g.user = "ada";
      assert.equal(inspect(g), "Local { user: 'ada' }");
    });
    assert.equal(inspect(g), "Local {}");
  });

  it("two Locals never share values", () => {
    const a = new Local<{ x: number }>();
    const b = new Local<{ x: number }>();
    manager.run(() => {
      a.x = 1;
      assert.equal(b.x, undefined);
      b.x = 2;
      assert.equal(a.x, 1);
    });
  });

  it("a Local with optional keys is accepted wherever a Local is", () => {
    interface User {
      name: string;
    }
    const g = new Local<{ user?: User; roles?: string[] }>();
    const scoped = new LocalManager([g]);
    scoped.run(() => {
      g.user = { name: "ada" };
      const entries: [PropertyKey, unknown][] = [...g];
      assert.deepEqual(entries, [["user", { name: "ada" }]]);
      scoped.cleanup();
      assert.equal(g.user, undefined);
    });
  });

  it("Local types each key as its type or undefined", () => {
    interface User {
      name: string;
    }
    const g = new Local<{ user: User; count: number }>();
    const read = (): User | undefined => {
      const user: User | undefined = g.user;
      // @ts-expect-error -- an unset key may be undefined
      const sure: User = g.user;
      return user ?? sure;
    };
    manager.run(() => {
      g.user = { name: "ada" };
      // @ts-expect-error -- keys are typed
      g.count = "not a number";
      // @ts-expect-error -- unknown keys are rejected
      g.missing = 1;
      assert.deepEqual(read(), { name: "ada" });
    });
  });
});
