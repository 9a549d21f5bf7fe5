/**
 * Faults: handlers that throw synchronously, reject later, miss a deadline,
 * are abandoned by a client that times out or aborts, or leave timers
 * writing to locals after their response. On a real server the next requests
 * must never see any of their values, and every failing scope must leave its
 * caller's state as it was.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Local, LocalManager, LocalStack } from "../../mod.ts";
import { storage } from "../../_scope.ts";
import { type Listening, serve, serverKinds } from "../../examples/servers.ts";
import { sleep } from "../_helpers.ts";

/** Rejects with the signal's reason as soon as it aborts; clears its timer either way. */
function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    function onAbort(): void {
      clearTimeout(timer);
      reject(signal.reason);
    }
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** A small seeded PRNG (mulberry32) so that a failing mix can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS = ["ok", "throw", "reject", "deadline", "slow", "abort", "linger"] as const;
type Kind = typeof KINDS[number];

interface Observation {
  readonly id: string;
  readonly kind: Kind;
  readonly at: string;
  readonly g: [string, unknown][];
  readonly stack: string[];
}

/** One app (request and g, Flask-style) whose handlers fail in every way. */
class FaultyApp {
  readonly g = new Local<Record<string, unknown>>();
  readonly requests = new LocalStack<string>();
  readonly manager = new LocalManager([this.g, this.requests]);
  readonly observations: Observation[] = [];
  readonly handle = this.manager.middleware((request: Request) => this.#app(request));
  abortsSeen = 0;
  #outstanding = 0;

  /** The current scope's stack, bottom first, read in a throwaway child scope. */
  stackItems(): string[] {
    return new LocalManager().run(() => {
      const items: string[] = [];
      for (let item = this.requests.pop(); item !== undefined; item = this.requests.pop()) {
        items.unshift(item);
      }
      return items;
    });
  }

  #observe(id: string, kind: Kind, at: string): void {
    this.observations.push({
      id,
      kind,
      at,
      g: [...this.g].map(([k, v]) => [String(k), v]),
      stack: this.stackItems(),
    });
  }

  /** Counts work that outlives the response, so the test can wait for all of it. */
  #track(work: () => Promise<void>): void {
    this.#outstanding++;
    work().finally(() => this.#outstanding--);
  }

