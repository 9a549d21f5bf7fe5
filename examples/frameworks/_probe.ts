/**
 * What the framework examples share with their load test: a strict `g`, and
 * a probe that reads the request's id back, several awaits deep, through the
 * example's `request` global, through `g` and through the framework's own
 * context object. Every example answers each route with what the probe saw;
 * the load test counts an answer as good only when every id is the
 * request's own.
 *
 * The request carries its id in `?id=` and the server-side delay to wait,
 * 0-5 ms, in `?delay=` (query parameters, because a WebSocket client cannot
 * set headers).
 *
 * @module
 */
import { Local } from "../../mod.ts";

/** Per-request values (Flask's `g`): strict, so a read outside any scope throws. */
export const g: Local<{ id: string }> = new Local<{ id: string }>({ strict: true, name: "g" });

/** What a read that threw (an unbound proxy, a strict local outside a scope) reports. */
export const UNBOUND = "unbound";

/** The ids one answer carries: every value must be the request's own id. */
export type Ids = Record<string, string>;

/** Reads a query parameter of the current request through the example's `request` global. */
export type QueryReader = (name: string) => string | null | undefined;

/** Reads the example's globals on behalf of the routes. */
export interface Probe {
  /** Like an auth helper: waits `?delay=` ms, then sets `g.id` from `request`. */
  enter(): Promise<void>;
  /** The id as `request`, `g` and the framework context see it, several awaits deep. */
  ids(contextId: () => string | null | undefined, extra?: Ids): Promise<Ids>;
}

/**
 * A probe for an example whose `request` global reads query parameters with
 * `query`; `enter()` writes the id to `local` (the strict `g` by default).
 */
export function probe(query: QueryReader, local: Local<{ id: string }> = g): Probe {
  // Unbound, the delay is 0: the reads that follow report the unbound globals.
  const delay = (): number => Math.min(Math.max(Number(read(() => query("delay"))) || 0, 0), 50);
  return {
    async enter() {
      await sleep(delay());
      local.id = query("id") ?? "";
    },
    async ids(contextId, extra = {}) {
      await Promise.resolve();
      await sleep(Math.random() * delay());
      await sleep(0);
      return {
        request: read(() => query("id")),
        g: read(() => local.id),
        context: read(contextId),
        ...extra,
      };
    },
  };
}

/** `count` newline-terminated JSON lines of what the probe saw, one per call. */
export async function* idLines(
  see: () => Promise<Ids>,
  count = 3,
): AsyncGenerator<string, void, undefined> {
  for (let i = 0; i < count; i++) yield `${JSON.stringify(await see())}\n`;
}

/** `lines` as UTF-8 bytes, what a generator body must yield. */
export async function* encoded(lines: AsyncIterable<string>): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  for await (const line of lines) yield encoder.encode(line);
}

/**
 * A body the server pulls: each pull (and only a pull, `highWaterMark: 0`)
 * takes the next line of `lines`.
 */
export function pulledStream(lines: AsyncIterator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await lines.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
  }, { highWaterMark: 0 });
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function read(fn: () => string | null | undefined): string {
  try {
    return fn() ?? UNBOUND;
  } catch (error) {
    // An unbound global is what the load test counts; say which one.
    return `${UNBOUND}: ${error instanceof Error ? error.message : String(error)}`;
  }
}
