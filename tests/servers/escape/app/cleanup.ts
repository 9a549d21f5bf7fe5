/**
 * `manager.cleanup()` with a streamed body. The library's rule (see
 * `streamWithContext`): the stream reads the request's scope after the
 * handler has returned, so cleanup in the handler's `finally` empties the
 * scope before the first chunk (`naive`, and `option` with
 * `{ streams: true }`); cleanup belongs in the generator's own code, after
 * its last chunk (`stream`), which then reads nothing.
 *
 * @module
 */
import { streamWithContext } from "../../../../mod.ts";
import { line, manager } from "./globals.ts";
import type { Routes } from "./handler.ts";
import { LINES } from "./streams.ts";

async function* lines(): AsyncGenerator<string> {
  for (let n = 0; n < LINES; n++) yield await line(n);
}

/** The lines, then cleanup in the same scope, then one more line: all unbound. */
async function* linesThenCleanup(): AsyncGenerator<string> {
  yield* lines();
  manager.cleanup();
  yield await line(LINES);
}

function cleanedUpInFinally(body: () => ReadableStream<Uint8Array | string>): () => Response {
  return () => {
    try {
      return new Response(body() as BodyInit);
    } finally {
      manager.cleanup();
    }
  };
}

export const cleanupRoutes: Routes = {
  "/cleanup/naive": cleanedUpInFinally(() => streamWithContext(linesThenCleanup())),
  "/cleanup/option": cleanedUpInFinally(() => ReadableStream.from(linesThenCleanup())),
  "/cleanup/stream": () => new Response(streamWithContext(linesThenCleanup())),
};
