// Streamed bodies on every real server: Deno.serve, Bun.serve, node:http
// (through examples/node_adapter.ts) and workerd. Each server pulls the
// body after the handler has returned, in its own context; with
// `middleware(handler, { streams: true })` or `streamWithContext` every
// chunk still reads its own request. A smoke test per server (the load
// tests with many more requests live under tests/servers/escape/).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { serve, type ServerKind } from "../../examples/servers.ts";
import { startWorker } from "../../examples/workerd/serve.mjs";
import { CHUNKS, streamApp } from "./fixtures/stream_app.ts";
import { concurrently, sleep } from "../_helpers.ts";
import { runtime } from "../_runtime.ts";

/** Concurrent requests per route and server. */
const REQUESTS = 50;

interface Running {
  url: string;
  close(): Promise<void>;
}

async function startInProcess(kind: ServerKind): Promise<Running> {
  const server = await serve(kind, streamApp);
  return { url: server.origin, close: () => server.close() };
}

async function startWorkerd(): Promise<Running> {
  const server = await startWorker(
    fileURLToPath(new URL("./fixtures/stream_worker.ts", import.meta.url)),
  );
  return { url: server.url.replace(/\/$/, ""), close: server.stop };
}

const servers: {
  name: string;
  skip: string | false;
  start: () => Promise<Running>;
  /** Whether it upgrades WebSockets with a status 101 Response of its own. */
  upgradesWith101: boolean;
  /** Whether it pulls `ReadableStream.from(generator)` outside the request. */
  pullsOutside: boolean;
}[] = [
  {
    name: "Deno.serve",
    upgradesWith101: true,
    skip: runtime !== "deno" && "Deno.serve exists on Deno only",
    start: () => startInProcess("Deno.serve"),
    pullsOutside: true,
  },
  {
    name: "Bun.serve",
    upgradesWith101: false,
    skip: runtime !== "bun" && "Bun.serve exists on Bun only",
    start: () => startInProcess("Bun.serve"),
    pullsOutside: true,
  },
  {
    name: "node:http",
    upgradesWith101: false,
    skip: false,
    start: () => startInProcess("node:http"),
    pullsOutside: false,
  },
  {
    name: "workerd",
    upgradesWith101: true,
    skip: false,
    start: startWorkerd,
    pullsOutside: false,
  },
];

/** What `/closed` reports of each stream whose generator's `finally` ran. */
interface ClosedRecord {
  id: string;
  g: string | undefined;
  hasRequest: boolean;
  inScope: boolean;
}

/** Each request's chunks, as `<request id>|<g.id>` lines, for `REQUESTS` unique ids. */
async function fetchAll(url: string, path: string): Promise<{ id: string; lines: string[] }[]> {
  return await concurrently(REQUESTS, async (i) => {
    const id = `${path.slice(1)}-${i}-${Math.random().toString(36).slice(2)}`;
    const response = await fetch(`${url}${path}?id=${id}`, { headers: { "x-id": id } });
    assert.equal(response.status, 200);
    const lines = (await response.text()).split("\n").slice(0, -1);
    return { id, lines };
  });
}

function assertEveryChunkOwnRequest(results: { id: string; lines: string[] }[]): void {
  const wrong = results.flatMap(({ id, lines }) =>
    lines.length === CHUNKS && lines.every((line) => line === `${id}|${id}`)
      ? []
      : [`${id}: ${JSON.stringify(lines)}`]
  );
  assert.deepEqual(wrong, [], `${wrong.length} of ${results.length} streams not their own`);
}

for (const server of servers) {
  describe(`streamed bodies on ${server.name}`, { skip: server.skip }, () => {
    let running: Running;
    before(async () => {
      running = await server.start();
    });
    after(() => running?.close());

    it(`middleware(handler, { streams: true }) reads every chunk in its own request (${REQUESTS} concurrent)`, async () => {
      assertEveryChunkOwnRequest(await fetchAll(running.url, "/streams"));
    });

    it(`streamWithContext(generator) reads every chunk in its own request (${REQUESTS} concurrent)`, async () => {
      assertEveryChunkOwnRequest(await fetchAll(running.url, "/wrapped"));
    });

    if (server.name === "Bun.serve") {
      for (const body of ["bun-generator", "bun-direct"]) {
        it(`{ streams: true } reads Bun's ${body.slice(4)} body in its own request (${REQUESTS} concurrent)`, async () => {
          assertEveryChunkOwnRequest(await fetchAll(running.url, `/streams/${body}`));
        });
      }
    }

    if (server.upgradesWith101) {
      it("a WebSocket upgrade (status 101) passes through { streams: true } and talks", async () => {
        const id = `ws-${Math.random().toString(36).slice(2)}`;
        const socket = new WebSocket(
          `${running.url.replace("http", "ws")}/streams/websocket?id=${id}`,
        );
        try {
          const reply = new Promise<string>((resolve, reject) => {
            socket.onmessage = (event) => resolve(String(event.data));
            socket.onerror = () => reject(new Error("the WebSocket failed"));
          });
          await new Promise((resolve) => (socket.onopen = resolve));
          socket.send("hi");
          assert.equal(await reply, `${id}:hi`);
        } finally {
          socket.close();
        }
      });
    }

    if (server.pullsOutside) {
      it("without either, ReadableStream.from(generator) is pulled outside the request", async () => {
        const results = await fetchAll(running.url, "/bare");
        const unbound = results.filter(({ lines }) => lines.includes("unbound|undefined"));
        assert.equal(unbound.length, REQUESTS, "the baseline no longer fails on this server");
      });
    }

    // (statusText is checked in-process: Deno.serve and Bun.serve send the
    // standard reason phrase, and Deno's fetch reports only that.)
    it("a streamed body keeps its status and repeated Set-Cookie headers", async () => {
      const response = await fetch(`${running.url}/cookies`);
      assert.equal(response.status, 203);
      assert.deepEqual(response.headers.getSetCookie(), ["a=1; Path=/", "b=2; Path=/"]);
      assert.equal(response.headers.get("x-kept"), "yes");
      assert.equal(await response.text(), "ab");
    });

    it("a client that disconnects mid-stream runs the generator's finally in its request", async () => {
      const id = `gone-${Math.random().toString(36).slice(2)}`;
      const aborter = new AbortController();
      const response = await fetch(`${running.url}/forever?id=${id}`, {
        headers: { "x-id": id },
        signal: aborter.signal,
      });
      const reader = response.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      assert.equal(first.split("\n")[0], `${id}|${id}`);
      // Deno.serve's Request refuses to be read once its client is gone, so
      // the finally checks g and the stack rather than the request's headers.
      aborter.abort();
      await reader.closed.catch(() => {});
      // The server learns of the disconnect on its own schedule: wait for it.
      const deadline = Date.now() + 20_000;
      let record: ClosedRecord | undefined;
      while (record === undefined && Date.now() < deadline) {
        await sleep(20);
        const closed = await (await fetch(`${running.url}/closed`)).json() as ClosedRecord[];
        record = closed.find((entry) => entry.id === id);
      }
      assert.deepEqual(record, { id, g: id, hasRequest: true, inScope: true });
    });
  });
}
