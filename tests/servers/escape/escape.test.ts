// Context that escapes the request, under load on real servers: every case
// where the server, another request or a socket calls back into a request's
// code (streamed bodies, listeners, WebSocket messages, a hook with no scope,
// cleanup with a stream). Each case runs 400 requests (WebSockets: 200
// sockets x 3 messages) with 100 in flight, unique ids and random 0-5 ms
// server delays, reading the ids back through `request` and `g` a few awaits
// deep: with the library's fix (bindScope, captureScope, streamWithContext,
// middleware({ streams: true }), strict locals) every session reads its own
// request; without it (the same case wired naively) the failure shows.
// One server process per server kind serves every case (app/handler.ts).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startWorker } from "../../../examples/workerd/serve.mjs";
import type { RunningServer } from "../../../examples/load/server.mjs";
import { runOnThisRuntime, serverEnv, startServer, TEST_TIMEOUT_MS } from "../_isolation.ts";
import { root, runtime } from "../../_runtime.ts";
import {
  drive,
  type Ending,
  fetchLines,
  judge,
  type Outcome,
  summarize,
  type Tally,
  webSocketSession,
} from "./_client.ts";
import { type Ids, UNBOUND } from "./app/globals.ts";
import { LINES } from "./app/streams.ts";
import { flowTests } from "./_flow.ts";

const REQUESTS = 400;
const SOCKETS = 200;
const MESSAGES = 3;
const CONCURRENCY = 100;

type ServerName = "Deno.serve" | "Bun.serve" | "node:http" | "workerd";

interface Server {
  name: ServerName;
  skip: string | false;
  start(): Promise<RunningServer>;
}

const serveOnThisRuntime = (kind: string) => () => {
  const { command, args } = runOnThisRuntime("tests/servers/escape/app/serve.ts");
  return startServer({ command, args: [...args, kind], cwd: root, env: serverEnv() });
};

const servers: Server[] = [
  {
    name: "Deno.serve",
    skip: runtime !== "deno" && "needs Deno",
    start: serveOnThisRuntime("deno"),
  },
  { name: "Bun.serve", skip: runtime !== "bun" && "needs Bun", start: serveOnThisRuntime("bun") },
  // Each runtime has its own node:http.
  { name: "node:http", skip: false, start: serveOnThisRuntime("node") },
  // workerd is its own binary: every runtime's run bundles and drives it. It
  // runs the stream and cleanup rows (app/worker.ts has no WebSocket server,
  // and the table has no workerd column for listeners and hooks).
  {
    name: "workerd",
    skip: false,
    start: () => startWorker(fileURLToPath(new URL("app/worker.ts", import.meta.url))),
  },
];

/** What the naive wiring shows on a server: its failure, or that it keeps the scope. */
type Without = "unbound" | "crossTalk" | "good";

/** One row of the table: what escapes, its fixes and what it does without them. */
interface Row {
  what: string;
  /** Where it runs, and what the naive wiring shows there. */
  without: Partial<Record<ServerName, Without>>;
  /** The naive route, and each fix's route by the API's name. */
  naive: string;
  /** What the naive wiring does, when "without the fix" does not say it. */
  naiveWiring?: string;
  fixed: Record<string, string>;
  /** Sessions per run and how one goes. */
  sessions: number;
  session: (base: string, path: string, id: string) => Promise<Ending>;
}

const streamed = (base: string, path: string, id: string) => fetchLines(base, path, id, LINES);
const answered = (base: string, path: string, id: string) => fetchLines(base, path, id, 1);
const socket = (base: string, path: string, id: string) =>
  webSocketSession(base, path, id, MESSAGES);
/** The lines, then one line after `manager.cleanup()` that must read nothing. */
const cleanedUp = (base: string, path: string, id: string) =>
  fetchLines(base, path, id, LINES + 1, (own, lines) => {
    const last = lines.pop()!;
    const cleared = Object.values(last.ids).every((value) => value === UNBOUND);
    return cleared
      ? judge(own, lines.map((line) => line.ids))
      : { outcome: "errors", detail: `after cleanup: ${JSON.stringify(last.ids)}` };
  });

