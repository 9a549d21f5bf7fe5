/**
 * A `ReadableStream` that reads its source in a given scope (internal),
 * behind `streamWithContext` and `middleware(handler, { streams: true })`.
 *
 * @module
 */
import type { Scope } from "./_scope.ts";
import { typeError } from "./_describe.ts";
import { runIn } from "./_run_in_scope.ts";
import type { StreamChunk, StreamSource } from "./stream.ts";

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
 * never reads never starts. A default stream, not `type: "bytes"`: a byte
 * stream would detach (transfer) every chunk's buffer, and measured on
 * Bun.serve, Deno.serve and node:http it keeps the same back-pressure.
 */
export function scopedStream<T>(
  source: StreamSource<T>,
  scope: Scope | undefined,
  what: string,
): ReadableStream<StreamChunk<T>> {
  return new ReadableStream<unknown>(new ScopedSource(cursorOf(source, what), scope), {
    highWaterMark: 0,
  }) as ReadableStream<StreamChunk<T>>;
}

/**
 * The underlying source: one object and no closure per pull, since a
 * response body is a stream per request.
 */
class ScopedSource implements UnderlyingDefaultSource<unknown> {
  #cursor: Cursor;
  #scope: Scope | undefined;
  #controller: ReadableStreamDefaultController<unknown> | undefined;
  #stopped = false;

  constructor(cursor: Cursor, scope: Scope | undefined) {
    this.#cursor = cursor;
    this.#scope = scope;
  }

  start(controller: ReadableStreamDefaultController<unknown>): void {
    this.#controller = controller;
  }

  pull(): Promise<void> | void {
    return runIn(this.#scope, this.#step, this, NO_ARGS) as Promise<void> | void;
  }

  cancel(reason: unknown): Promise<void> {
    return runIn(this.#scope, this.#stop, this, [reason]) as Promise<void>;
  }

  /** Runs in the scope: one step of the source (synchronous for a sync iterator). */
  #step(): Promise<void> | void {
    const step = this.#cursor.next();
    if (typeof (step as PromiseLike<Step>).then !== "function") return this.#deliver(step as Step);
    return Promise.resolve(step).then(this.#deliver);
  }

  #deliver = (result: Step): void => {
    if (this.#stopped) return; // cancelled while this step ran
    const controller = this.#controller!;
    if (result.done) controller.close();
    else if (typeof result.value === "string") controller.enqueue(encoder.encode(result.value));
    else controller.enqueue(result.value);
  };

  async #stop(reason: unknown): Promise<void> {
    this.#stopped = true;
    await this.#cursor.stop(reason);
  }
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
  return iteratorCursor(iterator);
}

/**
 * Steps `iterator`; `stop` waits for a step in flight before it calls
 * `return()`. A `return()` that an async generator queues behind a running
 * step runs its `finally` outside the caller's context on Deno; called
 * between steps, the `finally` runs inside the `return()` call, in scope.
 */
function iteratorCursor(iterator: Iterator<unknown> | AsyncIterator<unknown>): Cursor {
  let inFlight: unknown;
  return {
    next(): Step | Promise<Step> {
      const step = iterator.next() as Step | Promise<Step>;
      inFlight = step;
      return step;
    },
    async stop(): Promise<unknown> {
      try {
        await inFlight;
      } catch {
        // The step's own error already errored the stream.
      }
      return await iterator.return?.();
    },
  };
}

function methodOf(value: unknown, key: symbol): ((...args: never[]) => unknown) | undefined {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) {
    return undefined;
  }
  const method = (value as Record<symbol, unknown>)[key];
  return typeof method === "function" ? method as (...args: never[]) => unknown : undefined;
}
