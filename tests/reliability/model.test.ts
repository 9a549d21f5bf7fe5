/**
 * Model-based property test: random programs of nested and concurrent scopes,
 * awaits and operations run against the library and the reference model in
 * lockstep (see model/), and every observation must agree.
 *
 * The normal suite runs a bounded, fixed-seed sample; `CONTEXTLOCAL_SOAK=<runs>`
 * raises the number of programs (see README.md in this folder), and
 * `CONTEXTLOCAL_SEED=<n>` replays another seed.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import fc from "fast-check";
import {
  type Cast,
  freshCast,
  type Library,
  LockstepRun,
  strictCast,
  type Val,
} from "./model/interpreter.ts";
import { LocalManager } from "../../mod.ts";
import { copyModule, currentProtocol, type ModuleCopy } from "./fixtures/copy_module.ts";
import { countOps, numberOps, type Program, programArbitrary, render } from "./model/program.ts";
import type { ModelScope } from "./model/reference.ts";

const DEFAULT_RUNS = 200;
const DEFAULT_SEED = 20261123;
/** Generous: the programs take ~1-5 s alone, several times that on a loaded machine. */
const PROGRAMS_TIMEOUT_MS = 120_000;

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
    const run = new LockstepRun(freshCast(), (parent: ModelScope) => parent);
    await run.run(program);
    assert.match(
      run.mismatches.join("\n"),
      /#3 g0\[a\] in top: library saw undefined, model expects v2/,
    );
  });

  let privateCopy: ModuleCopy | undefined;
  after(() => privateCopy?.remove());

  it("random programs on fast-slot and trie-slot locals (a private runtime) match the model", {
    timeout: PROGRAMS_TIMEOUT_MS,
  }, async () => {
    const { cast, slots, copy } = await privateRuntimeCast();
    privateCopy = copy;
    const numRuns = envInt("CONTEXTLOCAL_SOAK", DEFAULT_RUNS);
    const totals = await checkPrograms(numRuns, () => cast);
    report(`private runtime, one cast reused (${slots})`, totals);
    assert.equal(totals.programs, numRuns);
  });

  it("random programs on new locals of this module match the model", {
    timeout: PROGRAMS_TIMEOUT_MS,
  }, async () => {
    const numRuns = Math.max(25, Math.floor(envInt("CONTEXTLOCAL_SOAK", DEFAULT_RUNS) / 4));
    const totals = await checkPrograms(numRuns, () => freshCast());
    report("shared runtime, new locals per program", totals);
    assert.equal(totals.programs, numRuns);
  });

  it("random programs on strict locals mixed with plain ones, inside a scope, match the model", {
    timeout: PROGRAMS_TIMEOUT_MS,
  }, async () => {
    const numRuns = Math.max(25, Math.floor(envInt("CONTEXTLOCAL_SOAK", DEFAULT_RUNS) / 4));
    // The caller's scope is a scope too: the lockstep run's final check reads
    // every local after the program, which a strict local refuses at the root.
    const totals = await new LocalManager().run(() => checkPrograms(numRuns, () => strictCast()));
    report("shared runtime, strict and plain locals", totals);
    assert.equal(totals.programs, numRuns);
  });
});

interface Totals {
  seed: number;
  programs: number;
  generatedOps: number;
  executedOps: number;
  observations: number;
  scopes: number;
  maxConcurrentScopes: number;
  ms: number;
}

/** Checks `numRuns` generated programs, each on the cast `castFor()` returns. */
async function checkPrograms(numRuns: number, castFor: () => Cast): Promise<Totals> {
  const seed = envInt("CONTEXTLOCAL_SEED", DEFAULT_SEED);
  const totals: Totals = {
    seed,
    programs: 0,
    generatedOps: 0,
    executedOps: 0,
    observations: 0,
    scopes: 0,
    maxConcurrentScopes: 0,
    ms: 0,
  };
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(programArbitrary(), async (program) => {
      const run = new LockstepRun(castFor());
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
  totals.ms = Date.now() - started;
  return totals;
}

function report(label: string, t: Totals): void {
  console.log(
    `[reliability/model] ${runtime} ${label}: seed ${t.seed}, ${t.programs} programs, ` +
      `${t.generatedOps} generated ops, ${t.executedOps} executed ops, ` +
      `${t.observations} observations, ${t.scopes} scopes opened, ` +
      `max ${t.maxConcurrentScopes} concurrent scopes, ${t.ms} ms`,
  );
}

const SLOT_INDEX = Symbol.for("@contextlocal/contextlocal.slotIndex");

/**
 * Locals and stacks of a copy of the library with a private runtime (its
 * scope protocol is rewritten, so it does not join the shared one): its slot
 * counter starts at zero whatever other tests created, so g0 and s0 get the
 * first fast slots (if the library has them) while g1 and s1 come after the
 * last one and live in the trie (s1 three levels deep), and every program
 * mixes both kinds.
 */
async function privateRuntimeCast(): Promise<{ cast: Cast; slots: string; copy: ModuleCopy }> {
  const protocol = currentProtocol();
  const copy = copyModule((file, text) =>
    file === "_scope.ts"
      ? text.replace(`const PROTOCOL = ${protocol};`, `const PROTOCOL = ${protocol + 2000};`)
      : text
  );
  const warnings: unknown[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args);
  let lib: Library;
  let scope: { FAST_SLOTS?: number; localSlots: WeakMap<object, object> };
  try {
    lib = await import(copy.modUrl);
    scope = await import(new URL("./_scope.ts", copy.modUrl).href);
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings.length, 1, "the private copy announces its own runtime once");
  const g0 = new lib.Local<Record<PropertyKey, Val | undefined>>();
  const s0 = new lib.LocalStack<Val>();
  for (let i = 2; i < (scope.FAST_SLOTS ?? 0); i++) new lib.LocalStack();
  const g1 = new lib.Local<Record<PropertyKey, Val | undefined>>();
  // s1 far enough along that the trie needs three levels, grown on the way.
  for (let i = 0; i < 1_100; i++) new lib.LocalStack();
  const s1 = new lib.LocalStack<Val>();
  const index = (slot: object | undefined): string => {
    const value = (slot as { [SLOT_INDEX]?: number } | undefined)?.[SLOT_INDEX];
    if (value === undefined) return "?";
    return value < (scope.FAST_SLOTS ?? 0) ? `fast slot ${value}` : `trie slot ${value}`;
  };
  const slots = `g0 ${index(scope.localSlots.get(g0))}, s0 ${index(s0)}, ` +
    `g1 ${index(scope.localSlots.get(g1))}, s1 ${index(s1)}`;
  return { cast: { lib, locals: [g0, g1], stacks: [s0, s1] }, slots, copy };
}
