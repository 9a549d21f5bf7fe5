import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import {
  bindScope,
  captureScope,
  inScope,
  Local,
  LocalManager,
  LocalStack,
  type ScopeRunner,
} from "../mod.ts";
import { concurrently, randomDelay, sleep } from "./_helpers.ts";

const g = new Local<{ id: string; note: string }>();
const manager = new LocalManager(g);

describe("bindScope()", () => {
  it("bindScope() runs the function in the scope it was bound in, called from another", () => {
    const read = manager.run(() => {
      g.id = "a";
      return bindScope(() => [g.id, inScope()] as const);
    });
    assert.deepEqual(
      manager.run(() => {
        g.id = "b";
        return read();
      }),
      ["a", true],
    );
    assert.deepEqual(read(), ["a", true]);
  });

  it("bindScope() writes through to the same scope, seen by the request afterwards", async () => {
    const seen = await manager.run(async () => {
      g.id = "request";
      const write = bindScope((note: string) => {
        g.note = note;
      });
      await sleep(1);
      manager.run(() => write("from elsewhere")); // another scope calls it
      return g.note;
    });
    assert.equal(seen, "from elsewhere");
    assert.equal(g.note, undefined);
  });

  it("bindScope() keeps the scope across the bound function's own awaits and timers", async () => {
    const work = manager.run(() => {
      g.id = "async";
      return bindScope(async () => {
        await sleep(1);
        const afterAwait = g.id;
        const inTimer = await new Promise((resolve) => setTimeout(() => resolve(g.id), 1));
        return [afterAwait, inTimer];
      });
    });
    assert.deepEqual(await manager.run(() => work()), ["async", "async"]);
  });

  it("bindScope() passes this, the arguments and the return value through", () => {
    const counter = { base: 10 };
    const add = bindScope(function (this: { base: number }, a: number, b: number): number {
      return this.base + a + b;
    });
    // The type is fn's own: `this`, the parameters and the result.
    const typed: (this: { base: number }, a: number, b: number) => number = add;
    assert.equal(typed.call(counter, 1, 2), 13);
  });

  it("bindScope() keeps the function's name and length", () => {
    function handler(_request: Request, _info: unknown): void {}
    const bound = bindScope(handler);
    assert.equal(bound.name, "handler");
    assert.equal(bound.length, 2);
    assert.equal(bindScope(() => {}).length, 0);
  });

  it("a function bound in the root scope runs in the root scope", () => {
    g.note = "root value";
    try {
      const read = bindScope(() => [inScope(), g.note] as const);
      const inside = manager.run(() => {
        g.note = "scoped value";
        return read();
      });
      assert.deepEqual(inside, [false, "root value"]);
    } finally {
      delete g.note;
    }
  });

  it("bindScope() lets an error through and leaves the caller's scope as it was", () => {
    const fail = manager.run(() =>
      bindScope(() => {
        throw new RangeError("boom");
      })
    );
    manager.run(() => {
      g.id = "caller";
      assert.throws(fail, RangeError);
      assert.equal(g.id, "caller");
      assert.equal(inScope(), true);
    });
    assert.equal(inScope(), false);
  });

  it("bindScope() throws a TypeError for a non-function", () => {
    assert.throws(
      () => bindScope(42 as unknown as () => void),
      {
        name: "TypeError",
        message: "bindScope() expects a function to bind; received the number 42",
      },
    );
    assert.throws(() => bindScope(null as unknown as () => void), /received null/);
  });
});