  async settled(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.#outstanding > 0) {
      if (Date.now() > deadline) throw new Error(`${this.#outstanding} handlers never finished`);
      await sleep(5);
    }
  }

  #app(request: Request): Response | Promise<Response> {
    const url = new URL(request.url);
    const kind = url.pathname.slice(1) as Kind;
    const id = url.searchParams.get("id") ?? "?";
    this.#observe(id, kind, "entry");
    this.g.id = id;
    this.g[`mark-${id}`] = kind;
    this.requests.push(`req-${id}`);
    if (kind === "throw") throw new Error(`synchronous failure of ${id}`);
    if (kind === "linger") {
      // Respond at once but keep writing to this request's locals afterwards.
      this.#track(async () => {
        await sleep(5 + Number(url.searchParams.get("delay")));
        this.g.lingered = id;
        this.requests.push(`linger-${id}`);
        this.#observe(id, kind, "timer after the response");
      });
      this.#track(() =>
        new Promise<void>((resolve) => {
          const interval = setInterval(() => {
            this.g.ticks = Number(this.g.ticks ?? 0) + 1;
            if (this.g.ticks === 3) {
              clearInterval(interval);
              this.#observe(id, kind, "interval after the response");
              resolve();
            }
          }, 2);
        })
      );
      this.#observe(id, kind, "exit");
      return Response.json({ id });
    }
    return new Promise<Response>((resolve, reject) => {
      this.#track(async () => {
        try {
          resolve(await this.#asyncPart(kind, id, request));
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  async #asyncPart(kind: Kind, id: string, request: Request): Promise<Response> {
    await sleep(Math.random() * 3);
    switch (kind) {
      case "reject":
        this.g.after = id;
        this.#observe(id, kind, "before rejecting");
        throw new Error(`asynchronous failure of ${id}`);
      case "deadline": {
        // The handler's own deadline cancels slow work.
        const deadline = AbortSignal.timeout(5);
        try {
          await abortableSleep(200, deadline);
        } catch (error) {
          if (!deadline.aborted) throw error;
          this.g.timedOut = id;
          this.#observe(id, kind, "after its deadline");
          return new Response("deadline exceeded", { status: 504 });
        }
        throw new Error("the deadline never fired");
      }
      case "slow":
        // The client gives up long before this answer.
        await sleep(40);
        this.g.late = id;
        this.requests.push(`late-${id}`);
        this.#observe(id, kind, "after the client timed out");
        return new Response("too late");
      case "abort":
        try {
          await abortableSleep(2_000, request.signal);
        } catch (error) {
          if (!request.signal.aborted) throw error;
          this.abortsSeen++;
        }
        this.g.afterAbort = id;
        this.#observe(id, kind, "after the client aborted");
        return new Response("nobody is listening");
      default:
        this.g.after = id;
        this.#observe(id, kind, "exit");
        return Response.json({ id, g: [...this.g], stack: this.stackItems() });
    }
  }
}

/** The answer to a handler that threw or rejected (not logged: the tests make them fail). */
const failed = (): Response => new Response("internal error", { status: 500 });

/** Every value in `observation` belongs to its own request. */
function assertOwnValuesOnly(o: Observation): void {
  const where = `request ${o.id} (${o.kind}) ${o.at}`;
  for (const [key, value] of o.g) {
    if (key === "ticks") continue;
    const owner = key.startsWith("mark-") ? key.slice("mark-".length) : value;
    assert.equal(owner, o.id, `${where} saw g.${key} = ${String(value)} of another request`);
  }
  for (const item of o.stack) {
    assert.equal(item.split("-").at(-1), o.id, `${where} saw ${item} on the stack`);
  }
  if (o.at !== "entry") {
    assert.equal(o.g.find(([key]) => key === "id")?.[1], o.id, `${where} lost its own g.id`);
    assert.equal(o.stack[0], `req-${o.id}`, `${where} lost its own request`);
  }
}

async function request(server: Listening, kind: Kind, id: string, delay: number): Promise<void> {
  const url = `${server.origin}/${kind}?id=${id}&delay=${delay}`;
  switch (kind) {
    case "slow":
      await assert.rejects(fetch(url, { signal: AbortSignal.timeout(10) }));
      return;
    case "abort": {
      const controller = new AbortController();
      const pending = fetch(url, { signal: controller.signal });
      await sleep(5);
      controller.abort();
      await assert.rejects(pending);
      return;
    }
  }
  const response = await fetch(url);
  const body = await response.text();
  const expected = kind === "throw" || kind === "reject" ? 500 : kind === "deadline" ? 504 : 200;
  assert.equal(response.status, expected, `${kind} ${id}: ${body}`);
  if (kind === "ok") {
    const seen = JSON.parse(body) as { id: string; g: [string, unknown][]; stack: string[] };
    assert.deepEqual(seen.g, [["id", id], [`mark-${id}`, "ok"], ["after", id]]);
    assert.deepEqual(seen.stack, [`req-${id}`]);
  }
}

const REQUESTS = 350;
const IN_FLIGHT = 35;
const PROBES = 50;

for (const kind of serverKinds()) {
  describe(`faults on ${kind}: failed and abandoned requests leak nothing`, () => {
    const app = new FaultyApp();
    let server: Listening;

    before(async () => {
      server = await serve(kind, app.handle, { onError: failed });
    });
    after(async () => {
      try {
        await app.settled();
      } finally {
        await server?.close();
      }
    });

    it(`${REQUESTS} requests that throw, reject, time out, are aborted or linger, then ${PROBES} clean ones`, async () => {
      const random = prng(5);
      const plan = Array.from({ length: REQUESTS }, (_, i) => ({
        kind: KINDS[Math.floor(random() * KINDS.length)],
        id: `r${i}`,
        delay: Math.floor(random() * 25),
      }));
      let next = 0;
      await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
        while (next < plan.length) {
          const { kind, id, delay } = plan[next++];
          await request(server, kind, id, delay);
        }
      }));
      await app.settled();
      for (let i = 0; i < PROBES; i++) await request(server, "ok", `probe${i}`, 0);

      const entries = app.observations.filter((o) => o.at === "entry");
      // A client may abandon a slow/abort request before the server dispatches it.
      const entered = new Set(entries.map((o) => o.id));
      for (const { kind, id } of plan) {
        if (kind !== "slow" && kind !== "abort") assert.ok(entered.has(id), `${id} never ran`);
      }
      for (let i = 0; i < PROBES; i++) assert.ok(entered.has(`probe${i}`));
      for (const o of entries) {
        assert.deepEqual([o.g, o.stack], [[], []], `request ${o.id} started with leftovers`);
      }
      for (const o of app.observations) assertOwnValuesOnly(o);
      const after = app.observations.filter((o) =>
        o.at.includes("after") && o.kind !== "reject" && o.kind !== "deadline"
      );
      assert.ok(after.length > 0, "some handlers wrote after their response");
      assert.deepEqual([...app.g], [], "the root scope was written to");
      assert.equal(app.requests.top, undefined);
      const counts = Object.fromEntries(
        KINDS.map((k) => [k, plan.filter((p) => p.kind === k).length]),
      );
      console.log(
        `[reliability/faults] ${kind}: ${REQUESTS} faulty requests ${JSON.stringify(counts)}, ` +
          `${PROBES} probes, ${entries.length} handled, ${app.observations.length} observations, ` +
          `${after.length} writes after the response, ${app.abortsSeen}/${counts.abort} client aborts ` +
          `seen through request.signal`,
      );
    });
  });
}

