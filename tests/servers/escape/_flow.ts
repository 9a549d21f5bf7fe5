/**
 * How `streamWithContext` bodies flow on each server, under load: slow
 * readers, 256 KiB chunks (back-pressure: the source is read only as fast
 * as the client reads) and clients that go away mid-stream (the generator's
 * `finally` runs, in the request's scope).
 *
 * @module
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import { sleep } from "../../_helpers.ts";
import { TEST_TIMEOUT_MS } from "../_isolation.ts";
import { type Ending, judge, type Line, SESSION_TIMEOUT_MS, type Tally } from "./_client.ts";
import type { Ids } from "./app/globals.ts";
import { BIG_CHUNK, BIG_HEADER, type Flow, SLOW_LINES } from "./app/flow.ts";

type Load = (
  title: string,
  sessions: number,
  session: (id: string) => Promise<Ending>,
  concurrency?: number,
) => Promise<Tally>;

const SLOW_READERS = 400;
/** The longest pause of a slow reader between two reads. */
const SLOW_PAUSE_MS = 10;
const BIG_STREAMS = 2;
/** A big stream's length (256 MiB): the client reads only the start of it. */
const BIG_CHUNKS = 1024;
/** Chunks a big-stream client reads before it pauses, how long it pauses, and in all. */
const READ_BEFORE_PAUSE = 2;
const PAUSE_MS = 300;
const READ_IN_ALL = 16;
/**
 * The most chunks the source may have produced while the client paused: what
 * the sockets, the server's and the client's buffers hold (measured: 20 to
 * 67), far below what a source drained eagerly produces in that time (all
 * 1024: a chunk takes well under a millisecond to make).
 */
const MOST_PRODUCED_AT_PAUSE = BIG_CHUNKS / 4;
const DISCONNECTS = 100;

const decoder = new TextDecoder();

function request(base: string, path: string, id: string, signal?: AbortSignal, query = "") {
  return fetch(`${base}${path.slice(1)}?id=${id}${query}`, {
    headers: { "x-request-id": id },
    signal: signal ?? AbortSignal.timeout(SESSION_TIMEOUT_MS),
  });
}

async function flowOf(base: string, id: string): Promise<Flow | undefined> {
  const response = await fetch(`${base}stats?of=${id}`);
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  return await response.json() as Flow;
}

async function slowReader(base: string, id: string): Promise<Ending> {
  const response = await request(base, "/slow/stream", id);
  const reader = response.body!.getReader();
  let text = "";
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    text += decoder.decode(read.value, { stream: true });
    await sleep(Math.random() * SLOW_PAUSE_MS);
  }
  const lines = text.trimEnd().split("\n").map((json) => JSON.parse(json) as Line);
  if (lines.length !== SLOW_LINES || lines.some((line, n) => line.n !== n)) {
    return { outcome: "errors", detail: text.slice(0, 200) };
  }
  return judge(id, lines.map((line) => line.ids));
}

/** What a big-stream client saw when it paused: chunks it had read, chunks produced. */
interface Pause {
  read: number;
  produced: number;
}

/**
 * Reads the first chunks of a 256 MiB stream of 256 KiB chunks, pausing
 * after the first few to ask the server how many the source has produced,
 * then goes away; every chunk's header must carry its number and the
 * request's ids, and so must the generator's `finally`.
 */
