// The load client of the framework tests: every route of one example server
// in one run, all routes mixed, 100 in flight, a unique id per request and a
// random 0-5 ms server delay. An answer is good only when every id it
// carries (the probe's `request`, `g`, `context`, and `body` on uploads) is
// the request's own; one that says "unbound" is unbound; any other id is
// cross-talk. WebSockets: each socket sends 3 messages and every answer must
// carry the ids of its own upgrade request.
import assert from "node:assert/strict";
import http from "node:http";
import { sleep } from "../../_helpers.ts";
import { UNBOUND } from "../../../examples/frameworks/_probe.ts";
import type { RunningServer } from "../../../examples/load/server.mjs";
import { runtime } from "../../_runtime.ts";

/** How a route is driven and what a good answer looks like. */
export type RouteKind =
  | "json" // GET, 200 with one JSON object of ids
  | "upload" // POST, a JSON body sent slowly in chunks; 200 with one JSON object
  | "lines" // GET, 200 with a streamed body of 3 lines that each hold one JSON object
  | "error" // GET, the framework's error handler answers 500 with one JSON object
  | "ws"; // WebSocket: 3 messages, 3 answers

export interface Route {
  readonly path: string;
  readonly kind: RouteKind;
}

export interface Tally {
  good: number;
  crossTalk: number;
  unbound: number;
  errors: number;
  lost: number;
}

/** Requests per HTTP route, sockets per WebSocket route, in flight at once. */
export const REQUESTS = 400;
export const SOCKETS = 200;
export const MESSAGES = 3;
export const CONCURRENCY = 100;
/** An answer later than this is lost: generous, the machine is shared. */
const TIMEOUT_MS = 30_000;
/** A whole framework test (start, load, stop) fails after this long. */
export const FRAMEWORK_TEST_TIMEOUT_MS = 180_000;

class Lost extends Error {}

/**
 * Drives every route of `server` at once, prints one row per route and
 * asserts 0 cross-talk, 0 unbound, 0 errors and 0 lost.
 */
export async function loadFramework(
  name: string,
  server: RunningServer,
  routes: readonly Route[],
): Promise<void> {
  const { tallies, problems } = await measureFramework(name, server, routes);
  const detail = `${problems.join("\n")}\nserver output:\n${server.output().slice(-2000)}`;
  for (const route of routes) {
    const sent = route.kind === "ws" ? SOCKETS : REQUESTS;
    assert.deepEqual(
      tallies.get(route.path),
      { good: sent, crossTalk: 0, unbound: 0, errors: 0, lost: 0 },
      `${name} ${route.path} on ${runtime}:\n${detail}`,
    );
  }
}

