// Strict, named locals: outside any scope every operation on a strict Local
// or LocalStack throws an Error naming the local and the operation; inside a
// scope they behave like any other local.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { Local, LocalManager, LocalProxy, LocalStack, releaseLocal } from "../mod.ts";

const manager = new LocalManager();
const FIX = / outside any scope: wrap the handler in manager\.middleware\(\) or manager\.run\(\)$/;

/** Asserts that `fn` throws a plain Error whose message starts with `start` and says how to fix it. */
function throwsOutside(fn: () => unknown, start: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.equal((error as Error).constructor, Error);
    const message = (error as Error).message;
    assert.ok(message.startsWith(start), `${JSON.stringify(message)} starts with ${start}`);
    assert.match(message, FIX);
    return true;
  });
}

describe("strict locals outside any scope", () => {
  const g = new Local<Record<PropertyKey, unknown>>({ strict: true, name: "g" });
  const stack = new LocalStack<string>({ strict: true, name: "requestStack" });

  const operations: [string, () => unknown, string][] = [
    ["reading a key", () => g.user, "reading g.user"],
    ["reading a symbol key", () => g[Symbol.for("id")], "reading g[Symbol(id)]"],
    ["reading a key that is no identifier", () => g["a-b"], 'reading g["a-b"]'],
    ["writing a key", () => (g.user = "ada"), "writing g.user"],
    ["delete", () => delete g.user, "delete g.user"],
    ["in", () => "user" in g, '"user" in g'],
    ["Object.keys", () => Object.keys(g), "listing the keys of g"],
    ["spread", () => ({ ...g }), "listing the keys of g"],
    ["iteration", () => [...g], "iterating g"],
    ["a descriptor", () => Object.getOwnPropertyDescriptor(g, "user"), "reading g.user"],
    ["defineProperty", () => Object.defineProperty(g, "user", { value: 1 }), "defining g.user"],
    ["push()", () => stack.push("/"), "requestStack.push()"],
    ["pop()", () => stack.pop(), "requestStack.pop()"],
    ["top", () => stack.top, "requestStack.top"],
    ["releaseLocal() of a Local", () => releaseLocal(g), "releaseLocal(g)"],
    ["releaseLocal() of a stack", () => releaseLocal(stack), "releaseLocal(requestStack)"],
    ["cleanup()", () => new LocalManager([stack]).cleanup(), "manager.cleanup() of requestStack"],
  ];
  for (const [what, operation, start] of operations) {
    it(`a strict local throws on ${what} outside any scope, naming the local`, () => {
      throwsOutside(operation, start);
    });
  }

  it("an unnamed strict local says what it is", () => {
    throwsOutside(() => new Local({ strict: true }).x, "reading <strict Local>.x");
    throwsOutside(() => new LocalStack({ strict: true }).top, "<strict LocalStack>.top");
  });

  it("LocalManager.cleanup() clears nothing when one of its locals is strict", () => {
    const plain = new LocalStack<string>();
    plain.push("kept");
    assert.throws(() => new LocalManager([plain, g]).cleanup(), /manager\.cleanup\(\) of g/);
    assert.equal(plain.pop(), "kept");
  });

  it("a LocalProxy of a strict source throws its own unbound message outside any scope", () => {
    const request = new LocalProxy(stack, undefined, { unboundMessage: "outside a request" });
    const user = new LocalProxy(g, "user", { unboundMessage: "no user" });
    assert.throws(() => (request as { url?: string }).url, { message: "outside a request" });
    assert.throws(() => String(user), { message: "no user" });
    stack.run("/ping", () => assert.equal(request.valueOf(), "/ping"));
  });

  it("printing a strict local outside any scope does not throw", () => {
    assert.equal(inspect(g), "Local [g] <outside any scope>");
    assert.equal(inspect(stack), "LocalStack [requestStack] <outside any scope>");
  });
});