async function bigReader(base: string, id: string, pauses: Pause[]): Promise<Ending> {
  const client = new AbortController();
  const response = await request(base, "/big/stream", id, client.signal, `&chunks=${BIG_CHUNKS}`);
  const reader = response.body!.getReader();
  const chunk = new Uint8Array(BIG_CHUNK);
  let filled = 0;
  const headers: Line[] = [];
  while (headers.length < READ_IN_ALL) {
    const read = await reader.read();
    if (read.done) return { outcome: "errors", detail: `ended after ${headers.length} chunks` };
    for (let at = 0; at < read.value.length && headers.length < READ_IN_ALL;) {
      const take = Math.min(BIG_CHUNK - filled, read.value.length - at);
      chunk.set(read.value.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled < BIG_CHUNK) continue;
      headers.push(JSON.parse(decoder.decode(chunk.subarray(0, BIG_HEADER))));
      filled = 0;
      if (headers.length === READ_BEFORE_PAUSE) {
        await sleep(PAUSE_MS);
        pauses.push({ read: headers.length, produced: (await flowOf(base, id))?.produced ?? -1 });
      }
    }
  }
  client.abort();
  await reader.closed.catch(() => {});
  if (headers.some((line, n) => line.n !== n)) {
    return { outcome: "errors", detail: JSON.stringify(headers.map((line) => line.n)) };
  }
  const stopped = await finallyOf(base, id);
  if (stopped === undefined) {
    return { outcome: "lost", detail: "the generator's finally never ran" };
  }
  return judge(id, [...headers.map((line) => line.ids), stopped]);
}

/** Waits for the `finally` of `id`'s generator and returns the ids it saw. */
async function finallyOf(base: string, id: string): Promise<Ids | undefined> {
  const deadline = Date.now() + SESSION_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const flow = await flowOf(base, id);
    if (flow?.finally !== undefined) return flow.finally;
    await sleep(50);
  }
  return undefined;
}

/** Reads the start of an endless stream, goes away, and waits for its `finally`. */
async function leaver(base: string, id: string): Promise<Ending> {
  const client = new AbortController();
  const response = await request(base, "/endless/stream", id, client.signal);
  const reader = response.body!.getReader();
  await reader.read();
  await sleep(Math.random() * 5);
  client.abort();
  await reader.closed.catch(() => {});
  const stopped = await finallyOf(base, id);
  if (stopped === undefined) {
    return { outcome: "lost", detail: "the generator's finally never ran" };
  }
  return judge(id, [stopped]);
}

/** Registers the flow tests of one server (call it inside its `describe`). */
export function flowTests(server: string, base: () => string, load: Load): void {
  const options = { timeout: TEST_TIMEOUT_MS };
  const good = (tally: Tally, sessions: number): void =>
    assert.equal(
      tally.good,
      sessions,
      `good ${tally.good} of ${sessions}:\n${tally.problems.join("\n")}`,
    );

  it(
    `${server}: streamWithContext keeps every chunk in its request for slow readers (${SLOW_READERS} streams)`,
    options,
    async () => {
      const title = `${server}: slow readers, streamWithContext`;
      good(await load(title, SLOW_READERS, (id) => slowReader(base(), id)), SLOW_READERS);
    },
  );

  it(
    `${server}: streamWithContext reads 256 KiB chunks only as fast as the client reads them`,
    options,
    async () => {
      const pauses: Pause[] = [];
      const title = `${server}: 256 KiB chunks, ${READ_IN_ALL} read, streamWithContext`;
      const tally = await load(
        title,
        BIG_STREAMS,
        (id) => bigReader(base(), id, pauses),
        BIG_STREAMS,
      );
      good(tally, BIG_STREAMS);
      console.log(
        `${title}: produced when the client paused after ${READ_BEFORE_PAUSE}: ${
          pauses.map((pause) => pause.produced).join(", ")
        } of ${BIG_CHUNKS}`,
      );
      assert.equal(pauses.length, BIG_STREAMS);
      for (const pause of pauses) {
        assert.ok(
          pause.produced >= pause.read && pause.produced <= MOST_PRODUCED_AT_PAUSE,
          JSON.stringify(pauses),
        );
      }
    },
  );

  it(
    `${server}: a client that disconnects mid-stream runs the generator's finally in its request (${DISCONNECTS} clients)`,
    options,
    async () => {
      const title = `${server}: disconnect mid-stream, streamWithContext`;
      good(await load(title, DISCONNECTS, (id) => leaver(base(), id)), DISCONNECTS);
    },
  );
}
