/**
 * Bad input to every public entry point: a TypeError (or RangeError) that
 * says what was expected and what was received, or correct behaviour; never
 * prototype pollution and never a corrupted scope.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AsyncLocalStorage } from "node:async_hooks";
import { inspect } from "node:util";
import { Local, LocalManager, LocalProxy, LocalStack, releaseLocal } from "../../mod.ts";
import { storage } from "../../_scope.ts";
import { sleep } from "../_helpers.ts";

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** Bad values with a pattern for how the error message must describe each. */
const BAD_VALUES: [label: string, value: () => unknown, received: RegExp][] = [
  ["undefined", () => undefined, /received undefined$/],
  ["null", () => null, /received null$/],
  ["a number", () => 42, /received the number 42$/],
  ["NaN", () => NaN, /received the number NaN$/],
  ["a string", () => "nope", /received the string "nope"$/],
  ["a long string", () => "x".repeat(500), /received the string "x{40}…"$/],
  ["a symbol", () => Symbol("bad"), /received the symbol Symbol\(bad\)$/],
  ["a bigint", () => 10n, /received the bigint 10n$/],
  ["a boolean", () => true, /received the boolean true$/],
  ["a plain object", () => ({}), /received a plain object$/],
  [
    "a null-prototype object",
    () => Object.create(null),
    /received an object with a null prototype$/,
  ],
  ["an array", () => [1, 2], /received an array of length 2$/],
  ["a revoked proxy", revokedProxy, /received an object that cannot be inspected/],
  ["a Promise", () => Promise.resolve(), /received an instance of Promise$/],
];

/** `BAD_VALUES` without the labels listed in `except` (values that are valid there). */
function badValues(...except: string[]): [string, () => unknown, RegExp][] {
  return BAD_VALUES.filter(([label]) => !except.includes(label));
}

function throwsTypeError(fn: () => unknown, expects: RegExp, received: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof TypeError, `expected a TypeError, got ${String(error)}`);
    assert.match(error.message, expects);
    assert.match(error.message, received);
    return true;
  });
}

/**
 * Runs `fn` inside a scope holding known values and checks that the scope
 * is the same, with the same values, afterwards.
 */
function withIntactScope(fn: () => void): void {
  const g = new Local<{ user: string }>();
  const stack = new LocalStack<string>();
  new LocalManager().run(() => {
    g.user = "sentinel";
    stack.push("bottom");
    const scope = storage.getStore();
    fn();
    assert.equal(storage.getStore(), scope, "the current scope changed");
    assert.deepEqual([...g], [["user", "sentinel"]]);
    assert.equal(stack.top, "bottom");
  });
  assert.equal(g.user, undefined, "a value leaked out of its scope");
}

