/**
 * {@linkcode streamWithContext}: a streamed response body whose every read
 * runs in the request's scope, whoever pulls it (Flask's
 * `stream_with_context`).
 *
 * A server reads a streamed body after the handler has returned, in its own
 * context: `Deno.serve` and `Bun.serve` pull `ReadableStream.from(generator)`
 * (and Deno a `highWaterMark: 0` stream) outside the request, so the
 * request's locals read as unset there. Wrap the body, or pass
 * `{ streams: true }` to `LocalManager#middleware` to wrap every one.
 *
 * @example A generator body that reads the request's locals
 * ```ts
 * import {
 *   Local,
 *   LocalManager,
 *   streamWithContext,
 * } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const g = new Local<{ user: string }>();
 * const manager = new LocalManager(g);
 * async function* greet(): AsyncGenerator<string> {
 *   yield "hello ";
 *   await new Promise((resolve) => setTimeout(resolve, 1));
 *   yield g.user ?? "nobody"; // read when the server pulls, in the scope
 * }
 * const response = manager.run(() => {
 *   g.user = "ada";
 *   return new Response(streamWithContext(greet()));
 * });
 * assert.equal(await response.text(), "hello ada");
 * ```
 *
 * @module
 */
import { storage } from "./_scope.ts";
import { scopedStream } from "./_scoped_stream.ts";

/**
 * What `streamWithContext` reads: a `ReadableStream`, an `AsyncIterable`
 * (an async generator, a Node `Readable`) or an `Iterable` of chunks.
 *
 * @typeParam T The type of the chunks.
 *
 * @example Three kinds of source
 * ```ts
 * import {
 *   type StreamSource,
 *   streamWithContext,
 * } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * async function* generated(): AsyncGenerator<string> {
 *   yield "b";
 * }
 * const sources: StreamSource<string>[] = [
 *   ReadableStream.from(["a"]),
 *   generated(),
 *   ["c"],
 * ];
 * const texts = await Promise.all(
 *   sources.map((source) => new Response(streamWithContext(source)).text()),
 * );
 * assert.deepEqual(texts, ["a", "b", "c"]);
 * ```
 */
export type StreamSource<T> = ReadableStream<T> | AsyncIterable<T> | Iterable<T>;

/**
 * A chunk as `streamWithContext` emits it: a string becomes its UTF-8
 * bytes (a `Uint8Array`); any other chunk passes unchanged.
 *
 * @typeParam T The type of the source's chunks.
 *
 * @example Strings come out as bytes
 * ```ts
 * import {
 *   type StreamChunk,
 *   streamWithContext,
 * } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const stream: ReadableStream<StreamChunk<string>> = streamWithContext([
 *   "hi",
 * ]);
 * const { value } = await stream.getReader().read();
 * assert.deepEqual(value, new TextEncoder().encode("hi"));
 * ```
 */
export type StreamChunk<T> = T extends string ? Uint8Array : T;

/**
 * Returns a `ReadableStream` of `source`'s chunks whose every pull, its
 * `cancel` and the source iterator's `return()` run in the scope current at
 * this call: the same scope, as with {@linkcode bindScope}. Made for
 * `new Response(streamWithContext(source))` on `Deno.serve`, `Bun.serve`,
 * `node:http` and workerd.
 *
 * - `source` is a `ReadableStream` (locked by this call), an `AsyncIterable`
 *   such as an async generator or a Node `Readable`, or an `Iterable`.
 * - One chunk is read per pull, and nothing before the first one
 *   (`highWaterMark: 0`): a slow client slows the source down
 *   (back-pressure), and a source that is never read never starts.
 * - When the consumer cancels (a client that disconnects), the source is
 *   cancelled or its iterator's `return()` is called, so a generator's
 *   `finally` blocks run, in the scope.
 * - String chunks are encoded as UTF-8 (`Deno.serve`, `node:http` and
 *   workerd accept only bytes in a body); other chunks pass unchanged.
 * - An error thrown by the source errors the stream.
 *
 * Do not call `manager.cleanup()` in the `finally` of a handler that returns
 * such a stream: the stream reads the same scope after the handler has
 * returned, so it would find the values gone. Values need no cleanup; if you
 * want it anyway, call it in the generator's own `finally`.
 *
 * @typeParam T The type of `source`'s chunks.
 * @param source What to stream.
 * @returns A stream of `source`'s chunks (strings as `Uint8Array`).
 * @throws {TypeError} When `source` is none of the three kinds (a string
 * too: wrap it in an array), or is a locked `ReadableStream`.
 *
 * @example The generator's finally runs in the scope when the client goes away
 * ```ts
 * import {
 *   Local,
 *   LocalManager,
 *   streamWithContext,
 * } from "@contextlocal/contextlocal";
 * import assert from "node:assert/strict";
 *
 * const g = new Local<{ id: string }>();
 * const manager = new LocalManager(g);
 * const closed: (string | undefined)[] = [];
 * function* ticks(): Generator<string> {
 *   try {
 *     for (let i = 0; ; i++) yield `${g.id} ${i}\n`;
 *   } finally {
 *     closed.push(g.id);
 *   }
 * }
 * const body = manager.run(() => {
 *   g.id = "req-1";
 *   return streamWithContext(ticks());
 * });
 * const reader = body.getReader();
 * const { value } = await reader.read();
 * assert.equal(new TextDecoder().decode(value), "req-1 0\n");
 * await reader.cancel(); // what a server does when the client disconnects
 * assert.deepEqual(closed, ["req-1"]);
 * ```
 */
export function streamWithContext<T>(source: StreamSource<T>): ReadableStream<StreamChunk<T>> {
  return scopedStream(source, storage.getStore(), "streamWithContext()");
}
