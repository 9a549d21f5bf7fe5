// The load client shared by the server tests and `npm start`: fires requests
// at an example server's `POST /echo` with many in flight, each with its own
// id in the URL, a header, the bearer token, the session cookie and the JSON
// body, and a tenant (which app the server must bind). Every response must
// echo that id through every global; anything else is cross-talk.
//
// Plain JavaScript so that `npm start` runs it on Node 20.

/**
 * @typedef {object} LoadOptions
 * @property {string} baseUrl The server's URL, e.g. `http://127.0.0.1:8000/`.
 * @property {number} [requests] How many requests to send (or use `durationMs`).
 * @property {number} [durationMs] Keep sending for this long instead of a fixed count.
 * @property {number} [concurrency] Requests in flight at once (default 100).
 * @property {number} [maxDelayMs] Upper bound of the random `?delay=` (default 5).
 * @property {number} [requestTimeoutMs] A request without an answer by then is lost (default 10 s).
 * @property {number} [deadlineMs] Stop starting new requests after this long (default 90 s).
 * @property {number} [tenants] How many apps the requests are spread over (default 8).
 */

/**
 * @typedef {object} LoadResult
 * @property {number} sent Requests sent.
 * @property {number} ok Answered with 200 and the request's own id everywhere.
 * @property {number} crossTalk Answered with 200 but another request's id or app somewhere.
 * @property {number} errors Answered with a non-200 status or an unreadable body.
 * @property {number} lost Sent but never answered (network error or timeout).
 * @property {number} concurrency Requests the client keeps in flight.
 * @property {number} maxInFlight Most requests the client had in flight at once.
 * @property {number} maxServerInFlight Most requests the server reported handling at once.
 * @property {number} p50Ms Median latency.
 * @property {number} p99Ms 99th percentile latency.
 * @property {number} maxMs Slowest request.
 * @property {number} wallMs Time from the first request to the last answer.
 * @property {number} requestsPerSecond Answers per second.
 * @property {string[]} problems The first few failures, described.
 */

/** Ids every echo report must carry; servers may add more (all must match). */
const REQUIRED_IDS = ["url", "header", "user", "body", "session"];

/**
 * Drives `POST /echo` and counts what comes back.
 *
 * @param {LoadOptions} options
 * @returns {Promise<LoadResult>}
 */
export async function runLoad(options) {
  const {
    baseUrl,
    requests,
    durationMs,
    concurrency = 100,
    maxDelayMs = 5,
    requestTimeoutMs = 10_000,
    deadlineMs = 90_000,
    tenants = 8,
  } = options;
  if (requests === undefined && durationMs === undefined) {
    throw new TypeError("runLoad() needs `requests` or `durationMs`");
  }
  const run = Math.random().toString(36).slice(2, 8);
  const started = performance.now();
  const stopAt = started + Math.min(durationMs ?? Infinity, deadlineMs);
  /** @type {number[]} */
  const latencies = [];
  /** @type {string[]} */
  const problems = [];
  const note = (/** @type {string} */ problem) => {
    if (problems.length < 10) problems.push(problem);
  };
  const counts = { sent: 0, ok: 0, crossTalk: 0, errors: 0, lost: 0 };
  let inFlight = 0;
  let maxInFlight = 0;
  let maxServerInFlight = 0;

  const more = () =>
    performance.now() < stopAt && (requests === undefined || counts.sent < requests);

  async function one() {
    const seq = counts.sent++;
    const id = `${run}-${seq}`;
    const tenant = `tenant-${seq % tenants}`;
    const delay = Math.floor(Math.random() * (maxDelayMs + 1));
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const sentAt = performance.now();
    try {
      /** @type {Response} */
      let response;
      try {
        response = await fetch(new URL(`echo?id=${id}&delay=${delay}`, baseUrl), {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-request-id": id,
            "x-tenant": tenant,
            "authorization": `Bearer ${id}`,
            "cookie": `theme=dark; session=${id}`,
          },
          body: JSON.stringify({ id }),
          signal: AbortSignal.timeout(requestTimeoutMs),
        });
      } catch (error) {
        counts.lost++;
        note(`${id}: no answer (${describeError(error)})`);
        return;
      }
      let text = "";
      try {
        text = await response.text();
        latencies.push(performance.now() - sentAt);
        if (response.status !== 200) throw new Error(`status ${response.status}: ${text}`);
        const report = JSON.parse(text);
        maxServerInFlight = Math.max(maxServerInFlight, Number(report.inFlight) || 0);
        const wrong = mismatches(report, id, `${tenant}-config`);
        if (wrong.length === 0) {
          counts.ok++;
        } else {
          counts.crossTalk++;
          note(`${id}: cross-talk in ${wrong.join(", ")}: ${text}`);
        }
      } catch (error) {
        counts.errors++;
        note(`${id}: bad answer (${describeError(error)})`);
      }
    } finally {
      inFlight--;
    }
  }

  async function worker() {
    while (more()) await one();
  }
  await Promise.all(Array.from({ length: concurrency }, worker));

  const wallMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const at = (/** @type {number} */ q) =>
    latencies.length === 0
      ? NaN
      : latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return {
    ...counts,
    concurrency,
    maxInFlight,
    maxServerInFlight,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: latencies.at(-1) ?? NaN,
    wallMs,
    requestsPerSecond: (counts.ok + counts.crossTalk + counts.errors) / (wallMs / 1000),
    problems,
  };
}

/**
 * The fields of an echo report that are not the request's own.
 *
 * @param {{ ids?: Record<string, unknown>, app?: unknown }} report
 * @param {string} id
 * @param {string} app
 * @returns {string[]}
 */
export function mismatches(report, id, app) {
  const ids = report.ids ?? {};
  const wrong = REQUIRED_IDS.filter((key) => !(key in ids));
  for (const [key, value] of Object.entries(ids)) if (value !== id) wrong.push(key);
  if (report.app !== app) wrong.push("app");
  return wrong;
}

/**
 * One line per run, for logs and the demo.
 *
 * @param {string} name
 * @param {LoadResult} r
 * @returns {string}
 */
export function summarize(name, r) {
  return `${name}: ${r.sent} requests, ${r.maxInFlight} in flight (server saw ${r.maxServerInFlight}), ` +
    `ok ${r.ok}, cross-talk ${r.crossTalk}, errors ${r.errors}, lost ${r.lost}, ` +
    `p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, ` +
    `${Math.round(r.requestsPerSecond)} req/s, ${(r.wallMs / 1000).toFixed(1)} s`;
}

/** @param {unknown} error */
function describeError(error) {
  if (!(error instanceof Error)) return String(error);
  const cause = /** @type {{ cause?: unknown }} */ (error).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}