describe("bad input: constructors", () => {
  it("Local and LocalStack take only options, ignore further arguments and need new", () => {
    const Any = Local as unknown as new (...args: unknown[]) => Local;
    const g = new Any(undefined, { __proto__: { polluted: true } }, Symbol("x"));
    assert.deepEqual([...g], []);
    assert.ok(g instanceof Local);
    assert.throws(() => new Any(null), /^TypeError: new Local\(\) expects an options object/);
    // Inherited keys are not options: a polluted prototype cannot make a Local strict.
    const inherited = new Any({ __proto__: { strict: true } }) as Local<{ x: number }>;
    assert.equal(inherited.x, undefined);
    const AnyStack = LocalStack as unknown as new (...args: unknown[]) => LocalStack<unknown>;
    assert.equal(new AnyStack(undefined, [1, 2, 3]).top, undefined);
    assert.throws(() => new AnyStack([1, 2, 3]), /^TypeError: new LocalStack\(\) expects/);
    assert.throws(() => (Local as unknown as () => unknown)(), TypeError);
    assert.throws(() => (LocalStack as unknown as () => unknown)(), TypeError);
    assert.throws(() => (LocalManager as unknown as () => unknown)(), TypeError);
    assert.throws(() => (LocalProxy as unknown as () => unknown)(), TypeError);
  });

  it("new LocalManager(bad) is a TypeError naming what it received", () => {
    // Arrays are iterables: their entries are checked one by one (next test).
    for (const [, value, received] of badValues("undefined", "an array")) {
      withIntactScope(() =>
        throwsTypeError(
          () => new LocalManager(value() as never),
          /^new LocalManager\(\) expects a Local, a LocalStack, an iterable of them, or undefined/,
          received,
        )
      );
    }
  });

  it("new LocalManager([..., bad]) names the bad entry's index", () => {
    const g = new Local();
    for (const [, value, received] of badValues()) {
      throwsTypeError(
        () => new LocalManager([g, new LocalStack(), value()] as never),
        /^new LocalManager\(\) expects a Local or LocalStack at index 2/,
        received,
      );
    }
    // A string is iterable but is no Local: each character is rejected.
    throwsTypeError(() => new LocalManager("ab" as never), /expects/, /received the string "ab"/);
  });

  it("new LocalManager() rejects a LocalProxy, the Local class and a LocalManager", () => {
    const stack = new LocalStack<object>();
    const proxy = new LocalProxy(stack);
    for (const value of [Local, LocalStack, new LocalManager()]) {
      assert.throws(
        () => new LocalManager(value as never),
        /^TypeError: new LocalManager\(\) expects/,
      );
    }
    stack.run(
      { not: "a local" },
      () =>
        assert.throws(
          () => new LocalManager(proxy as never),
          /^TypeError: new LocalManager\(\) expects/,
        ),
    );
    // Unbound, or with an unreadable iterator: still a TypeError that says what it got.
    throwsTypeError(
      () => new LocalManager(proxy as never),
      /^new LocalManager\(\) expects a Local, a LocalStack, an iterable of them, or undefined/,
      /received an unbound LocalProxy \(pass the Local or LocalStack it reads\)$/,
    );
    const throwingIterator = {
      get [Symbol.iterator](): never {
        throw new Error("getter exploded");
      },
    };
    throwsTypeError(
      () => new LocalManager(throwingIterator as never),
      /^new LocalManager\(\) expects a Local, a LocalStack, an iterable of them, or undefined/,
      /received a plain object$/,
    );
  });

  it("new LocalManager(iterable with a throwing iterator) propagates that error and opens no scope", () => {
    const hostile = {
      [Symbol.iterator](): Iterator<unknown> {
        return {
          next(): IteratorResult<unknown> {
            throw new RangeError("iterator exploded");
          },
        };
      },
    };
    withIntactScope(() =>
      assert.throws(() => new LocalManager(hostile as never), { message: "iterator exploded" })
    );
  });
});

describe("bad input: LocalStack", () => {
  it("LocalStack#push(undefined) is a TypeError and pushes nothing", () => {
    const stack = new LocalStack<unknown>();
    withIntactScope(() => {
      throwsTypeError(
        () => stack.push(undefined),
        /^LocalStack#push\(\) expects a value other than undefined/,
        /received undefined$/,
      );
      assert.equal(stack.top, undefined);
    });
  });

  it("LocalStack#push(null, symbols, revoked proxies, ...) stores them as items", () => {
    const stack = new LocalStack<unknown>();
    new LocalManager().run(() => {
      for (const [, make] of badValues("undefined")) {
        const value = make();
        stack.push(value);
        assert.equal(stack.top, value);
      }
    });
    assert.equal(stack.top, undefined);
  });

  it("LocalStack#run(undefined, fn) and LocalStack#run(item, bad) are TypeErrors that open no scope", () => {
    const stack = new LocalStack<unknown>();
    withIntactScope(() => {
      throwsTypeError(
        () => stack.run(undefined, () => assert.fail("fn must not run")),
        /^LocalStack#run\(\) expects an item other than undefined/,
        /received undefined$/,
      );
      for (const [, value, received] of badValues()) {
        throwsTypeError(
          () => stack.run("item", value() as never),
          /^LocalStack#run\(\) expects a function to call/,
          received,
        );
      }
      assert.equal(stack.top, undefined);
    });
  });
});

