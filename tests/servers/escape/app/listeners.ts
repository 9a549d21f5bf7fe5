/**
 * Listeners registered by one request and fired by the next one: each
 * request registers a listener on its own EventEmitter, EventTarget or
 * AbortSignal, then fires the listener of the request before it (a relay),
 * and answers with the ids its own listener saw. The last request of a run
 * has no successor: a timer of its own fires it after a while.
 *
 * @module
 */
import { EventEmitter } from "node:events";
import { bindScope } from "../../../../mod.ts";
import { type Ids, probe } from "./globals.ts";
import type { Routes, View } from "./handler.ts";

/** Registers `listener` on a new event source; returns what fires it. */
type Listen = (listener: () => void) => () => void;

const sources: Record<string, Listen> = {
  emitter(listener) {
    const emitter = new EventEmitter();
    emitter.once("done", listener);
    return () => emitter.emit("done");
  },
  target(listener) {
    const target = new EventTarget();
    target.addEventListener("done", listener, { once: true });
    return () => target.dispatchEvent(new Event("done"));
  },
  signal(listener) {
    const controller = new AbortController();
    controller.signal.addEventListener("abort", listener, { once: true });
    return () => controller.abort();
  },
};

/** Fires a listener that no later request fired after this long. */
const LAST_ONE_AFTER_MS = 100;

function relay(listen: Listen, bind: boolean): View {
  const waiting: (() => void)[] = [];
  return async () => {
    const seen = await new Promise<Ids>((resolve, reject) => {
      const listener = () => {
        clearTimeout(timer);
        probe().then(resolve, reject);
      };
      const fire = listen(bind ? bindScope(listener) : listener);
      const timer = setTimeout(() => {
        const at = waiting.indexOf(fire);
        if (at !== -1) waiting.splice(at, 1);
        fire();
      }, LAST_ONE_AFTER_MS);
      const previous = waiting.shift();
      waiting.push(fire);
      previous?.();
    });
    return Response.json({ n: 0, ids: seen });
  };
}

export const listenerRoutes: Routes = Object.fromEntries(
  Object.entries(sources).flatMap(([name, listen]) => [
    [`/${name}/naive`, relay(listen, false)],
    [`/${name}/bound`, relay(listen, true)],
  ]),
);
