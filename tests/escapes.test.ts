// The README's "Context that escapes" table, row by row, in-process: what
// keeps the request's scope, what does not, and that each one-line fix
// works. (Server-driven rows, listeners and WebSockets are tested on real
// servers and under load elsewhere.)
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Local, LocalManager, streamWithContext } from "../mod.ts";
import { sleep } from "./_helpers.ts";

const g = new Local<{ id: string }>();
const manager = new LocalManager(g);

/** Runs `fn` in a new scope whose g.id is `id`. */
function inRequest<R>(id: string, fn: () => R): R {
  return manager.run(() => {
    g.id = id;
    return fn();
  });
}

describe("what keeps the request's scope", () => {
  it("awaits, timers, promise callbacks and sync generators keep the request's scope", async () => {
    function* ids(): Generator<string | undefined> {
      yield g.id;
      yield g.id;
    }
    const seen = await inRequest("kept", async () => {
      await sleep(1);
      const afterAwait = g.id;
      const inTimer = await new Promise((resolve) => setTimeout(() => resolve(g.id), 1));
      const inImmediate = await new Promise((resolve) => setImmediate(() => resolve(g.id)));
      const inMicrotask = await new Promise((resolve) => queueMicrotask(() => resolve(g.id)));
      const inThen = await Promise.resolve().then(() => g.id);
      return [afterAwait, inTimer, inImmediate, inMicrotask, inThen, ...ids()];
    });
    assert.deepEqual(seen, Array(7).fill("kept"));
  });
});

describe("what does not keep it, and the fix", () => {
  async function* steps(): AsyncGenerator<string | undefined> {
    for (;;) {
      await sleep(1);
      yield g.id;
    }
  }

  it("an async generator shared by two scopes steps in the scope of whoever calls next()", async () => {
    const shared = inRequest("maker", steps);
    const a = await inRequest("a", () => shared.next());
    const b = await inRequest("b", () => shared.next());
    assert.deepEqual([a.value, b.value], ["a", "b"]);
  });

  it("fix: streamWithContext(generator()) steps every time in the scope that made it", async () => {
    const reader = inRequest("maker", () => streamWithContext(steps())).getReader();
    const decode = (chunk: Uint8Array | undefined) => new TextDecoder().decode(chunk);
    const a = await inRequest("a", () => reader.read());
    const b = await inRequest("b", () => reader.read());
    assert.deepEqual([decode(a.value), decode(b.value)], ["maker", "maker"]);
    await reader.cancel();
  });

  /** A query builder: its work starts when someone calls `then`. */
  const lazyQuery = (): PromiseLike<string | undefined> => ({
    then: (resolve, reject) => Promise.resolve().then(() => g.id).then(resolve, reject),
  });

  it("a lazy thenable returned from run() does its work in the caller's scope", async () => {
    assert.equal(await inRequest("run", lazyQuery), undefined);
  });

  it("fix: awaiting the lazy thenable inside run() does its work in the scope", async () => {
    assert.equal(await inRequest("run", async () => await lazyQuery()), "run");
  });

  /** A DataLoader-style batcher: collects keys, runs one batch on a timer. */
  function batcher(): (key: string) => Promise<string> {
    let pending: { key: string; resolve: (value: string) => void }[] = [];
    return (key) =>
      new Promise((resolve) => {
        if (pending.length === 0) {
          setTimeout(() => {
            const batch = pending;
            pending = [];
            for (const { key, resolve } of batch) resolve(`${key} loaded for ${g.id}`);
          }, 1);
        }
        pending.push({ key, resolve });
      });
  }

  it("a batcher shared by requests runs each batch in the scope of the request that started it", async () => {
    const load = batcher();
    const results = await Promise.all(["a", "b", "c"].map((id) => inRequest(id, () => load(id))));
    assert.deepEqual(results, ["a loaded for a", "b loaded for a", "c loaded for a"]);
  });

  it("fix: one batcher per request, made in the request, batches in its own scope", async () => {
    const loaders = new Local<{ load: (key: string) => Promise<string> }>();
    const results = await Promise.all(["a", "b", "c"].map((id) =>
      inRequest(id, () => {
        loaders.load = batcher();
        return loaders.load(id);
      })
    ));
    assert.deepEqual(results, ["a loaded for a", "b loaded for b", "c loaded for c"]);
  });
});
