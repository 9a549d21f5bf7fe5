/**
 * How a `streamWithContext` body flows: many small lines for slow readers,
 * 256 KiB chunks that count how many the source has produced (back-pressure:
 * `GET /stats?id=` tells the client), and a long stream whose `finally`
 * records the ids it saw when the client went away.
 *
 * @module
 */
import { streamWithContext } from "../../../../mod.ts";
import { randomDelay, sleep } from "../../../_helpers.ts";
import { type Ids, line, probe, probeAtOnce, request } from "./globals.ts";
import type { Routes } from "./handler.ts";

/** Lines a slow reader reads. */
export const SLOW_LINES = 8;
/** Bytes of one big chunk, and of the JSON header it starts with. */
export const BIG_CHUNK = 256 * 1024;
export const BIG_HEADER = 256;
/** Chunks of an endless stream: far more than any client reads before it goes away. */
const ENDLESS_CHUNKS = 100_000;

/** What the server knows about one request's stream. */
export interface Flow {
  /** Chunks the source has produced (one per pull). */
  produced: number;
  /** The ids the generator's `finally` saw, once it ran (the client went away). */
  finally?: Ids;
}

const flows = new Map<string, Flow>();
const encoder = new TextEncoder();

function flowOf(id: string): Flow {
  const flow: Flow = { produced: 0 };
  flows.set(id, flow);
  return flow;
}

async function* slowLines(): AsyncGenerator<string> {
  for (let n = 0; n < SLOW_LINES; n++) yield await line(n);
}

async function* bigChunks(flow: Flow, count: number): AsyncGenerator<Uint8Array> {
  try {
    for (let n = 0; n < count; n++) {
      const chunk = new Uint8Array(BIG_CHUNK).fill(0x20);
      const header = encoder.encode(JSON.stringify({ n, ids: await probeAtOnce() }));
      if (header.length > BIG_HEADER) throw new RangeError(`header of ${header.length} bytes`);
      chunk.set(header);
      flow.produced++;
      yield chunk;
    }
  } finally {
    flow.finally = await probeAtOnce();
  }
}

async function* endless(flow: Flow): AsyncGenerator<string> {
  try {
    for (let n = 0; n < ENDLESS_CHUNKS; n++) {
      await sleep(1);
      flow.produced++;
      yield `${JSON.stringify({ n })}\n`;
    }
  } finally {
    await randomDelay();
    flow.finally = await probe();
  }
}

const idOf = (req: Request): string => new URL(req.url).searchParams.get("id") ?? "";

export const flowRoutes: Routes = {
  "/slow/stream": () => new Response(streamWithContext(slowLines())),
  "/big/stream": () => {
    const count = Number(new URL(request.url).searchParams.get("chunks"));
    return new Response(streamWithContext(bigChunks(flowOf(idOf(request)), count)));
  },
  "/endless/stream": () => new Response(streamWithContext(endless(flowOf(idOf(request))))),
  "/stats": (req) => {
    const flow = flows.get(new URL(req.url).searchParams.get("of") ?? "");
    return flow === undefined
      ? new Response("no such stream", { status: 404 })
      : Response.json(flow);
  },
};