describe("strict locals inside a scope", () => {
  it("a strict Local behaves like any Local inside LocalManager.run()", async () => {
    const g = new Local<{ user: string }>({ strict: true, name: "g" });
    await manager.run(async () => {
      g.user = "ada";
      await Promise.resolve();
      assert.equal(g.user, "ada");
      assert.equal("user" in g, true);
      assert.deepEqual(Object.keys(g), ["user"]);
      assert.deepEqual([...g], [["user", "ada"]]);
      delete g.user;
      assert.equal(g.user, undefined);
    });
  });

  it("LocalStack.run() at the root opens a scope for a strict stack", async () => {
    const stack = new LocalStack<string>({ strict: true, name: "requestStack" });
    const seen = await stack.run("/", async () => {
      await Promise.resolve();
      using _pushed = stack.push("/inner");
      assert.equal(stack.top, "/inner");
      releaseLocal(stack);
      return stack.pop();
    });
    assert.equal(seen, undefined);
    assert.throws(() => stack.top, /requestStack\.top outside any scope/);
  });

  it("a push hook with no scope open throws on the first request instead of cross-talk", () => {
    const stack = new LocalStack<{ id: number }>({ strict: true, name: "requestStack" });
    const onRequest = (request: { id: number }) => stack.push(request);
    throwsOutside(() => onRequest({ id: 1 }), "requestStack.push()");
    manager.middleware(() => {
      onRequest({ id: 2 });
      assert.equal(stack.top?.id, 2);
    })();
  });
});

describe("named locals", () => {
  type Inspect = (value: unknown) => string;
  const { Deno, Bun } = globalThis as unknown as {
    Deno?: { inspect: Inspect };
    Bun?: { inspect: Inspect };
  };
  // node:util's inspect runs everywhere; each runtime's own inspector where
  // it exists. Bun.inspect formats the object the custom inspector returns in
  // its own style, which shows no Symbol.toStringTag: the name appears only
  // where the inspector returns text (outside any scope).
  const inspectors: {
    name: string;
    inspect: Inspect | undefined;
    local: string | RegExp;
    stack: string | RegExp;
  }[] = [
    {
      name: "util.inspect",
      inspect,
      local: "Local [g] { user: 'ada' }",
      stack: "LocalStack [apps] { top: 'admin' }",
    },
    {
      name: "Deno.inspect",
      inspect: Deno?.inspect,
      local: 'Local [g] { user: "ada" }',
      stack: 'LocalStack [apps] { top: "admin" }',
    },
    {
      name: "Bun.inspect",
      inspect: Bun?.inspect,
      local: /^Local \{\s*user: "ada",\s*\}$/,
      stack: /^LocalStack \{\s*top: "admin",\s*\}$/,
    },
  ];
  const printed = (actual: string, expected: string | RegExp): void =>
    typeof expected === "string" ? assert.equal(actual, expected) : assert.match(actual, expected);

  for (const { name, inspect, local, stack } of inspectors) {
    it(`${name} prints a strict named local outside any scope, and its values inside`, {
      skip: inspect === undefined && `${name} exists on ${name.split(".")[0]} only`,
    }, () => {
      const show = inspect!;
      const g = new Local<{ user: string }>({ strict: true, name: "g" });
      const apps = new LocalStack<string>({ name: "apps" });
      assert.equal(show(g), "Local [g] <outside any scope>");
      manager.run(() => {
        g.user = "ada";
        apps.push("admin");
        printed(show(g), local);
        printed(show(apps), stack);
      });
    });
  }

  it("an unnamed Local prints as Local in util.inspect", () => {
    assert.equal(inspect(new Local()), "Local {}");
  });

  it("a non-strict named local keeps using the root scope outside any scope", () => {
    const config = new Local<{ port: number }>({ name: "config" });
    config.port = 8000;
    assert.equal(manager.run(() => config.port), 8000);
    delete config.port;
  });
});

describe("options of new Local() and new LocalStack()", () => {
  const bad: [string, unknown, RegExp][] = [
    ["a number", 1, /expects an options object .* or undefined; received the number 1/],
    ["null", null, /expects an options object .* or undefined; received null/],
    ["a non-boolean strict", { strict: "yes" }, /a boolean `strict` option; received the string/],
    ["an empty name", { name: "" }, /a non-empty string `name` option; received the string ""/],
    ["a non-string name", { name: 7 }, /a non-empty string `name` option; received the number 7/],
    ["a misspelt option", { stict: true }, /only `strict` and `name`; received the string "stict"/],
  ];
  for (const [what, options, message] of bad) {
    it(`new Local() and new LocalStack() reject ${what} as options with a TypeError`, () => {
      const loose = options as never;
      assert.throws(() => new Local(loose), { name: "TypeError", message });
      assert.throws(() => new LocalStack(loose), { name: "TypeError", message });
      assert.throws(() => new Local(loose), /^TypeError: new Local\(\) expects/);
      assert.throws(() => new LocalStack(loose), /^TypeError: new LocalStack\(\) expects/);
    });
  }
});
