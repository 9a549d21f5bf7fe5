// The naive wiring of each framework (tests/servers/frameworks/fixtures/):
// the request pushed in a hook with no scope open. With non-strict locals
// that push writes the root scope that every request shares (399 of 400
// cross-talk, silently); with strict locals the first request must fail
// with the strict error instead, and so must every later one.
import assert from "node:assert/strict";
import { root, runOnThisRuntime, serverEnv, startServer } from "../_isolation.ts";
import { sleep } from "../../_helpers.ts";

const STRICT_ERROR = /requestStack\.push\(\) outside any scope: wrap the handler in/;

/**
 * Starts `fixture`, asserts its first requests fail with the strict error
 * (answered with `status`, 500 unless the framework says otherwise) and
 * never reach the route (`{"answered": ...}`), stops it.
 */
export async function naiveWiringThrows(fixture: string, status = 500): Promise<void> {
  const server = await startServer({ ...runOnThisRuntime(fixture), cwd: root, env: serverEnv() });
  try {
    const first = await fetch(new URL("json?id=first", server.url));
    const body = await first.text();
    assert.equal(first.status, status, `the first request answered ${first.status}: ${body}`);
    assert.doesNotMatch(body, /answered/);
    // Frameworks log the error (stderr) or answer with it: either shows the strict message.
    for (let i = 0; i < 50 && !STRICT_ERROR.test(server.output() + body); i++) await sleep(20);
    assert.match(server.output() + body, STRICT_ERROR);
    // Concurrent requests afterwards fail the same way: none reads another's values.
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const response = await fetch(new URL(`json?id=${i}`, server.url));
        return `${response.status} ${await response.text()}`;
      }),
    );
    for (const answer of answers) {
      assert.ok(answer.startsWith(`${status} `), answer);
      assert.doesNotMatch(answer, /answered/);
    }
  } finally {
    await server.stop();
  }
}