const listenerRow = (what: string, name: string): Row => ({
  what: `a listener on an ${what} registered by one request and fired by the next`,
  without: { "Deno.serve": "crossTalk", "Bun.serve": "crossTalk", "node:http": "crossTalk" },
  naive: `/${name}/naive`,
  fixed: { bindScope: `/${name}/bound` },
  sessions: REQUESTS,
  session: answered,
});

const rows: Row[] = [
  {
    what: "a pulled ReadableStream body (highWaterMark 0)",
    without: {
      "Deno.serve": "unbound",
      "Bun.serve": "good",
      "node:http": "good",
      workerd: "unbound",
    },
    naive: "/pull/naive",
    fixed: { streamWithContext: "/pull/stream", "middleware({ streams: true })": "/pull/option" },
    sessions: REQUESTS,
    session: streamed,
  },
  {
    what: "a ReadableStream.from(asyncGenerator()) body",
    without: {
      "Deno.serve": "unbound",
      "Bun.serve": "unbound",
      "node:http": "good",
      workerd: "unbound",
    },
    naive: "/from/naive",
    fixed: { streamWithContext: "/from/stream", "middleware({ streams: true })": "/from/option" },
    sessions: REQUESTS,
    session: streamed,
  },
  {
    what: "an async generator function body",
    without: { "Bun.serve": "unbound" },
    naive: "/bun-generator/naive",
    fixed: {
      streamWithContext: "/bun-generator/stream",
      "middleware({ streams: true })": "/bun-generator/option",
    },
    sessions: REQUESTS,
    session: streamed,
  },
  {
    what: 'a type: "direct" stream body',
    without: { "Bun.serve": "unbound" },
    naive: "/bun-direct/naive",
    fixed: {
      streamWithContext: "/bun-direct/stream",
      "middleware({ streams: true })": "/bun-direct/option",
    },
    sessions: REQUESTS,
    session: streamed,
  },
  listenerRow("EventEmitter", "emitter"),
  listenerRow("EventTarget", "target"),
  listenerRow("AbortSignal", "signal"),
  {
    what: "a WebSocket message handler",
    without: { "Deno.serve": "good", "node:http": "unbound" },
    naive: "/ws/naive",
    fixed: { bindScope: "/ws/bound" },
    sessions: SOCKETS,
    session: socket,
  },
  {
    what: "a WebSocket message handler",
    without: { "Bun.serve": "unbound" },
    naive: "/ws/naive",
    fixed: { "captureScope() in ws.data": "/ws/captured" },
    sessions: SOCKETS,
    session: socket,
  },
  {
    what: "a streamWithContext body of a manager that cleans up",
    naiveWiring: "manager.cleanup() in the handler's finally",
    without: {
      "Deno.serve": "unbound",
      "Bun.serve": "unbound",
      "node:http": "unbound",
      workerd: "unbound",
    },
    naive: "/cleanup/naive",
    fixed: { "manager.cleanup() in the generator after its last chunk": "/cleanup/stream" },
    sessions: REQUESTS,
    session: cleanedUp,
  },
  {
    what: "a body of a { streams: true } handler whose manager cleans up",
    naiveWiring: "manager.cleanup() in the handler's finally",
    without: {
      "Deno.serve": "unbound",
      "Bun.serve": "unbound",
      "node:http": "unbound",
      workerd: "unbound",
    },
    naive: "/cleanup/option",
    fixed: {},
    sessions: REQUESTS,
    session: cleanedUp,
  },
];

async function load(
  title: string,
  sessions: number,
  session: (id: string, seq: number) => Promise<Ending>,
  concurrency = CONCURRENCY,
): Promise<Tally> {
  const tally = await drive(sessions, concurrency, session);
  console.log(summarize(`${title} on ${runtime}`, tally));
  assert.equal(tally.sent, sessions);
  assert.equal(tally.maxInFlight, concurrency, "the client kept fewer sessions in flight");
  return tally;
}

function assertAll(tally: Tally, outcome: Outcome, sessions: number): void {
  assert.equal(
    tally[outcome],
    sessions,
    `${outcome} ${tally[outcome]} of ${sessions}:\n${tally.problems.join("\n")}`,
  );
}

