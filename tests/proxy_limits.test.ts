// Built-ins that check their argument's brand (an internal slot a Proxy does
// not have) instead of reading it through its properties: pinned as each
// runtime does it (the README's "What proxies cannot hide"), with
// LocalProxy.getCurrentObject as the fix. If a runtime changes, these fail
// and the README must change with them.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { LocalProxy, LocalStack } from "../mod.ts";
import { type Listening, nativeServer, serve } from "../examples/servers.ts";
import { runtime } from "./_runtime.ts";

const { getCurrentObject } = LocalProxy;
const HI = () => new Uint8Array([104, 105]); // "hi"

describe("a proxied Uint8Array in Blob, FormData, TextDecoder and Response", () => {
  const bytesStack = new LocalStack<Uint8Array<ArrayBuffer>>();
  const bytes = new LocalProxy(bytesStack);

  it('new Blob([proxy]) holds its String(), "104,105", not the bytes', async () => {
    await bytesStack.run(HI(), async () => {
      assert.equal(await new Blob([bytes]).text(), "104,105");
      assert.equal(await new Blob([getCurrentObject(bytes)]).text(), "hi");
    });
  });

  it('FormData#append(name, proxy) stores its String(), "104,105"', () => {
    bytesStack.run(HI(), () => {
      const form = new FormData();
      form.append("plain", bytes as unknown as string);
      form.append("fixed", new Blob([getCurrentObject(bytes)]));
      assert.equal(form.get("plain"), "104,105");
      assert.equal((form.get("fixed") as File).size, 2);
    });
  });

  it("new TextDecoder().decode(proxy) throws a TypeError", () => {
    bytesStack.run(HI(), () => {
      assert.throws(() => new TextDecoder().decode(bytes), TypeError);
      assert.equal(new TextDecoder().decode(getCurrentObject(bytes)), "hi");
    });
  });

  const deno = runtime === "deno";
  it(
    `new Response(proxy) ${
      deno
        ? "reads it as an iterable of numbers: its body rejects (Deno)"
        : 'has the body "104,105"'
    }`,
    async () => {
      await bytesStack.run(HI(), async () => {
        if (deno) {
          await assert.rejects(new Response(bytes).text(), TypeError);
        } else {
          assert.equal(await new Response(bytes).text(), "104,105");
        }
        assert.equal(await new Response(getCurrentObject(bytes)).text(), "hi");
      });
    },
  );
});

describe("a proxied Request in new Request() and fetch()", () => {
  const requestStack = new LocalStack<Request>();
  const request = new LocalProxy(requestStack);
  let echo: Listening;
  before(async () => {
    echo = await serve(nativeServer(), async (incoming) => {
      const { method, headers } = incoming;
      return new Response(`${method} ${headers.get("x-id")} ${await incoming.text()}`);
    });
  });
  after(() => echo?.close());

  /** A POST with a header and a body, made afresh (a body is read once). */
  const post = (): Request =>
    new Request(`${echo.origin}/`, { method: "POST", headers: { "x-id": "7" }, body: "hi" });
  const copies = runtime !== "node";

  it(`new Request(proxy) ${copies ? "copies the current Request" : "throws a TypeError (Node)"}`, () => {
    requestStack.run(post(), () => {
      if (copies) {
        assert.equal(new Request(request).headers.get("x-id"), "7");
      } else {
        assert.throws(() => new Request(request), TypeError);
      }
    });
    requestStack.run(post(), () => {
      assert.equal(new Request(getCurrentObject(request)).headers.get("x-id"), "7");
    });
  });

  it(`fetch(proxy) ${copies ? "sends the current Request" : "rejects with a TypeError (Node)"}`, async () => {
    await requestStack.run(post(), async () => {
      if (copies) {
        assert.equal(await (await fetch(request)).text(), "POST 7 hi");
      } else {
        await assert.rejects(fetch(request), TypeError);
      }
    });
    await requestStack.run(post(), async () => {
      assert.equal(await (await fetch(getCurrentObject(request))).text(), "POST 7 hi");
    });
  });
});
