/**
 * A `ReadableStream` that reads its source in a given scope (internal),
 * behind `streamWithContext` and `middleware(handler, { streams: true })`.
 *
 * @module
 */
import type { Scope } from "./_scope.ts";
import { typeError } from "./_describe.ts";
import { runIn } from "./_run_in_scope.ts";

/** What a scoped stream can read: a stream, an async iterable or an iterable. */
export type StreamSource<T> = ReadableStream<T> | AsyncIterable<T> | Iterable<T>;

/** A chunk as the scoped stream emits it: strings become UTF-8 bytes. */
export type StreamChunk<T> = T extends string ? Uint8Array : T;

/** A step's result: a chunk, or the end of the source. */
type Step = { done: false; value: unknown } | { done: true; value?: unknown };

/** One step of reading a source, and stopping it early. */
interface Cursor {
  next(): Step | Promise<Step>;
  stop(reason: unknown): unknown;
}

const encoder = new TextEncoder();
const NO_ARGS: readonly unknown[] = [];

/**
 * A stream that reads `source` one chunk per pull, each pull and the
 * cancellation in `scope` (`undefined`: the root scope).
 *
 * `highWaterMark: 0`: nothing is read before the consumer asks, so the
 * source sees the consumer's pace (back-pressure) and a source the server
 * never reads never starts.
 */
export function scopedStream<T>(
  source: StreamSource<T>,
  scope: Scope | undefined,
  what: string,
): ReadableStream<StreamChunk<T>> {
  const cursor = cursorOf(source, what);
  let controller!: ReadableStreamDefaultController<unknown>;
  let stopped = false;
  const pull = async (): Promise<void> => {
    const result = await cursor.next();
    if (stopped) return; // cancelled while this step ran
    if (result.done) controller.close();
    else {controller.enqueue(
        typeof result.value === "string" ? encoder.encode(result.value) : result.value,
      );}
  };
  const cancel = async (reason: unknown): Promise<void> => {
    stopped = true;
    await cursor.stop(reason);
  };
  return new ReadableStream<unknown>({
    start(c) {
      controller = c;
    },
    pull: () => runIn(scope, pull, undefined, NO_ARGS) as Promise<void>,
    cancel: (reason) => runIn(scope, cancel, undefined, [reason]) as Promise<void>,
  }, { highWaterMark: 0 }) as ReadableStream<StreamChunk<T>>;
}

/** Reads `source` step by step; a TypeError when it is none of the three kinds. */
function cursorOf(source: unknown, what: string): Cursor {
  const expected = "a ReadableStream, an AsyncIterable or an Iterable of chunks";
  if (source instanceof ReadableStream) {
    if (source.locked) {
      throw new TypeError(
        `${what} expects an unlocked ReadableStream; received a locked one (it has a reader)`,
      );
    }
    const reader = (source as ReadableStream<unknown>).getReader();
    return { next: () => reader.read(), stop: (reason) => reader.cancel(reason) };
  }
  if (typeof source === "string") {
    // A string is iterable, character by character: surely not what was meant.
    throw typeError(what, `${expected} (wrap a string in an array)`, source);
  }
  const asyncIterate = methodOf(source, Symbol.asyncIterator);
  const iterate = asyncIterate ?? methodOf(source, Symbol.iterator);
  if (iterate === undefined) throw typeError(what, expected, source);
  const iterator = Reflect.apply(iterate, source, []) as Iterator<unknown> | AsyncIterator<unknown>;
  if (typeof iterator !== "object" || iterator === null || typeof iterator.next !== "function") {
    throw typeError(what, "an iterable whose iterator has a next() method", source);
  }
  return {
    next: () => iterator.next() as Step | Promise<Step>,
    stop: () => iterator.return?.(),
  };
}

function methodOf(value: unknown, key: symbol): ((...args: never[]) => unknown) | undefined {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) {
    return undefined;
  }
  const method = (value as Record<symbol, unknown>)[key];
  return typeof method === "function" ? method as (...args: never[]) => unknown : undefined;
}
