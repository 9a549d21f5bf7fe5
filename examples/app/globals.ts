/**
 * Flask-style globals for any server: `request`, `g`, `currentApp` and
 * `session`, readable anywhere in a request's code (helpers, after awaits)
 * without passing anything down. Nothing here knows which server runs it;
 * each server entry wraps its handler with {@linkcode manager}`.middleware`
 * and calls {@linkcode openRequest} first thing.
 *
 * @module
 */
import { inScope, Local, LocalManager, LocalProxy, LocalStack } from "../../mod.ts";

/** What an application is: a name and its configuration. */
export interface App {
  readonly name: string;
  readonly config: { readonly name: string; readonly debug: boolean };
}

/** The signed-in user, set by the auth helper. */
export interface User {
  readonly id: string;
}

/**
 * A tiny session read from the `session` cookie. The fields are `#private`
 * on purpose: `session.get()` through the proxy must run on the real object.
 */
export class Session {
  #values: Map<string, string>;

  constructor(values: Iterable<readonly [string, string]>) {
    this.#values = new Map(values);
  }

  get(key: string): string | undefined {
    return this.#values.get(key);
  }

  set(key: string, value: string): void {
    this.#values.set(key, value);
  }

  /** Parses `session=<id>` out of a Cookie header. */
  static fromCookie(header: string | null): Session {
    const id = header?.split(/;\s*/).find((part) => part.startsWith("session="))?.slice(8);
    return new Session(id === undefined ? [] : [["id", decodeURIComponent(id)]]);
  }
}

/** Per-request values that are not objects of their own (Flask's `g`). */
export interface Globals {
  user: User;
  startedAt: number;
}

// Strict: used outside any scope (a handler the middleware does not wrap, a
// framework hook that runs before the scope opens) they throw at once
// instead of sharing the root scope between requests.
const requestStack = new LocalStack<Request>({ strict: true, name: "requestStack" });
const appStack = new LocalStack<App>({ strict: true, name: "appStack" });
const sessionSlot = new Local<{ session: Session }>({ strict: true, name: "session" });

/** The current request (Flask's `request`): a proxy over a stack of Requests. */
export const request: Request = new LocalProxy(requestStack, undefined, {
  unboundMessage: "working outside of a request: call this inside a handler",
});

/** The application handling the current request (Flask's `current_app`). */
export const currentApp: App = new LocalProxy(appStack, undefined, {
  unboundMessage: "working outside of an application context",
});

/** The current request's session (Flask's `session`). */
export const session: Session = new LocalProxy(sessionSlot, "session", {
  unboundMessage: "no session: call this inside a handler",
});

/** Scratch space for one request (Flask's `g`). */
export const g: Local<Globals> = new Local<Globals>({ strict: true, name: "g" });

/**
 * Opens one scope per call of the handler it wraps: pass
 * `manager.middleware(handler)` to the server.
 */
export const manager: LocalManager = new LocalManager([requestStack, appStack, sessionSlot, g]);

/**
 * Binds `req` and `app` for the rest of the current scope: call it first in
 * the wrapped handler (or in the framework's first middleware).
 */
export function openRequest(req: Request, app: App): void {
  appStack.push(app);
  requestStack.push(req);
  sessionSlot.session = Session.fromCookie(req.headers.get("cookie"));
  g.startedAt = Date.now();
}

/** Whether a request is bound in the current scope (Flask's `has_request_context`). */
export function hasRequest(): boolean {
  return inScope() && requestStack.top !== undefined;
}
