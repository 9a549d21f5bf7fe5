import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Local, LocalManager, LocalProxy, LocalStack, streamWithContext } from "../mod.ts";
import { sleep } from "./_helpers.ts";

const requestStack = new LocalStack<Request>();
const request = new LocalProxy(requestStack, undefined, { unboundMessage: "unbound" });
const g = new Local<{ id: string }>();
const manager = new LocalManager([requestStack, g]);

/** An async generator of the request's path and g.id, read when pulled. */
async function* whoAmI(): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  for (let i = 0; i < 2; i++) {
    await sleep(1);
    let path: string;
    try {
      path = new URL(request.url).pathname;
    } catch (error) {
      path = (error as Error).message;
    }
    yield encoder.encode(`${path}|${g.id};`);
  }
}

/** A handler that sets the request's globals and streams `whoAmI()`. */
function streaming(init?: ResponseInit): (req: Request) => Promise<Response> {
  return async (req) => {
    requestStack.push(req);
    g.id = new URL(req.url).searchParams.get("id") ?? "none";
    await sleep(1);
    return new Response(ReadableStream.from(whoAmI()), init);
  };
}

const get = (path: string): Request => new Request(`http://localhost${path}`);

describe("LocalManager#middleware(handler, { streams: true })", () => {
  it("{ streams: true } reads the body in the request's scope, pulled from outside it", async () => {
    const handle = manager.middleware(streaming(), { streams: true });
    const response = await handle(get("/a?id=1"));
    assert.equal(await response.text(), "/a|1;/a|1;");
  });

  it("without { streams: true } the same body is read outside the request (the test can fail)", async () => {
    const handle = manager.middleware(streaming());
    const response = await handle(get("/a?id=1"));
    // Read here, in the root scope: ReadableStream.from pulls in the reader's context.
    assert.equal(await response.text(), "unbound|undefined;unbound|undefined;");
  });

  it("{ streams: true } keeps status, statusText and every header, each Set-Cookie too", async () => {
    const headers = new Headers([["x-one", "1"], ["content-type", "text/plain"]]);
    headers.append("set-cookie", "a=1; Path=/");
    headers.append("set-cookie", "b=2; HttpOnly");
    const handle = manager.middleware(
      streaming({ status: 207, statusText: "Streamed Elsewhere", headers }),
      { streams: true },
    );
    const response = await handle(get("/h?id=h"));
    assert.equal(response.status, 207);
    assert.equal(response.statusText, "Streamed Elsewhere");
    assert.deepEqual(response.headers.getSetCookie(), ["a=1; Path=/", "b=2; HttpOnly"]);
    assert.deepEqual([...response.headers], [...headers]);
    assert.equal(await response.text(), "/h|h;/h|h;");
  });

  it("{ streams: true } also rewrites a Response returned synchronously", async () => {
    const handle = manager.middleware((req: Request) => {
      requestStack.push(req);
      g.id = "sync";
      return new Response(ReadableStream.from(whoAmI()));
    }, { streams: true });
    const response = handle(get("/sync"));
    assert.ok(response instanceof Response);
    assert.equal(await response.text(), "/sync|sync;/sync|sync;");
  });

  it("{ streams: true } returns body-less responses and non-Responses as the same object", async () => {
    const empty = new Response(null, { status: 204 });
    const redirect = Response.redirect("http://localhost/elsewhere", 302);
    const plain = { body: new ReadableStream() }; // not a Response
    for (const value of [empty, redirect, plain, undefined, "text"]) {
      const handle = manager.middleware(() => value, { streams: true });
      assert.equal(handle(), value);
      assert.equal(
        await manager.middleware(() => Promise.resolve(value), { streams: true })(),
        value,
      );
    }
  });

  it("{ streams: true } passes a rejection through", async () => {
    const handle = manager.middleware(async () => {
      await sleep(1);
      throw new RangeError("handler failed");
    }, { streams: true });
    await assert.rejects(handle(), { name: "RangeError", message: "handler failed" });
  });

  it("the middleware returns the handler's own Response when streams is off or false", () => {
    const response = new Response("body");
    assert.equal(manager.middleware(() => response)(), response);
    assert.equal(manager.middleware(() => response, { streams: false })(), response);
    assert.equal(manager.middleware(() => response, {})(), response);
  });

  it("the middleware keeps the handler's name and length, with and without streams", () => {
    function handler(_req: Request, _info: unknown): Response {
      return new Response(null);
    }
    for (const options of [undefined, { streams: true }]) {
      const wrapped = manager.middleware(handler, options);
      assert.equal(wrapped.name, "handler");
      assert.equal(wrapped.length, 2);
    }
  });

  it("the middleware passes this and the arguments through with streams", () => {
    const wrapped = manager.middleware(function (this: { n: number }, a: number): number {
      return this.n + a;
    }, { streams: true });
    assert.equal(wrapped.call({ n: 1 }, 2), 3);
  });
});

describe("LocalManager#middleware() options", () => {
  const what = "LocalManager#middleware()";
  const handler = (): Response => new Response(null);
  for (
    const [label, options, message] of [
      [
        "null",
        null,
        `${what} expects an options object ({ streams?: boolean }) or undefined; received null`,
      ],
      [
        "a boolean",
        true,
        `${what} expects an options object ({ streams?: boolean }) or undefined; received the boolean true`,
      ],
      [
        "streams: 1",
        { streams: 1 },
        `${what} option "streams" expects a boolean or undefined; received the number 1`,
      ],
      [
        "a misspelt option",
        { stream: true },
        `${what} expects only the option "streams"; received an option named stream`,
      ],
    ] as const
  ) {
    it(`LocalManager#middleware() throws a TypeError for options ${label}`, () => {
      assert.throws(() => manager.middleware(handler, options as never), {
        name: "TypeError",
        message,
      });
    });
  }
});

// What `manager.cleanup()` in the `finally` of a handler that returns a
// stream does: the library keeps one scope per request, and the stream
// reads that same scope after the handler has returned, so the values are
// gone by then. The documented rule: do not clean up there (values need no
// cleanup); to clean up anyway, do it in the generator's own finally.
describe("manager.cleanup() and streamed bodies", () => {
  it("cleanup() in the handler's finally clears the values before the stream is read", async () => {
    for (const options of [{ streams: true }, undefined]) {
      const handle = manager.middleware(async (req: Request) => {
        try {
          requestStack.push(req);
          g.id = "cleaned";
          await sleep(1);
          return new Response(streamWithContext(whoAmI()));
        } finally {
          manager.cleanup();
        }
      }, options);
      const response = await handle(get("/c"));
      assert.equal(await response.text(), "unbound|undefined;unbound|undefined;");
    }
  });

  it("cleanup() in the generator's finally keeps the values until the stream ends", async () => {
    const atEnd: (string | undefined)[] = [];
    async function* thenCleanUp(): AsyncGenerator<Uint8Array> {
      try {
        yield* whoAmI();
      } finally {
        manager.cleanup();
        atEnd.push(g.id);
      }
    }
    const handle = manager.middleware((req: Request) => {
      requestStack.push(req);
      g.id = "kept";
      return new Response(ReadableStream.from(thenCleanUp()));
    }, { streams: true });
    const response = await handle(get("/k"));
    assert.equal(await response.text(), "/k|kept;/k|kept;");
    assert.deepEqual(atEnd, [undefined]);
  });
});
