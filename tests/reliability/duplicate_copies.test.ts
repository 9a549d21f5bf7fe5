/**
 * Two copies of the module loaded at once (two versions of the package, or
 * one file through two URLs) must share one context: a scope opened through
 * one copy is the scope the other copy's Locals see. A copy that speaks
 * another scope protocol must say so once, loudly, instead of silently
 * losing context.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as original from "../../mod.ts";
import * as originalScope from "../../_scope.ts";
import { copyModule, currentProtocol, type ModuleCopy } from "./fixtures/copy_module.ts";
import { sleep } from "../_helpers.ts";

type Mod = typeof original;

describe("duplicate copies of the module share one context", () => {
  let copy: ModuleCopy;
  let other: Mod;

  before(async () => {
    copy = copyModule();
    other = await import(copy.modUrl);
  });
  after(() => copy?.remove());

  it("a copy in another directory is really another module instance", () => {
    assert.notEqual(other.LocalManager, original.LocalManager);
    assert.notEqual(other.Local, original.Local);
  });

  it("a scope opened by one copy's LocalManager is the scope the other copy's Locals see", async () => {
    const g = new original.Local<{ user: string }>();
    const manager = new other.LocalManager(g);
    g.user = "outside";
    const seen = await manager.run(async () => {
      assert.equal(g.user, "outside", "a new scope starts with its parent's values");
      g.user = "inside";
      await sleep(1);
      return g.user;
    });
    assert.equal(seen, "inside");
    assert.equal(g.user, "outside", "the write stayed in the copy's scope");
    delete g.user;
  });

  it("each copy's LocalStack#run scopes the other copy's Locals and stacks", async () => {
    const theirs = new other.LocalStack<string>();
    const ours = new original.Local<{ id: number }>();
    await theirs.run("request", async () => {
      ours.id = 7;
      await sleep(1);
      assert.equal(theirs.top, "request");
      assert.equal(ours.id, 7);
    });
    assert.equal(ours.id, undefined);
    assert.equal(theirs.top, undefined);
  });

  it("instanceof, releaseLocal, LocalManager and LocalProxy accept the other copy's objects", () => {
    const g = new original.Local<{ user: { name: string } }>();
    const stack = new original.LocalStack<{ path: string }>();
    assert.ok(g instanceof other.Local);
    assert.ok(stack instanceof other.LocalStack);
    const manager = new other.LocalManager([g, stack]);
    const user = new other.LocalProxy<{ user: { name: string } }, "user">(g, "user");
    const request = new other.LocalProxy(stack);
    assert.ok(user instanceof original.LocalProxy);
    manager.run(() => {
      g.user = { name: "ada" };
      stack.push({ path: "/a" });
      assert.equal(user.name, "ada");
      assert.equal(request.path, "/a");
      assert.equal(original.LocalProxy.getCurrentObject(request), stack.top);
      other.releaseLocal(g);
      assert.equal(g.user, undefined);
      manager.cleanup();
      assert.equal(stack.top, undefined);
    });
  });

  it("200 concurrent scopes opened alternately by both copies never see each other's values", async () => {
    const g = new original.Local<{ id: number }>();
    const stack = new other.LocalStack<number>();
    const managers = [new original.LocalManager(), new other.LocalManager()];
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, id) =>
        managers[id % 2].run(async () => {
          g.id = id;
          await sleep(Math.floor(Math.random() * 4));
          stack.push(id);
          await sleep(Math.floor(Math.random() * 4));
          return [g.id, stack.top];
        })),
    );
    results.forEach(([gid, top], id) => assert.deepEqual([gid, top], [id, id]));
    assert.equal(g.id, undefined);
    assert.equal(stack.top, undefined);
  });

  it("the same file imported through two URLs (a query string) shares the runtime", async () => {
    const again: typeof originalScope = await import("../../_scope.ts?copy");
    assert.notEqual(again, originalScope, "the query string must load a second instance");
    assert.equal(again.storage, originalScope.storage);
    assert.equal(again.rootScope, originalScope.rootScope);
    const viaUrl: Mod = await import("../../mod.ts?copy");
    const g = new original.Local<{ n: number }>();
    await new viaUrl.LocalManager().run(async () => {
      g.n = 1;
      await sleep(1);
      assert.equal(g.n, 1);
    });
    assert.equal(g.n, undefined);
  });
});

describe("a copy with an incompatible scope protocol", () => {
  const protocol = currentProtocol();
  const foreignProtocol = protocol + 1000;
  let copy: ModuleCopy;
  let foreign: Mod;
  const warnings: unknown[][] = [];

  before(async () => {
    copy = copyModule((file, text) =>
      file === "_scope.ts"
        ? text.replace(`const PROTOCOL = ${protocol};`, `const PROTOCOL = ${foreignProtocol};`)
        : text
    );
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args);
    try {
      foreign = await import(copy.modUrl);
      // Loading more of the same copy must not warn again.
      await import(new URL("./local.ts", copy.modUrl).href);
      await import(new URL("./manager.ts", copy.modUrl).href);
    } finally {
      console.warn = warn;
    }
  });
  after(() => copy?.remove());

  it("logs exactly one clear warning naming both protocols and the fix", () => {
    assert.equal(warnings.length, 1, `expected one warning, got ${JSON.stringify(warnings)}`);
    const message = warnings[0].map(String).join(" ");
    assert.match(message, /@contextlocal\/contextlocal/);
    assert.match(message, new RegExp(`protocol ${protocol}\\b`));
    assert.match(message, new RegExp(`protocol ${foreignProtocol}\\b`));
    assert.match(message, /do not share scopes/);
    assert.match(message, /[Dd]eduplicate/);
  });

  it("does not take over the shared runtime: compatible copies still share it", async () => {
    const compatible = copyModule();
    try {
      const third: Mod = await import(compatible.modUrl);
      const g = new original.Local<{ n: number }>();
      new third.LocalManager().run(() => {
        g.n = 3;
        assert.equal(g.n, 3);
      });
      assert.equal(g.n, undefined);
    } finally {
      compatible.remove();
    }
  });

  it("keeps its own scopes, as documented: its scopes are invisible to this copy's Locals", async () => {
    const g = new original.Local<{ user: string }>();
    const theirs = new foreign.Local<{ user: string }>();
    await new original.LocalManager().run(async () => {
      await new foreign.LocalManager().run(async () => {
        g.user = "written inside the foreign scope";
        theirs.user = "foreign";
        await sleep(1);
        assert.equal(theirs.user, "foreign");
      });
      // The foreign copy's scope was not this copy's scope, so the write
      // landed in the enclosing one: context was not shared (hence the warning).
      assert.equal(g.user, "written inside the foreign scope");
      assert.equal(theirs.user, undefined, "the foreign copy's own scopes still work");
    });
    assert.equal(g.user, undefined);
  });
});