const described: Record<Without, string> = {
  unbound: "reads nothing (unbound)",
  crossTalk: "reads another request's ids (cross-talk)",
  good: "still reads its own request: this server runs it in the request's scope",
};

/** The strict error of a push with no scope open: it names the stack and the operation. */
const STRICT_PUSH = /^Error: requestStack\.push\(\) outside any scope: wrap the handler in /;

/** A session whose 500 answer counts as `errors`, its message kept in `messages`. */
async function erringSession(
  base: string,
  path: string,
  id: string,
  messages: Set<string>,
): Promise<Ending> {
  const response = await fetch(`${base}${path.slice(1)}?id=${id}`, {
    headers: { "x-request-id": id },
  });
  const answer = await response.json() as { error?: string; ids?: Ids };
  if (response.status !== 500 || answer.ids !== undefined) return judge(id, [answer.ids!]);
  messages.add(String(answer.error));
  return { outcome: "errors", detail: answer.error };
}

/** A framework hook that pushes the request with no scope open (app/root_hook.ts). */
function hookTests(server: ServerName, base: () => string): void {
  const what = "a hook that pushes the request with no scope open";
  const options = { timeout: TEST_TIMEOUT_MS };
  it(`${server}: ${what} gives cross-talk with ordinary locals`, options, async () => {
    const tally = await load(
      `${server}: ${what} (naive)`,
      REQUESTS,
      (id) => answered(base(), "/hook/naive", id),
    );
    assert.equal(tally.errors + tally.lost, 0, tally.problems.join("\n"));
    assert.ok(tally.crossTalk > 0, summarize("expected cross-talk", tally));
  });
  it(
    `${server}: with strict locals, ${what} throws the strict error at every request, the first included`,
    options,
    async () => {
      const messages = new Set<string>();
      const tally = await load(
        `${server}: ${what}, strict locals`,
        REQUESTS,
        (id) => erringSession(base(), "/hook/strict", id, messages),
      );
      assertAll(tally, "errors", REQUESTS);
      assert.equal(messages.size, 1, [...messages].join("\n"));
      assert.match([...messages][0], STRICT_PUSH);
    },
  );
  it(
    `${server}: ${what} inside manager.run() reads its own request with strict locals`,
    options,
    async () => {
      const tally = await load(
        `${server}: ${what} inside manager.run(), strict locals`,
        REQUESTS,
        (id) => answered(base(), "/hook/scoped", id),
      );
      assertAll(tally, "good", REQUESTS);
    },
  );
}

for (const server of servers) {
  describe(`context that escapes on ${server.name}`, { skip: server.skip }, () => {
    let running: RunningServer;
    before(async () => {
      running = await server.start();
    });
    after(() => running?.stop());

    for (const row of rows) {
      const without = row.without[server.name];
      if (without === undefined) continue;
      for (const [fix, path] of Object.entries(row.fixed)) {
        const title = `${server.name}: ${row.what} reads its own request with ${fix}`;
        it(`${title} (${row.sessions} sessions, ${CONCURRENCY} in flight)`, {
          timeout: TEST_TIMEOUT_MS,
        }, async () => {
          const tally = await load(title, row.sessions, (id) => row.session(running.url, path, id));
          assertAll(tally, "good", row.sessions);
        });
      }
      const wiring = row.naiveWiring === undefined ? "" : ` (${row.naiveWiring})`;
      const title = `${server.name}: without the fix${wiring}, ${row.what} ${described[without]}`;
      it(title, { timeout: TEST_TIMEOUT_MS }, async () => {
        const tally = await load(
          `${server.name}: ${row.what} (naive)`,
          row.sessions,
          (id) => row.session(running.url, row.naive, id),
        );
        assert.equal(tally.errors + tally.lost, 0, tally.problems.join("\n"));
        if (without === "good") assertAll(tally, "good", row.sessions);
        else assert.ok(tally[without] > 0, `expected ${without}, got ${summarize("", tally)}`);
      });
    }

    if (server.name !== "workerd") hookTests(server.name, () => running.url);
    flowTests(server.name, () => running.url, load);
  });
}
