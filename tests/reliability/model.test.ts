/**
 * Model-based property test: random programs of nested and concurrent scopes,
 * awaits and operations run against the library and the reference model in
 * lockstep (see model/), and every observation must agree.
 *
 * The normal suite runs a bounded, fixed-seed sample; `CONTEXTLOCAL_SOAK=<runs>`
 * raises the number of programs (see README.md in this folder), and
 * `CONTEXTLOCAL_SEED=<n>` replays another seed.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import fc from "fast-check";
import { LockstepRun } from "./model/interpreter.ts";
import { countOps, numberOps, type Program, programArbitrary, render } from "./model/program.ts";
import type { ModelScope } from "./model/reference.ts";

const DEFAULT_RUNS = 200;
const DEFAULT_SEED = 20261123;

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer; received ${JSON.stringify(raw)}`);
  }
  return value;
}

const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";

describe("model-based: random scope programs agree with the reference model", () => {
  it("the lockstep checker reports cross-talk when the model and the library disagree", async () => {
    // A model whose child scopes are their parent (no isolation) must be
    // caught on the simplest program: a write inside a scope, read outside.
    const program: Program = numberOps([
      {
        kind: "run",
        id: 0,
        via: { type: "manager", manager: 2 },
        fail: false,
        body: [{ kind: "set", id: 0, local: 0, key: "a" }],
      },
      { kind: "get", id: 0, local: 0, key: "a" },
    ]);
    const run = new LockstepRun((parent: ModelScope) => parent);
    await run.run(program);
    assert.match(
      run.mismatches.join("\n"),
      /#3 g0\[a\] in top: library saw undefined, model expects v2/,
    );
  });

  it("random programs of nested/concurrent scopes, awaits and writes match the model", async () => {
    const numRuns = envInt("CONTEXTLOCAL_SOAK", DEFAULT_RUNS);
    const seed = envInt("CONTEXTLOCAL_SEED", DEFAULT_SEED);
    const totals = {
      programs: 0,
      generatedOps: 0,
      executedOps: 0,
      observations: 0,
      scopes: 0,
      maxConcurrentScopes: 0,
    };
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(programArbitrary(), async (program) => {
        const run = new LockstepRun();
        await run.run(program);
        totals.programs++;
        totals.generatedOps += countOps(program);
        totals.executedOps += run.stats.ops;
        totals.observations += run.stats.observations;
        totals.scopes += run.stats.scopes;
        totals.maxConcurrentScopes = Math.max(
          totals.maxConcurrentScopes,
          run.stats.maxConcurrentScopes,
        );
        if (run.mismatches.length > 0) {
          throw new Error(
            `${run.mismatches.length} observation(s) differ from the model:\n  ${
              run.mismatches.slice(0, 8).join("\n  ")
            }\nprogram:\n${render(program)}`,
          );
        }
      }),
      { seed, numRuns },
    );
    console.log(
      `[reliability/model] ${runtime}: seed ${seed}, ${totals.programs} programs, ` +
        `${totals.generatedOps} generated ops, ${totals.executedOps} executed ops, ` +
        `${totals.observations} observations, ${totals.scopes} scopes opened, ` +
        `max ${totals.maxConcurrentScopes} concurrent scopes, ${Date.now() - started} ms`,
    );
    assert.equal(totals.programs, numRuns);
  });
});