describe("bad input: LocalManager methods and releaseLocal", () => {
  it("LocalManager#run(bad) is a TypeError that opens no scope", () => {
    const manager = new LocalManager();
    withIntactScope(() => {
      for (const [, value, received] of badValues()) {
        throwsTypeError(
          () => manager.run(value() as never),
          /^LocalManager#run\(\) expects a function to call/,
          received,
        );
      }
    });
  });

  it("LocalManager#middleware(bad) is a TypeError", () => {
    const manager = new LocalManager();
    for (const [, value, received] of badValues()) {
      throwsTypeError(
        () => manager.middleware(value() as never),
        /^LocalManager#middleware\(\) expects a handler function/,
        received,
      );
    }
  });

  it("LocalManager#middleware passes any this and arguments through unchanged", () => {
    const g = new Local<{ seen: unknown[] }>();
    const weird = [undefined, null, Symbol("s"), revokedProxy(), 7n];
    const handler = new LocalManager(g).middleware(function (this: unknown, ...args: unknown[]) {
      g.seen = [this, ...args];
      return g.seen;
    });
    const thisArg = Object.create(null);
    assert.deepEqual(handler.apply(thisArg, weird), [thisArg, ...weird]);
    assert.equal(g.seen, undefined);
  });

  it("releaseLocal(bad) is a TypeError and clears nothing", () => {
    const others = [
      new LocalProxy(new LocalStack<object>()),
      Local,
      LocalStack,
      new LocalManager(),
    ];
    withIntactScope(() => {
      for (const [, value, received] of badValues()) {
        throwsTypeError(
          () => releaseLocal(value() as never),
          /^releaseLocal\(\) expects a Local or LocalStack/,
          received,
        );
      }
      for (const other of others) {
        assert.throws(() => releaseLocal(other as never), /releaseLocal\(\) expects/);
      }
    });
  });
});

describe("bad input: LocalProxy", () => {
  it("new LocalProxy(bad source) is a TypeError", () => {
    withIntactScope(() => {
      for (const [, value, received] of badValues()) {
        throwsTypeError(
          () => new LocalProxy(value() as never),
          /^new LocalProxy\(\) expects a Local, LocalStack, AsyncLocalStorage or function as its source/,
          received,
        );
      }
    });
  });

  it("new LocalProxy(source, bad name) is a TypeError for non-strings and malformed paths", () => {
    const stack = new LocalStack<object>();
    for (const [, value, received] of badValues("undefined", "a string", "a long string")) {
      throwsTypeError(
        () => new LocalProxy(stack, value() as never),
        /^new LocalProxy\(\) expects a property name or dotted path/,
        received,
      );
    }
    for (const name of ["", ".", "a..b", ".a", "a."]) {
      throwsTypeError(
        () => new LocalProxy(stack, name),
        /^new LocalProxy\(\) expects a property name or dotted path/,
        new RegExp(`received the string ${JSON.stringify(name).replaceAll(".", "\\.")}$`),
      );
    }
  });

  it("new LocalProxy(local) without a name, or with a bad one, is a TypeError", () => {
    const g = new Local<{ user: object }>();
    assert.throws(() => new LocalProxy(g as never), {
      name: "TypeError",
      message: /needs the name of the value to proxy/,
    });
    for (const name of [42, Symbol("user"), null, "", "user..name"]) {
      assert.throws(() => new LocalProxy(g, name as never), TypeError);
    }
  });

  it("new LocalProxy(source, name, bad options) is a TypeError", () => {
    const stack = new LocalStack<object>();
    for (
      const [, value, received] of badValues(
        "undefined",
        "a plain object",
        "a null-prototype object",
        "an array",
        "a Promise",
        "a revoked proxy",
      )
    ) {
      throwsTypeError(
        () => new LocalProxy(stack, undefined, value() as never),
        /^new LocalProxy\(\) expects an options object or undefined/,
        received,
      );
    }
    for (const [, value, received] of badValues("undefined", "a string", "a long string")) {
      throwsTypeError(
        () => new LocalProxy(stack, undefined, { unboundMessage: value() as never }),
        /expects options\.unboundMessage to be a string/,
        received,
      );
    }
    for (const [, value, received] of badValues("undefined", "a boolean")) {
      throwsTypeError(
        () => new LocalProxy(stack, undefined, { callable: value() as never }),
        /expects options\.callable to be a boolean/,
        received,
      );
    }
  });

  it("new LocalProxy(source, name, options with a throwing getter) propagates that error", () => {
    const options = {
      get unboundMessage(): string {
        throw new RangeError("getter exploded");
      },
    };
    assert.throws(() => new LocalProxy(new LocalStack<object>(), undefined, options), {
      name: "RangeError",
      message: "getter exploded",
    });
  });

  it("LocalProxy.getCurrentObject(bad) is a TypeError", () => {
    for (const [, value, received] of badValues()) {
      throwsTypeError(
        () => LocalProxy.getCurrentObject(value()),
        /^LocalProxy\.getCurrentObject\(\) expects a LocalProxy/,
        received,
      );
    }
  });

  it("a revoked proxy as a function source fails on use with a TypeError, and other scopes keep working", () => {
    const { proxy: fn, revoke } = Proxy.revocable(() => ({ ok: true }), {});
    const proxy = new LocalProxy<{ ok: boolean }>(fn);
    assert.equal(proxy.ok, true);
    revoke();
    withIntactScope(() => assert.throws(() => proxy.ok, TypeError));
    const stack = new LocalStack<{ ok: boolean }>();
    const other = new LocalProxy(stack);
    stack.run({ ok: true }, () => assert.equal(other.ok, true));
  });

  it("an AsyncLocalStorage source with a revoked store is unbound-safe until used", () => {
    const als = new AsyncLocalStorage<object>();
    const proxy = new LocalProxy(als, undefined, { unboundMessage: "no store" });
    assert.throws(() => "x" in proxy, { message: "no store" });
    als.run(revokedProxy(), () => assert.throws(() => Object.keys(proxy), TypeError));
  });
});

