/**
 * Streamed bodies whose chunks the server pulls after the handler has
 * returned: each chunk is a line of the ids its producer saw. `naive` is the
 * README's wiring as a new user writes it; `stream` wraps the body in
 * `streamWithContext`; `option` returns the naive body from a handler
 * wrapped with `manager.middleware(handler, { streams: true })` (see
 * handler.ts).
 *
 * @module
 */
import { streamWithContext } from "../../../../mod.ts";
import { line } from "./globals.ts";
import type { Routes } from "./handler.ts";

/** Lines per streamed answer. */
export const LINES = 3;

const encoder = new TextEncoder();

/** A body pulled one chunk at a time: nothing is produced before the server asks. */
function pulled(): ReadableStream<Uint8Array> {
  let n = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      controller.enqueue(encoder.encode(await line(n)));
      if (++n === LINES) controller.close();
    },
  }, { highWaterMark: 0 });
}

async function* lines(): AsyncGenerator<Uint8Array> {
  for (let n = 0; n < LINES; n++) yield encoder.encode(await line(n));
}

/** Bun's own stream kind: `pull` runs once and writes straight to the socket. */
function direct(): ReadableStream<Uint8Array> {
  const source = {
    type: "direct",
    async pull(controller: { write(chunk: string): void; close(): void }) {
      for (let n = 0; n < LINES; n++) controller.write(await line(n));
      controller.close();
    },
  };
  return new ReadableStream(source as unknown as UnderlyingDefaultSource<Uint8Array>);
}

const body = (init: BodyInit | (() => AsyncGenerator<Uint8Array>)): Response =>
  new Response(init as BodyInit, { headers: { "content-type": "application/x-ndjson" } });

export const streamRoutes: Routes = {
  "/pull/naive": () => body(pulled()),
  "/pull/stream": () => body(streamWithContext(pulled())),
  "/pull/option": () => body(pulled()),
  "/from/naive": () => body(ReadableStream.from(lines())),
  "/from/stream": () => body(streamWithContext(lines())),
  "/from/option": () => body(ReadableStream.from(lines())),
  // Bun only: an async generator function as the body, and `type: "direct"`.
  "/bun-generator/naive": () => body(lines),
  "/bun-generator/stream": () => body(streamWithContext(lines())),
  "/bun-generator/option": () => body(lines),
  "/bun-direct/naive": () => body(direct()),
  "/bun-direct/stream": () => body(streamWithContext(direct())),
  "/bun-direct/option": () => body(direct()),
};
