/** Shared helpers for the core tests (not a test file: no `.test.ts`). */

/** Resolves after `ms` milliseconds (a real timer, so a new macrotask). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A random delay of 0 to `maxMs` milliseconds: timers, or only microtasks for 0. */
export function randomDelay(maxMs = 5): Promise<void> {
  const ms = Math.floor(Math.random() * (maxMs + 1));
  return ms === 0 ? Promise.resolve() : sleep(ms);
}

/** Calls `task(i)` for i in 0..count-1, all at once, and waits for every one. */
export function concurrently<R>(count: number, task: (i: number) => Promise<R>): Promise<R[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => task(i)));
}