describe("bad input: hostile objects through a LocalProxy", () => {
  it("a throwing getter on the proxied object throws the same error, and the scope survives", () => {
    const stack = new LocalStack<Record<string, unknown>>();
    const proxy = new LocalProxy(stack);
    const real = {
      ok: 1,
      get boom(): never {
        throw new RangeError("getter exploded");
      },
    };
    stack.run(real, () => {
      assert.throws(() => proxy.boom, { name: "RangeError", message: "getter exploded" });
      assert.throws(() => JSON.stringify(proxy), {
        name: "RangeError",
        message: "getter exploded",
      });
      assert.throws(() => ({ ...proxy }), { name: "RangeError", message: "getter exploded" });
      assert.deepEqual(Object.keys(proxy), ["ok", "boom"]);
      assert.equal(proxy.ok, 1);
      assert.equal(stack.top, real);
    });
    assert.equal(stack.top, undefined);
  });

  it("a dotted path through a throwing getter throws that error on use; inspecting does not throw", () => {
    const stack = new LocalStack<object>();
    const deep = new LocalProxy<{ x: number }>(stack, "boom.inner");
    const real = {
      get boom(): never {
        throw new RangeError("getter exploded");
      },
    };
    withIntactScope(() =>
      stack.run(real, () => {
        assert.throws(() => deep.x, { name: "RangeError", message: "getter exploded" });
        assert.throws(() => LocalProxy.getCurrentObject(deep), RangeError);
        assert.match(inspect(deep), /getter exploded/);
        assert.equal(stack.top, real);
      })
    );
  });

  it("JSON.stringify(proxy) of a cyclic object throws the same TypeError as for the real object", () => {
    const stack = new LocalStack<Record<string, unknown>>();
    const proxy = new LocalProxy(stack);
    const direct: Record<string, unknown> = { name: "direct" };
    direct.self = direct;
    const viaProxy: Record<string, unknown> = { name: "via proxy" };
    viaProxy.self = proxy;
    const nested: Record<string, unknown> = { child: { list: [] as unknown[] } };
    ((nested.child as Record<string, unknown>).list as unknown[]).push(nested);
    for (const real of [direct, nested]) {
      let expected: unknown;
      try {
        JSON.stringify(real);
      } catch (error) {
        expected = error;
      }
      assert.ok(expected instanceof TypeError);
      stack.run(real, () => {
        assert.throws(() => JSON.stringify(proxy), (error: unknown) => {
          assert.ok(error instanceof TypeError);
          assert.equal(error.message, (expected as TypeError).message);
          return true;
        });
      });
    }
    // A cycle that runs through the proxy itself is still detected, not an endless loop.
    stack.run(viaProxy, () => assert.throws(() => JSON.stringify(proxy), TypeError));
  });
});