describe("faults: failing scopes restore their caller's state", () => {
  const g = new Local<{ user: string; step: number }>();
  const stack = new LocalStack<string>();
  const manager = new LocalManager([g, stack]);

  /**
   * Runs `fn` in a scope with known caller state, then checks that state and
   * that scope afterwards. `fn` asserts its own failure (`assert.throws` /
   * `assert.rejects`); whatever else it throws fails the test, and the checks
   * run outside every scope the library opened, so a scope that swallowed an
   * error cannot swallow them too.
   */
  async function callerSurvives(fn: () => unknown): Promise<void> {
    const seen = await manager.run(async () => {
      g.user = "caller";
      stack.push("caller");
      const scope = storage.getStore();
      await fn();
      return {
        sameScope: storage.getStore() === scope,
        g: [...g],
        top: stack.top,
        popped: stack.pop(),
        below: stack.top,
      };
    });
    assert.deepEqual(seen, {
      sameScope: true,
      g: [["user", "caller"]],
      top: "caller",
      popped: "caller",
      below: undefined,
    });
  }

  it("manager.run and stack.run that throw synchronously", async () => {
    await callerSurvives(() =>
      assert.throws(() =>
        manager.run(() => {
          g.user = "inner";
          stack.push("inner");
          throw new Error("sync");
        }), { message: "sync" })
    );
    await callerSurvives(() =>
      assert.throws(() =>
        stack.run("item", () => {
          g.step = 1;
          manager.cleanup();
          throw new TypeError("sync");
        }), { name: "TypeError", message: "sync" })
    );
  });

  it("nested scopes that throw or reject after awaits", async () => {
    await callerSurvives(() =>
      assert.rejects(
        manager.run(async () => {
          g.user = "outer";
          await sleep(1);
          assert.throws(() =>
            manager.run(() => {
              g.user = "nested, synchronous";
              throw new Error("nested, synchronous");
            }), { message: "nested, synchronous" });
          await assert.rejects(
            stack.run("nested", async () => {
              g.user = "nested";
              await Promise.resolve();
              throw new Error("nested");
            }),
            { message: "nested" },
          );
          // Neither nested scope's writes show; the caller's push does.
          assert.equal(g.user, "outer");
          assert.equal(stack.top, "caller");
          stack.push("outer");
          await sleep(1);
          throw new Error("outer");
        }),
        { message: "outer" },
      )
    );
  });

  it("a scope aborted by an AbortSignal", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("aborted by the caller")), 3);
    await callerSurvives(() =>
      assert.rejects(
        manager.run(async () => {
          g.user = "doomed";
          await abortableSleep(1_000, controller.signal);
        }),
        { message: "aborted by the caller" },
      )
    );
    // A scope opened after its signal aborted fails at once, synchronously.
    await callerSurvives(() =>
      assert.throws(() =>
        manager.run(() => {
          g.user = "too late";
          controller.signal.throwIfAborted();
        }), { message: "aborted by the caller" })
    );
    await callerSurvives(() =>
      assert.rejects(
        manager.run(async () => {
          stack.push("doomed");
          await abortableSleep(1_000, AbortSignal.timeout(2));
        }),
        { name: "TimeoutError" },
      )
    );
  });

  it("timers left running after a scope ends write only to that scope", async () => {
    const seen: string[] = [];
    const outcomes: string[] = [];
    await callerSurvives(async () => {
      // Each scope sets a timer, then returns, rejects or throws synchronously.
      await Promise.all(Array.from({ length: 50 }, async (_, i) => {
        try {
          await manager.run(() => {
            g.user = `u${i}`;
            setTimeout(() => {
              g.step = i;
              stack.push(`late${i}`);
              seen.push(`${g.user}:${g.step}:${stack.top}`);
            }, 1 + (i % 7));
            if (i % 3 === 1) throw new Error(`thrown ${i}`);
            return i % 3 === 2 ? Promise.reject(new Error(`rejected ${i}`)) : undefined;
          });
          outcomes.push(`returned ${i}`);
        } catch (error) {
          outcomes.push((error as Error).message);
        }
      }));
      await sleep(15);
      assert.equal(g.step, undefined);
    });
    assert.deepEqual(
      outcomes.sort(),
      Array.from({ length: 50 }, (_, i) => `${["returned", "thrown", "rejected"][i % 3]} ${i}`)
        .sort(),
    );
    assert.equal(seen.length, 50);
    assert.deepEqual(
      seen.sort(),
      Array.from({ length: 50 }, (_, i) => `u${i}:${i}:late${i}`).sort(),
    );
    assert.deepEqual([...g], []);
  });

  it("200 concurrent scopes, half failing at random points, never see each other's values", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        manager.run(async () => {
          g.user = `u${i}`;
          stack.push(`s${i}`);
          await sleep(Math.random() * 4);
          if (i % 4 === 1) throw new Error(`fail ${i}`);
          if (i % 4 === 3) {
            await Promise.resolve();
            throw new Error(`fail ${i}`);
          }
          await sleep(Math.random() * 4);
          return `${g.user}/${stack.top}`;
        })),
    );
    results.forEach((result, i) => {
      if (i % 2 === 1) {
        assert.equal(result.status, "rejected");
      } else {
        assert.deepEqual(result, { status: "fulfilled", value: `u${i}/s${i}` });
      }
    });
    assert.deepEqual([...g], []);
    assert.equal(stack.top, undefined);
  });
});
