import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Local, LocalManager, LocalProxy, LocalStack, releaseLocal } from "../mod.ts";

/** Calls that must throw a TypeError, and what its message must say. */
type Case = [label: string, call: () => unknown, message: RegExp];

function assertTypeErrors(cases: Case[]): void {
  for (const [label, call, message] of cases) {
    assert.throws(call, (error: unknown) => {
      assert.ok(error instanceof TypeError, `${label}: expected a TypeError, got ${error}`);
      assert.match(error.message, message, label);
      return true;
    });
  }
}

// Casts stand in for untyped callers (plain JavaScript, JSON input).
const loose = <T>(value: unknown): T => value as T;

describe("bad arguments", () => {
  it("LocalStack.push() and LocalStack.run() reject undefined items and non-functions", () => {
    const stack = new LocalStack<unknown>();
    assertTypeErrors([
      [
        "push(undefined)",
        () => stack.push(undefined),
        /LocalStack#push\(\) expects a value other than undefined .*; received undefined/,
      ],
      [
        "run(undefined, fn)",
        () => stack.run(undefined, () => 1),
        /LocalStack#run\(\) expects an item other than undefined; received undefined/,
      ],
      [
        "run(item, 42)",
        () => stack.run("item", loose(42)),
        /LocalStack#run\(\) expects a function to call; received the number 42/,
      ],
      [
        "run(item, null)",
        () => stack.run("item", loose(null)),
        /LocalStack#run\(\) expects a function to call; received null/,
      ],
    ]);
    assert.equal(stack.top, undefined);
  });

  it("new LocalProxy() rejects bad sources, names and options", () => {
    const stack = new LocalStack<object>();
    const g = new Local<{ user: object }>();
    const source =
      /new LocalProxy\(\) expects a Local, LocalStack, AsyncLocalStorage or function as its source; received/;
    assertTypeErrors([
      [
        "number source",
        () => new LocalProxy(loose(1)),
        new RegExp(`${source.source} the number 1`),
      ],
      ["null source", () => new LocalProxy(loose(null)), new RegExp(`${source.source} null`)],
      [
        "undefined source",
        () => new LocalProxy(loose(undefined)),
        new RegExp(`${source.source} undefined`),
      ],
      [
        "plain object source",
        () => new LocalProxy(loose({})),
        new RegExp(`${source.source} a plain object`),
      ],
      [
        "Map source",
        () => new LocalProxy(loose(new Map())),
        new RegExp(`${source.source} an instance of Map`),
      ],
      [
        "symbol source",
        () => new LocalProxy(loose(Symbol("s"))),
        new RegExp(`${source.source} the symbol Symbol\\(s\\)`),
      ],
      [
        "numeric name",
        () => new LocalProxy(stack, loose(3)),
        /expects a property name or dotted path \(string\) as its name; received the number 3/,
      ],
      [
        "Local without a name",
        () => new LocalProxy(loose(g)),
        /needs the name of the value to proxy/,
      ],
      [
        "empty name",
        () => new LocalProxy(stack, ""),
        /dotted path such as "user.name"; received the string ""/,
      ],
      [
        "empty path segment",
        () => new LocalProxy(stack, "a..b"),
        /dotted path such as "user.name"; received the string "a..b"/,
      ],
      [
        "string options",
        () => new LocalProxy(stack, undefined, loose("x")),
        /expects an options object or undefined; received the string "x"/,
      ],
      [
        "null options",
        () => new LocalProxy(stack, undefined, loose(null)),
        /expects an options object or undefined; received null/,
      ],
      [
        "numeric unboundMessage",
        () => new LocalProxy(stack, undefined, { unboundMessage: loose(1) }),
        /options.unboundMessage to be a string; received the number 1/,
      ],
      [
        "string callable",
        () => new LocalProxy(stack, undefined, { callable: loose("yes") }),
        /options.callable to be a boolean; received the string "yes"/,
      ],
      [
        "getCurrentObject of a non-proxy",
        () => LocalProxy.getCurrentObject([1, 2]),
        /LocalProxy.getCurrentObject\(\) expects a LocalProxy; received an array of length 2/,
      ],
    ]);
  });

  it("releaseLocal() rejects anything but a Local or LocalStack", () => {
    const g = new Local<{ user: object }>();
    assertTypeErrors([
      [
        "undefined",
        () => releaseLocal(loose(undefined)),
        /releaseLocal\(\) expects a Local or LocalStack; received undefined/,
      ],
      [
        "plain object",
        () => releaseLocal(loose({})),
        /expects a Local or LocalStack; received a plain object/,
      ],
      [
        "a LocalProxy of a Local",
        () => releaseLocal(loose(new LocalProxy(g, "user"))),
        /expects a Local or LocalStack; received/,
      ],
      ["a function", () => releaseLocal(loose(function named() {})), /received the function named/],
    ]);
  });

  it("LocalManager rejects bad locals, and run()/middleware() reject non-functions", () => {
    const manager = new LocalManager();
    assertTypeErrors([
      [
        "a number",
        () => new LocalManager(loose(1)),
        /new LocalManager\(\) expects a Local, a LocalStack, an iterable of them, or undefined; received the number 1/,
      ],
      ["a string", () => new LocalManager(loose("g")), /received the string "g"/],
      ["null", () => new LocalManager(loose(null)), /received null/],
      ["a plain object", () => new LocalManager(loose({})), /received a plain object/],
      [
        "an iterable with a stranger",
        () => new LocalManager(loose([new Local(), 7])),
        /new LocalManager\(\) expects a Local or LocalStack at index 1; received the number 7/,
      ],
      [
        "run(undefined)",
        () => manager.run(loose(undefined)),
        /LocalManager#run\(\) expects a function to call; received undefined/,
      ],
      [
        "middleware({})",
        () => manager.middleware(loose<() => void>({})),
        /LocalManager#middleware\(\) expects a handler function; received a plain object/,
      ],
    ]);
  });

  it("a revoked proxy as an argument is described, not a crash", () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    assertTypeErrors([
      [
        "releaseLocal(revoked)",
        () => releaseLocal(loose(proxy)),
        /received an object that cannot be inspected/,
      ],
      [
        "new LocalProxy(revoked)",
        () => new LocalProxy(loose(proxy)),
        /received an object that cannot be inspected/,
      ],
    ]);
  });

  it("calling the classes without new is a TypeError", () => {
    assert.throws(() => (Local as unknown as () => unknown)(), TypeError);
    assert.throws(() => (LocalStack as unknown as () => unknown)(), TypeError);
    assert.throws(() => (LocalProxy as unknown as () => unknown)(), TypeError);
    assert.throws(() => (LocalManager as unknown as () => unknown)(), TypeError);
  });
});

