/**
 * The escape tests' load client: runs many sessions (an HTTP request, a
 * WebSocket) with a fixed number in flight, each with its own id, and counts
 * how each ended: good (every id it read back is its own), cross-talk
 * (another request's id somewhere), unbound (a global read nothing), error
 * (a bad status or a broken body) or lost (no answer in time).
 *
 * @module
 */
import { type Ids, UNBOUND } from "./app/globals.ts";

export type Outcome = "good" | "crossTalk" | "unbound" | "errors" | "lost";

export interface Tally extends Record<Outcome, number> {
  sent: number;
  maxInFlight: number;
  wallMs: number;
  /** The first few sessions that were not good, described. */
  problems: string[];
}

/** How one session ended, and why when it was not good. */
export interface Ending {
  outcome: Outcome;
  detail?: string;
}

/** A session that never got its answer in time counts as lost. */
export const SESSION_TIMEOUT_MS = 30_000;

/**
 * Runs `session(id, seq)` `count` times, `concurrency` at once, each with a
 * unique id, and tallies how they ended.
 */
export async function drive(
  count: number,
  concurrency: number,
  session: (id: string, seq: number) => Promise<Ending>,
): Promise<Tally> {
  const run = Math.random().toString(36).slice(2, 8);
  const tally: Tally = {
    sent: 0,
    good: 0,
    crossTalk: 0,
    unbound: 0,
    errors: 0,
    lost: 0,
    maxInFlight: 0,
    wallMs: 0,
    problems: [],
  };
  let inFlight = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (tally.sent < count) {
      const seq = tally.sent++;
      const id = `${run}-${seq}`;
      tally.maxInFlight = Math.max(tally.maxInFlight, ++inFlight);
      const { outcome, detail } = await session(id, seq).catch((error): Ending => ({
        outcome: "lost",
        detail: describeError(error),
      }));
      inFlight--;
      tally[outcome]++;
      if (outcome !== "good" && tally.problems.length < 5) {
        tally.problems.push(`${id}: ${outcome}${detail ? ` (${detail})` : ""}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  tally.wallMs = performance.now() - started;
  return tally;
}

/** Good when every id seen is `id`; cross-talk when any is another; else unbound. */
export function judge(id: string, seen: readonly Ids[]): Ending {
  const values = seen.flatMap((ids) => [ids.url, ids.header, ids.g]);
  const foreign = values.find((value) => value !== id && value !== UNBOUND);
  if (foreign !== undefined) return { outcome: "crossTalk", detail: `saw ${foreign}` };
  if (values.includes(UNBOUND)) return { outcome: "unbound", detail: JSON.stringify(seen) };
  return { outcome: "good" };
}

/** One line of an answer: the chunk's number and the ids it saw. */
export interface Line {
  n: number;
  ids: Ids;
}

/**
 * `GET base + path?id=` with the id in `x-request-id` too; the answer must
 * be `lines` JSON lines numbered 0.., judged by `check` (default: {@linkcode judge}).
 */
export async function fetchLines(
  base: string,
  path: string,
  id: string,
  lines: number,
  check: (id: string, lines: Line[]) => Ending = (own, got) => judge(own, got.map((l) => l.ids)),
): Promise<Ending> {
  const signal = AbortSignal.timeout(SESSION_TIMEOUT_MS);
  const response = await fetch(`${base}${path.slice(1)}?id=${id}`, {
    headers: { "x-request-id": id },
    signal,
  });
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    return { outcome: signal.aborted ? "lost" : "errors", detail: describeError(error) };
  }
  if (response.status !== 200) return { outcome: "errors", detail: `${response.status} ${text}` };
  let got: Line[];
  try {
    got = text.trimEnd().split("\n").map((json) => JSON.parse(json));
  } catch {
    return { outcome: "errors", detail: `not JSON lines: ${text.slice(0, 200)}` };
  }
  if (got.length !== lines || got.some((line, n) => line.n !== n)) {
    return { outcome: "errors", detail: `expected lines 0..${lines - 1}: ${text.slice(0, 200)}` };
  }
  return check(id, got);
}

/** One line per run, for the test log and the issue's closing note. */
export function summarize(title: string, t: Tally): string {
  return `${title}: ${t.sent} sent, ${t.maxInFlight} in flight, good ${t.good}, ` +
    `cross-talk ${t.crossTalk}, unbound ${t.unbound}, errors ${t.errors}, lost ${t.lost}, ` +
    `${(t.wallMs / 1000).toFixed(2)} s`;
}

export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}

/**
 * Opens a WebSocket to `base + path?id=` (the id in `x-request-id` too),
 * sends `messages` messages one after the other and judges the ids in the
 * answers.
 */
export function webSocketSession(
  base: string,
  path: string,
  id: string,
  messages: number,
): Promise<Ending> {
  return new Promise((resolve) => {
    const url = `${base.replace(/^http/, "ws")}${path.slice(1)}?id=${id}`;
    // Deno, Bun and Node (undici) all take headers in a second, options argument.
    const options = { headers: { "x-request-id": id } } as unknown as string[];
    const socket = new WebSocket(url, options);
    const seen: Ids[] = [];
    let done = false;
    const finish = (ending: Ending): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      resolve(ending);
    };
    const timer = setTimeout(
      () => finish({ outcome: "lost", detail: `${seen.length} of ${messages} answers` }),
      SESSION_TIMEOUT_MS,
    );
    socket.onopen = () => socket.send("0");
    socket.onmessage = (event) => {
      const answer = JSON.parse(String(event.data)) as Partial<Line> & { error?: string };
      if (answer.ids === undefined || answer.n !== seen.length) {
        finish({ outcome: "errors", detail: String(event.data) });
        return;
      }
      seen.push(answer.ids);
      if (seen.length === messages) finish(judge(id, seen));
      else socket.send(String(seen.length));
    };
    socket.onerror = () => finish({ outcome: "errors", detail: "socket error" });
    socket.onclose = () => finish({ outcome: "errors", detail: `closed after ${seen.length}` });
  });
}