describe("captureScope()", () => {
  it("captureScope() runs fn with the arguments in the captured scope and returns its result", () => {
    const run = manager.run(() => {
      g.id = "captured";
      return captureScope();
    });
    const result = manager.run(() => {
      g.id = "other";
      return run((a: string, b: number) => `${g.id}:${a}${b}`, "x", 1);
    });
    assert.equal(result, "captured:x1");
  });

  it("captureScope() runs in the same scope as bindScope(): writes through the runner are seen", async () => {
    const seen = await manager.run(async () => {
      g.id = "request";
      const run = captureScope();
      const read = bindScope(() => g.note);
      await sleep(1);
      manager.run(() => run(() => (g.note = "via runner")));
      return [g.note, read()];
    });
    assert.deepEqual(seen, ["via runner", "via runner"]);
  });

  it("a runner captured in the root scope runs in the root scope", () => {
    const run: ScopeRunner = captureScope();
    assert.equal(manager.run(() => run(inScope)), false);
  });

  it("captureScope()'s runner throws a TypeError for a non-function", () => {
    const run = captureScope();
    assert.throws(
      () => run("nope" as unknown as () => void),
      {
        name: "TypeError",
        message:
          'the runner of captureScope() expects a function to call; received the string "nope"',
      },
    );
  });
});

describe("inScope()", () => {
  it("inScope() is false in the root scope and true in every kind of scope", async () => {
    assert.equal(inScope(), false);
    assert.equal(manager.run(inScope), true);
    assert.equal(
      await manager.middleware(async () => {
        await sleep(1);
        return inScope();
      })(),
      true,
    );
    assert.equal(new LocalStack<number>().run(1, inScope), true);
    assert.equal(inScope(), false);
  });
});

// Listeners run in the context of whoever dispatches the event. 120 scopes
// each register a listener and then fire the next scope's, after random
// delays: without bindScope every listener sees its dispatcher's id.
const SCOPES = 120;

/** A way to register a listener for slot `i` and to fire slot `i`'s listener. */
interface Channel {
  listen(i: number, listener: () => void): void;
  fire(i: number): void;
}

const channels: Record<string, () => Channel> = {
  EventEmitter() {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(SCOPES);
    return {
      listen: (i, listener) => emitter.once(`ping-${i}`, listener),
      fire: (i) => emitter.emit(`ping-${i}`),
    };
  },
  EventTarget() {
    const target = new EventTarget();
    return {
      listen: (i, listener) => target.addEventListener(`ping-${i}`, listener, { once: true }),
      fire: (i) => target.dispatchEvent(new Event(`ping-${i}`)),
    };
  },
  AbortSignal() {
    const controllers = Array.from({ length: SCOPES }, () => new AbortController());
    return {
      listen: (i, listener) => controllers[i].signal.addEventListener("abort", listener),
      fire: (i) => controllers[i].abort(),
    };
  },
};

/** How many listeners saw their own registering scope's id. */
async function listenersSeeingTheirOwnScope(
  channel: Channel,
  wrap: (listener: () => void) => () => void,
): Promise<number> {
  const { promise: allRegistered, resolve: registered } = Promise.withResolvers<void>();
  let registrations = 0;
  const seen = await concurrently(SCOPES, (i) =>
    manager.run(async () => {
      g.id = `scope-${i}-${Math.random().toString(36).slice(2)}`;
      await randomDelay();
      const { promise, resolve } = Promise.withResolvers<string | undefined>();
      channel.listen(i, wrap(() => resolve(g.id)));
      if (++registrations === SCOPES) registered();
      await allRegistered;
      await randomDelay();
      channel.fire((i + 1) % SCOPES); // someone else's listener
      return (await promise) === g.id;
    }));
  return seen.filter(Boolean).length;
}

describe("bindScope() with listeners fired by other scopes", () => {
  for (const [name, open] of Object.entries(channels)) {
    it(`${name} listeners wrapped in bindScope() see their registering scope (${SCOPES} scopes)`, async () => {
      assert.equal(await listenersSeeingTheirOwnScope(open(), bindScope), SCOPES);
    });

    it(`${name} listeners without bindScope() see the dispatcher's scope (the test can fail)`, async () => {
      assert.equal(await listenersSeeingTheirOwnScope(open(), (listener) => listener), 0);
    });
  }
});