/** Drives every route of `server` at once and prints one row per route. */
export async function measureFramework(
  name: string,
  server: RunningServer,
  routes: readonly Route[],
): Promise<{ tallies: Map<string, Tally>; problems: string[] }> {
  const tallies = new Map(
    routes.map((r) => [r.path, { good: 0, crossTalk: 0, unbound: 0, errors: 0, lost: 0 }]),
  );
  const problems: string[] = [];
  const run = Math.random().toString(36).slice(2, 8);
  const jobs = shuffle(
    routes.flatMap((route) =>
      Array.from({ length: route.kind === "ws" ? SOCKETS : REQUESTS }, (_, i) => ({ route, i }))
    ),
  );
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const { route, i } = jobs[next++];
      const id = `${run}-${route.path.replace(/\W/g, "")}-${i}`;
      const outcome = await attempt(server.url, route, id);
      (tallies.get(route.path) as Tally)[outcome.kind]++;
      if (outcome.kind !== "good" && problems.length < 10) {
        problems.push(`${route.path} ${id}: ${outcome.kind}: ${outcome.detail}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  for (const [path, t] of tallies) {
    console.log(
      `| ${name} | ${runtime} | ${path} | ${t.good} | ${t.crossTalk} | ${t.unbound} | ${t.errors} | ${t.lost} |`,
    );
  }
  console.log(`${name} on ${runtime}: ${jobs.length} requests/sockets in ${seconds} s`);
  return { tallies, problems };
}

type Outcome = { kind: keyof Tally; detail: string };

async function attempt(baseUrl: string, route: Route, id: string): Promise<Outcome> {
  const delay = String(Math.floor(Math.random() * 6));
  let answers: Record<string, unknown>[];
  try {
    answers = await send(baseUrl, route, id, delay);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { kind: error instanceof Lost ? "lost" : "errors", detail };
  }
  const expected = route.kind === "lines" || route.kind === "ws" ? MESSAGES : 1;
  if (answers.length !== expected) {
    return { kind: "errors", detail: `${answers.length} answers, expected ${expected}` };
  }
  return classify(answers, id, route.kind === "upload");
}

/** Cross-talk wins over unbound: any other request's id anywhere is cross-talk. */
export function classify(
  answers: Record<string, unknown>[],
  id: string,
  withBody: boolean,
): Outcome {
  const values = answers.flatMap((ids) => Object.values(ids));
  const detail = JSON.stringify(answers);
  if (answers.some((ids) => ["request", "g", "context"].some((key) => !(key in ids)))) {
    return { kind: "errors", detail: `missing ids: ${detail}` };
  }
  if (withBody && answers.some((ids) => !("body" in ids))) {
    return { kind: "errors", detail: `missing body id: ${detail}` };
  }
  const isUnbound = (v: unknown) => typeof v === "string" && v.startsWith(UNBOUND);
  if (values.some((v) => v !== id && !isUnbound(v))) return { kind: "crossTalk", detail };
  if (values.some(isUnbound)) return { kind: "unbound", detail };
  return { kind: "good", detail };
}

function send(
  baseUrl: string,
  route: Route,
  id: string,
  delay: string,
): Promise<Record<string, unknown>[]> {
  const url = new URL(`${route.path.slice(1)}?id=${id}&delay=${delay}`, baseUrl);
  switch (route.kind) {
    case "ws":
      return talk(url);
    case "upload":
      return upload(url, id);
    default:
      return get(url, route.kind);
  }
}

async function get(url: URL, kind: RouteKind): Promise<Record<string, unknown>[]> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    text = await response.text();
  } catch (error) {
    throw new Lost(`no answer: ${error instanceof Error ? error.message : String(error)}`);
  }
  const status = kind === "error" ? 500 : 200;
  if (response.status !== status) {
    throw new Error(`status ${response.status}: ${text.slice(0, 300)}`);
  }
  return parseLines(text, kind === "lines");
}

/** One JSON object, or (streams) one per line; SSE's `data: ` prefix is skipped. */
function parseLines(text: string, many: boolean): Record<string, unknown>[] {
  if (!many) return [unwrap(JSON.parse(text))];
  return text.split("\n").filter((line) => line.includes("{")).map((line) =>
    unwrap(JSON.parse(line.slice(line.indexOf("{"))))
  );
}

/** Answers are `{ ids }` (error handlers, WebSocket replies) or the ids themselves. */
function unwrap(value: { ids?: Record<string, unknown> }): Record<string, unknown> {
  return value.ids ?? value;
}

/** POSTs `{"id": id, "pad": ...}` in 4 chunks, a few ms apart (node:http: a real chunked upload). */
function upload(url: URL, id: string): Promise<Record<string, unknown>[]> {
  const body = JSON.stringify({ id, pad: "x".repeat(3000) });
  const cuts = [0, 1000, 2000, 3000, body.length];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Lost("no answer in time"));
    }, TIMEOUT_MS);
    const req = http.request(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      agent: uploadAgent,
    }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => text += chunk);
      res.on("end", () => {
        clearTimeout(timer);
        if (res.statusCode !== 200) {
          reject(new Error(`status ${res.statusCode}: ${text.slice(0, 300)}`));
        } else {
          try {
            resolve(parseLines(text, false));
          } catch (error) {
            reject(error);
          }
        }
      });
      res.on("error", (error) => {
        clearTimeout(timer);
        reject(new Lost(error.message));
      });
    });
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(new Lost(error.message));
    });
    (async () => {
      for (let i = 0; i + 1 < cuts.length; i++) {
        if (i > 0) await sleep(1 + Math.floor(Math.random() * 3));
        req.write(body.slice(cuts[i], cuts[i + 1]));
      }
      req.end();
    })();
  });
}

const uploadAgent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/** Opens a socket, sends 3 messages a few ms apart, collects 3 answers. */
function talk(url: URL): Promise<Record<string, unknown>[]> {
  url.protocol = "ws:";
  return new Promise((resolve, reject) => {
    const answers: Record<string, unknown>[] = [];
    const socket = new WebSocket(url);
    const timer = setTimeout(() => {
      socket.close();
      reject(new Lost(`${answers.length} of ${MESSAGES} answers in time`));
    }, TIMEOUT_MS);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      socket.close();
      if (error) reject(error);
      else resolve(answers);
    };
    socket.onopen = async () => {
      for (let n = 1; n <= MESSAGES; n++) {
        if (n > 1) await sleep(Math.floor(Math.random() * 6));
        socket.send(`${n}`);
      }
    };
    socket.onmessage = (event) => {
      try {
        answers.push(unwrap(JSON.parse(String(event.data))));
      } catch (error) {
        finish(error as Error);
        return;
      }
      if (answers.length === MESSAGES) finish();
    };
    socket.onerror = () => finish(new Lost("socket error"));
    socket.onclose = () => {
      if (answers.length < MESSAGES) finish(new Lost(`closed after ${answers.length} answers`));
    };
  });
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
