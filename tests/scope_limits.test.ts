// Where a scope does not reach, pinned as each runtime does it (the README's
// "Choices"): a queued next() of an async generator that two scopes share,
// and a lazy thenable returned from run(). If a runtime changes, these fail
// and the README must change with them.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Local, LocalManager, LocalStack, streamWithContext } from "../mod.ts";
import { sleep } from "./_helpers.ts";
import { runtime } from "./_runtime.ts";

const g = new Local<{ id: string }>();
const stack = new LocalStack<string>();
const manager = new LocalManager([g, stack]);

/** Each step waits for a timer, then reads the current scope's g.id. */
async function* readsOfG(): AsyncGenerator<string | undefined> {
  for (;;) {
    await sleep(1);
    yield g.id;
  }
}

/**
 * Requests "a" and "b" read three steps each, concurrently, from what
 * `source(id)` gives them; each read as `<reader> <- <g.id at the step>`.
 */
function twoRequestsRead(
  source: (id: string) => { next(): Promise<IteratorResult<unknown>> },
): Promise<string[][]> {
  return Promise.all(["a", "b"].map((id) =>
    manager.run(async () => {
      g.id = id;
      const steps = source(id);
      const reads: string[] = [];
      for (let i = 0; i < 3; i++) reads.push(`${id} <- ${(await steps.next()).value}`);
      return reads;
    })
  ));
}

describe("an async generator shared by two scopes", () => {
  it("runs a queued next() in the previous step's scope (Node, Bun) or the root scope (Deno)", async () => {
    const shared = readsOfG();
    const reads = await twoRequestsRead(() => shared);
    // The first step runs in "a", which started the generator; a next()
    // queued while a step runs is resumed from where that step left off.
    const expected = runtime === "deno"
      ? [
        ["a <- a", "a <- undefined", "a <- undefined"],
        ["b <- undefined", "b <- undefined", "b <- undefined"],
      ]
      : [["a <- a", "a <- a", "a <- a"], ["b <- a", "b <- a", "b <- a"]];
    assert.deepEqual(reads, expected);
  });

  it("fix: one generator per scope reads only its own scope", async () => {
    const reads = await twoRequestsRead(() => readsOfG());
    assert.deepEqual(reads, [["a <- a", "a <- a", "a <- a"], ["b <- b", "b <- b", "b <- b"]]);
  });

  it("fix: streamWithContext(generator) runs every step in the scope that made it", async () => {
    const reader = manager.run(() => {
      g.id = "maker";
      return streamWithContext(readsOfG()).getReader();
    });
    const decoder = new TextDecoder();
    const reads = await twoRequestsRead(() => ({
      next: async () => {
        const { done, value } = await reader.read();
        return { done, value: decoder.decode(value) } as IteratorResult<string>;
      },
    }));
    await reader.cancel();
    assert.deepEqual(reads, [
      ["a <- maker", "a <- maker", "a <- maker"],
      ["b <- maker", "b <- maker", "b <- maker"],
    ]);
  });
});

describe("a lazy thenable returned from run()", () => {
  /** A query builder: it reads the scope when someone calls `then`. */
  const query = (): PromiseLike<string> => ({
    then: (resolve, reject) =>
      Promise.resolve().then(() => `${g.id} / ${stack.top}`).then(resolve, reject),
  });

  /** What `open(body)` resolves to, awaited in a caller whose g.id and top are "caller". */
  function fromCaller(open: () => PromiseLike<string>): Promise<string> {
    return manager.run(async () => {
      g.id = "caller";
      stack.push("caller");
      return await open();
    });
  }

  it("manager.run(() => query) and stack.run(item, () => query) run the query in the caller's scope", async () => {
    const viaManager = fromCaller(() =>
      manager.run(() => {
        g.id = "inner";
        return query();
      })
    );
    const viaStack = fromCaller(() => stack.run("inner", () => query()));
    assert.deepEqual(await Promise.all([viaManager, viaStack]), [
      "caller / caller",
      "caller / caller",
    ]);
  });

  it("fix: an async body runs the query in run()'s scope, awaited or returned", async () => {
    // An async function resolves its promise with the returned thenable in
    // its own scope, so `async () => query()` needs no await: the async is
    // the fix (hence the lint exceptions).
    const reads = await Promise.all([
      fromCaller(() =>
        manager.run(async () => {
          g.id = "inner";
          return await query();
        })
      ),
      fromCaller(() =>
        // deno-lint-ignore require-await
        manager.run(async () => {
          g.id = "inner";
          return query();
        })
      ),
      fromCaller(() => stack.run("inner", async () => await query())),
      // deno-lint-ignore require-await
      fromCaller(() => stack.run("inner", async () => query())),
    ]);
    assert.deepEqual(reads, [
      "inner / caller",
      "inner / caller",
      "caller / inner",
      "caller / inner",
    ]);
  });
});