describe("bad input: hostile keys from request data", () => {
  /** A request body with every key that could reach a prototype (a string: an object literal would not keep `__proto__`). */
  const HOSTILE_JSON = `{
    "__proto__": { "polluted": "yes" },
    "constructor": { "prototype": { "polluted": "yes" } },
    "prototype": { "polluted": "yes" },
    "toString": "not a function",
    "hasOwnProperty": "not a function",
    "valueOf": 1,
    "toJSON": "not a function",
    "isPrototypeOf": null
  }`;

  /** Request data as JSON.parse yields it: `__proto__` as an own key. */
  function parsedRequestData(): Record<string, unknown> {
    const data = JSON.parse(HOSTILE_JSON) as Record<string, unknown>;
    assert.ok(Object.hasOwn(data, "__proto__"), "JSON.parse keeps __proto__ as an own key");
    return data;
  }

  function assertNoPollution(): void {
    const probe: Record<string, unknown> = {};
    assert.equal(probe.polluted, undefined, "Object.prototype was polluted");
    assert.equal(Object.prototype.toString.call(probe), "[object Object]");
    assert.equal(typeof probe.hasOwnProperty, "function");
    assert.equal(typeof probe.toString, "function");
  }

  it("hostile keys written into a Local are plain values that round-trip", () => {
    const g = new Local<Record<string, unknown>>();
    const data = parsedRequestData();
    new LocalManager(g).run(() => {
      for (const [key, value] of Object.entries(data)) g[key] = value;
      assertNoPollution();
      assert.equal(Object.getPrototypeOf(g), Local.prototype);
      assert.ok(g instanceof Local);
      for (const [key, value] of Object.entries(data)) {
        assert.equal(g[key], value, `g[${JSON.stringify(key)}]`);
        assert.ok(key in g);
      }
      assert.deepEqual(Object.keys(g), Object.keys(data));
      assert.deepEqual(JSON.parse(JSON.stringify(g)), JSON.parse(JSON.stringify(data)));
      const spread: Record<string, unknown> = { ...g };
      assert.ok(Object.hasOwn(spread, "__proto__"));
      assert.equal(Object.getPrototypeOf(spread), Object.prototype);
      for (const key of Object.keys(data)) delete g[key];
      assert.deepEqual([...g], []);
      assertNoPollution();
    });
  });

  it("Object.assign(local, data) stores __proto__ as a value, not a prototype", () => {
    const g = new Local<Record<string, unknown>>();
    const data = parsedRequestData();
    new LocalManager().run(() => {
      Object.assign(g, data);
      assert.equal(g.__proto__, data.__proto__);
      assert.equal(Object.getPrototypeOf(g), Local.prototype);
      assertNoPollution();
    });
    assert.equal(g.__proto__, undefined);
  });

  it("hostile keys stay per scope across 100 concurrent requests", async () => {
    const g = new Local<Record<string, unknown>>();
    const manager = new LocalManager(g);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, id) =>
        manager.run(async () => {
          const data = JSON.parse(`{"__proto__":{"id":${id}},"constructor":${id}}`);
          Object.assign(g, data);
          await sleep(Math.random() * 3);
          return [(g.__proto__ as { id: number }).id, g.constructor];
        })),
    );
    results.forEach((seen, id) => assert.deepEqual(seen, [id, id]));
    assertNoPollution();
    assert.equal(g.__proto__, undefined);
  });

  it("a LocalProxy over a hostile key reads the stored value", () => {
    const g = new Local<Record<string, unknown>>();
    const proto = new LocalProxy<string>(g, "__proto__.polluted");
    const ctor = new LocalProxy(g, "constructor") as { prototype: unknown };
    new LocalManager().run(() => {
      Object.assign(g, parsedRequestData());
      assert.equal(String(proto), "yes");
      assert.deepEqual(ctor.prototype, { polluted: "yes" });
      assertNoPollution();
    });
  });

  it("Local rejects accessors, freezing and prototype changes without corrupting the scope", () => {
    const g = new Local<Record<string | symbol, unknown>>();
    withIntactScope(() => {
      assert.throws(() => Object.defineProperty(g, "x", { get: () => 1 }), TypeError);
      assert.throws(() => Object.defineProperty(g, "x", { value: 1, writable: false }), TypeError);
      assert.throws(() => Object.freeze(g), TypeError);
      assert.throws(() => Object.setPrototypeOf(g, { polluted: "yes" }), TypeError);
      assert.throws(() => {
        (g as Record<symbol, unknown>)[Symbol.iterator] = 1;
      }, TypeError);
      assert.deepEqual([...g], []);
      assertNoPollution();
    });
  });
});
