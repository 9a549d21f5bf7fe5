/**
 * The escape servers' Flask-style globals: `request` (a LocalProxy over a
 * LocalStack of Requests) and `g` (a Local), bound per request by
 * {@linkcode openRequest} inside `manager.middleware`, and read back by
 * {@linkcode probe} wherever a case's code runs: in a stream's pull, a
 * listener, a WebSocket message handler.
 *
 * @module
 */
import { Local, LocalManager, LocalProxy, LocalStack } from "../../../../mod.ts";
import { randomDelay } from "../../../_helpers.ts";

/** What `request` throws when nothing is bound. */
export const UNBOUND_MESSAGE = "working outside of a request";
/** What a probe reports for a global that is not bound where it runs. */
export const UNBOUND = "unbound";

export const requestStack: LocalStack<Request> = new LocalStack<Request>();
export const request: Request = new LocalProxy(requestStack, undefined, {
  unboundMessage: UNBOUND_MESSAGE,
});
export const g: Local<{ id: string }> = new Local<{ id: string }>();
export const manager: LocalManager = new LocalManager([requestStack, g]);

/** The ids one piece of code saw: `?id=` and `x-request-id` of `request`, and `g.id`. */
export interface Ids {
  url: string;
  header: string;
  g: string;
}

/**
 * Binds `req` in the current scope, then sets `g.id` after an await, like an
 * auth helper that looks the user up first.
 */
export async function openRequest(req: Request): Promise<void> {
  requestStack.push(req);
  await randomDelay();
  g.id = request.headers.get("x-request-id") ?? "";
}

/**
 * A function that reads the ids as `requestProxy` and `local` show them
 * where it runs, a few awaits deep.
 */
export function prober(
  requestProxy: Request,
  local: Local<{ id: string }>,
  maxDelayMs = 5,
): () => Promise<Ids> {
  const readIds = async (): Promise<Ids> => {
    await Promise.resolve();
    return {
      url: read(() => new URL(requestProxy.url).searchParams.get("id")),
      header: read(() => requestProxy.headers.get("x-request-id")),
      g: read(() => local.id),
    };
  };
  return async () => {
    await Promise.resolve();
    await randomDelay(maxDelayMs);
    return await readIds();
  };
}

/** The ids as `request` and `g` show them here. */
export const probe: () => Promise<Ids> = prober(request, g);
/** The same without the timer: for sources that must be able to run flat out. */
export const probeAtOnce: () => Promise<Ids> = prober(request, g, 0);

/** Runs `get`; an unbound global (nothing set, or the unbound error) reads as {@linkcode UNBOUND}. */
function read(get: () => string | null | undefined): string {
  try {
    return get() ?? UNBOUND;
  } catch (error) {
    if (error instanceof Error && error.message === UNBOUND_MESSAGE) return UNBOUND;
    throw error;
  }
}

/** One line of a streamed answer: the chunk's number and the ids it saw. */
export async function line(n: number): Promise<string> {
  return `${JSON.stringify({ n, ids: await probe() })}\n`;
}
