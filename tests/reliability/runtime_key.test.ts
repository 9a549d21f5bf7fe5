/**
 * The shared runtime on `globalThis[Symbol.for(...)]`: a value something
 * else put there is a clear TypeError at import (not an engine error at the
 * first use), and a non-extensible `globalThis` does not stop the import.
 * Each case runs in a child process of this runtime, so that `globalThis`
 * is prepared before the library loads; see fixtures/preseeded_runtime.ts.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { currentProtocol } from "./fixtures/copy_module.ts";
import { runChild } from "../_child.ts";
import { runtime } from "../_runtime.ts";
const fixture = fileURLToPath(new URL("./fixtures/preseeded_runtime.ts", import.meta.url));
const CHILD_TIMEOUT_MS = 60_000;

interface Outcome {
  code: number | null;
  result: Record<string, unknown> | undefined;
  stderr: string;
}

async function runFixture(mode: string): Promise<Outcome> {
  const { code, stdout, stderr } = await runChild(fixture, [mode, String(currentProtocol())], {
    timeoutMs: CHILD_TIMEOUT_MS,
  });
  const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
  return { code, result: line && JSON.parse(line.slice("RESULT ".length)), stderr };
}

const PREFIX =
  /^@contextlocal\/contextlocal: globalThis\[Symbol\.for\("@contextlocal\/contextlocal\.runtime"\)\] holds something other than this library's runtime \(expected /;

describe("the runtime key on globalThis", { timeout: CHILD_TIMEOUT_MS * 4 }, () => {
  const malformed: [string, string, RegExp][] = [
    ["a number", "number", /expected an object; received the number 42\)/],
    ["an object without a protocol", "no-protocol", /an integer `protocol`; received undefined/],
    [
      "this protocol without its members",
      "members-missing",
      /an AsyncLocalStorage as `storage`; received a plain object/,
    ],
  ];
  for (const [what, mode, message] of malformed) {
    it(`a pre-seeded runtime key holding ${what} is a TypeError at import`, async () => {
      const { result, stderr } = await runFixture(mode);
      assert.ok(result, `the fixture printed no result:\n${stderr}`);
      assert.equal(result.loaded, false);
      assert.equal(result.name, "TypeError");
      assert.match(String(result.message), PREFIX);
      assert.match(String(result.message), message);
    });
  }

  it("a non-extensible globalThis does not make the import fail", async () => {
    const { code, result, stderr } = await runFixture("non-extensible");
    assert.deepEqual(result, { loaded: true, value: 7, outside: null }, stderr);
    // Deno's own unload handler writes to globalThis after the script ends
    // and exits with 1 ("Cannot add property Symbol(Deno.isUnloadDispatched)"):
    // that is Deno, not this library, which finished above.
    if (runtime === "deno") assert.match(stderr, /^$|Deno\.isUnloadDispatched/);
    else assert.equal(code, 0, stderr);
  });
});
