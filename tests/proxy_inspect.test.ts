/**
 * Printing a LocalProxy or a Local prints exactly what its current object
 * prints, cycles and depth limits included, through node:util's inspect,
 * Deno.inspect, Bun.inspect and console.log. Each run is a child process
 * (tests/fixtures/inspect_probe.ts) with a time and output bound, so a
 * printer that never stops fails here instead of hanging the suite.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildRun, runChild } from "./_child.ts";

const PROBE = "tests/fixtures/inspect_probe.ts";
/** Far above what any case prints (under 100 characters each) or takes. */
const LIMITS = { timeoutMs: 30_000, maxOutput: 100_000 };

interface Printed {
  name: string;
  inspector: string;
  actual: string;
  expected: string;
}

/** Runs the probe in `mode`; it must end by itself, in time, with little output. */
async function probe(mode: string): Promise<ChildRun> {
  const run = await runChild(PROBE, [mode], LIMITS);
  assert.equal(
    run.killed,
    false,
    `ran ${run.ms.toFixed(0)} ms, printed ${run.stdout.length} chars`,
  );
  assert.equal(run.code, 0, run.stderr);
  return run;
}

describe("LocalProxy and Local printing", () => {
  it("every inspector prints a proxy or Local in a cycle or under a depth limit as its object", async () => {
    const run = await probe("inspectors");
    const lines = run.stdout.trim().split("\n");
    assert.equal(lines.pop(), "--- done");
    const printed = lines.map((line) => JSON.parse(line) as Printed);
    assert.ok(printed.length >= 6, `${printed.length} cases printed`);
    for (const { name, inspector, actual, expected } of printed) {
      assert.equal(actual, expected, `${name} through ${inspector}`);
    }
    assert.equal(run.stderr, "", "no runtime warning (Deno: Failed to create JsStackFrame)");
  });

  it("console.log of a proxy or Local in a cycle writes what console.log of its object writes", async () => {
    const run = await probe("console");
    const blocks = run.stdout.split(/^--- /m).slice(1);
    assert.equal(blocks.pop(), "done\n");
    assert.ok(blocks.length >= 12, `${blocks.length} blocks printed`);
    for (let i = 0; i < blocks.length; i += 2) {
      const [actualTitle, ...actual] = blocks[i].split("\n");
      const [expectedTitle, ...expected] = blocks[i + 1].split("\n");
      assert.equal(actualTitle.replace(": actual", ": expected"), expectedTitle);
      assert.equal(actual.join("\n"), expected.join("\n"), actualTitle);
    }
  });
});