describe("methods called on the wrong receiver", () => {
  const stack = new LocalStack<number>();
  const manager = new LocalManager(stack);
  const topGetter = Object.getOwnPropertyDescriptor(LocalStack.prototype, "top")!.get!;
  const { pop } = stack;
  const { cleanup, run } = manager;
  const loose = (fn: unknown) => fn as (this: unknown, ...args: unknown[]) => unknown;
  const cases: [string, () => unknown, RegExp][] = [
    [
      "[x].forEach(stack.push)",
      () => [1].forEach(loose(stack.push)),
      /^LocalStack#push\(\) expects a LocalStack as `this` .*; received undefined$/,
    ],
    [
      "LocalStack.prototype.push.call({}, 1)",
      () => loose(LocalStack.prototype.push).call({}, 1),
      /^LocalStack#push\(\) expects a LocalStack as `this` .*; received a plain object$/,
    ],
    ["const { pop } = stack", () => pop(), /^LocalStack#pop\(\) expects .*; received undefined$/],
    [
      "the top getter",
      () => topGetter.call(7),
      /^LocalStack#top expects .*; received the number 7$/,
    ],
    [
      "stack.run on null",
      () => loose(stack.run).call(null, 1, () => 1),
      /^LocalStack#run\(\) expects a LocalStack as `this` .*; received null$/,
    ],
    [
      "const { cleanup } = manager",
      () => cleanup(),
      /^LocalManager#cleanup\(\) expects a LocalManager as `this` .*; received undefined$/,
    ],
    [
      "const { run } = manager",
      () => run(() => 1),
      /^LocalManager#run\(\) expects a LocalManager as `this` .*; received undefined$/,
    ],
    [
      "a detached [Symbol.dispose] of a push",
      () =>
        manager.run(() => {
          const dispose = loose(stack.push(1)[Symbol.dispose]);
          dispose();
        }),
      /^\[Symbol\.dispose\]\(\) of LocalStack#push\(\)'s result expects .*; received undefined$/,
    ],
  ];
  for (const [what, call, message] of cases) {
    it(`${what} is a TypeError naming the method and what it received`, () => {
      assert.throws(call, (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.match(error.message, message);
        return true;
      });
    });
  }
});

describe("a LocalProxy where a Local or LocalStack belongs", () => {
  const unbound = new LocalProxy(new LocalStack<() => void>(), undefined, { callable: true });
  const cases: [string, () => unknown, RegExp][] = [
    ["releaseLocal()", () => releaseLocal(unbound as never), /^releaseLocal\(\) expects/],
    ["new LocalManager()", () => new LocalManager(unbound as never), /^new LocalManager\(\) /],
    ["new LocalManager([...])", () => new LocalManager([unbound as never]), /at index 0; /],
  ];
  for (const [what, call, start] of cases) {
    it(`${what} of an unbound callable LocalProxy is a TypeError naming the proxy`, () => {
      assert.throws(call, (error: unknown) => {
        assert.ok(error instanceof TypeError, String(error));
        assert.match(error.message, start);
        assert.match(
          error.message,
          /received an unbound LocalProxy \(pass the Local or LocalStack it reads\)$/,
        );
        return true;
      });
    });
  }
});
