// LocalManager.middleware() passed straight to each real server this runtime
// has, under 200 concurrent real HTTP requests with random server-side delays.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Local, LocalManager, LocalProxy, LocalStack } from "../mod.ts";
import { concurrently, randomDelay } from "./_helpers.ts";
import { serve, type ServerKind } from "../examples/servers.ts";
import { runtime } from "./_runtime.ts";

const REQUESTS = 200;

/** The Flask-style globals of a Web-standard (Request -> Response) app. */
function webApp(): (request: Request) => Promise<Response> {
  const requestStack = new LocalStack<Request>();
  const request = new LocalProxy(requestStack);
  const g = new Local<{ id: string }>();
  const manager = new LocalManager([requestStack, g]);

  async function authenticate(): Promise<void> {
    await randomDelay();
    g.id = request.headers.get("x-id") ?? "missing";
  }

  return manager.middleware(async (incoming: Request): Promise<Response> => {
    if (requestStack.top !== undefined || g.id !== undefined) {
      return new Response("scope was not fresh", { status: 500 });
    }
    requestStack.push(incoming);
    await authenticate();
    await randomDelay();
    const body = await request.text();
    return Response.json({
      header: request.headers.get("x-id"),
      path: new URL(request.url).searchParams.get("id"),
      body,
      g: g.id,
    });
  });
}

/** The same app written against node:http's (req, res) handler. */
function nodeApp(): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const requestStack = new LocalStack<IncomingMessage>();
  const request = new LocalProxy(requestStack);
  const g = new Local<{ id: string }>();
  const manager = new LocalManager([requestStack, g]);

  async function readBody(): Promise<string> {
    let body = "";
    for await (const chunk of request) body += chunk;
    return body;
  }

  return manager.middleware(async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const fresh = requestStack.top === undefined && g.id === undefined;
    requestStack.push(req);
    await randomDelay();
    g.id = String(request.headers["x-id"]);
    const body = await readBody();
    await randomDelay();
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({
      header: request.headers["x-id"],
      path: new URL(request.url ?? "/", "http://localhost").searchParams.get("id"),
      body: fresh ? body : "scope was not fresh",
      g: g.id,
    }));
  });
}

/** Fires REQUESTS concurrent requests and counts the responses that are not their own. */
async function load(port: number): Promise<{ ok: number; crossTalk: number; errors: string[] }> {
  let ok = 0;
  let crossTalk = 0;
  const errors: string[] = [];
  await concurrently(REQUESTS, async (i) => {
    const id = `req-${i}-${Math.random().toString(36).slice(2)}`;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/?id=${id}`, {
        method: "POST",
        headers: { "x-id": id },
        body: id,
      });
      const json = await response.json();
      const expected = { header: id, path: id, body: id, g: id };
      if (response.status === 200 && JSON.stringify(json) === JSON.stringify(expected)) ok++;
      else crossTalk++;
    } catch (error) {
      errors.push(String(error));
    }
  });
  return { ok, crossTalk, errors };
}

/** Serves `webApp()` straight from a `kind` server and checks every answer. */
async function keepsRequestsApart(kind: ServerKind): Promise<void> {
  const server = await serve(kind, webApp());
  try {
    assertClean(await load(server.port));
  } finally {
    await server.close();
  }
}

function assertClean(result: { ok: number; crossTalk: number; errors: string[] }): void {
  assert.deepEqual(result.errors, []);
  assert.equal(result.crossTalk, 0);
  assert.equal(result.ok, REQUESTS);
}

describe("LocalManager.middleware() on real servers", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it("Deno.serve(manager.middleware(handler)) keeps 200 concurrent requests apart", {
    skip: runtime !== "deno" && "Deno.serve exists on Deno only",
  }, () => keepsRequestsApart("Deno.serve"));

  it("Bun.serve({ fetch: manager.middleware(handler) }) keeps 200 concurrent requests apart", {
    skip: runtime !== "bun" && "Bun.serve exists on Bun only",
  }, () => keepsRequestsApart("Bun.serve"));

  it("http.createServer(manager.middleware(handler)) keeps 200 concurrent requests apart", async () => {
    const server = createServer(nodeApp());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })
    );
    assertClean(await load((server.address() as AddressInfo).port));
  });
});
