/**
 * The example application's routes. They take no arguments: everything they
 * need comes from the globals in `globals.ts`, read in helpers several
 * awaits deep, exactly as a Flask view reads `request` and `g`.
 *
 * `POST /echo?id=<id>&delay=<ms>` is what the load tests drive: it echoes the
 * request's id as seen through every global, so a response that carries
 * another request's id anywhere is cross-talk.
 *
 * @module
 */
import { setTimeout as sleep } from "node:timers/promises";
import { type App, currentApp, g, openRequest, request, session } from "./globals.ts";

/** The echo route's answer; every field of `ids` must be the request's own id. */
export interface EchoReport {
  ids: {
    /** `?id=` of `request.url`. */
    url: string | null;
    /** The `x-request-id` header of `request.headers`. */
    header: string | null;
    /** `g.user.id`, set by the auth helper after an await. */
    user: string | undefined;
    /** `id` of `await request.json()`. */
    body: string | undefined;
    /** `session.get("id")`, from the `session` cookie. */
    session: string | undefined;
    /** Extra ids a server entry adds (e.g. Hono's own context). */
    [extra: string]: string | null | undefined;
  };
  /** `currentApp.config.name`: the app chosen by the `x-tenant` header. */
  app: string;
  /** Requests being handled by this server process when this one was answered. */
  inFlight: number;
}

/** The apps this server hosts, one per tenant (`x-tenant` header). */
export const apps: ReadonlyMap<string, App> = new Map(
  ["main", ...Array.from({ length: 8 }, (_, i) => `tenant-${i}`)].map((name) => [
    name,
    { name, config: { name: `${name}-config`, debug: false } },
  ]),
);

/** The app a request is for. */
export function appFor(req: Request): App {
  return apps.get(req.headers.get("x-tenant") ?? "main") ?? (apps.get("main") as App);
}

/** Extra ids that a server entry can contribute to the echo report. */
export type ExtraIds = () => Record<string, string | null | undefined>;

let inFlight = 0;

/**
 * A fetch-style handler for any server: binds the request, then routes.
 * Call it inside `manager.middleware(...)`: it writes to the current scope.
 */
export function handle(req: Request): Promise<Response> {
  openRequest(req, appFor(req));
  return route();
}

/** Routes the bound request (the globals must be bound already). */
export function route(extraIds?: ExtraIds): Promise<Response> {
  const { pathname } = new URL(request.url);
  return respond(() => {
    if (pathname === "/echo" && request.method === "POST") return echo(extraIds);
    if (pathname === "/whoami") return whoami();
    if (pathname === "/") return home();
    throw new HttpError(404, `no route for ${request.method} ${pathname}`);
  });
}

/**
 * Runs one route: counts it as in flight and turns errors into JSON
 * responses (what a framework's error handler would do).
 */
export async function respond(view: () => Response | Promise<Response>): Promise<Response> {
  inFlight++;
  try {
    return await view();
  } catch (error) {
    if (error instanceof HttpError) {
      return Response.json({ error: error.message }, { status: error.status });
    }
    console.error(error);
    return Response.json({ error: "internal error" }, { status: 500 });
  } finally {
    inFlight--;
  }
}

/** `GET /`: says what to try. */
export function home(): Response {
  return new Response(
    `${currentApp.config.name}: try POST /echo?id=1 with a JSON body {"id":"1"} ` +
      `and headers x-request-id: 1, authorization: Bearer 1, cookie: session=1\n`,
  );
}

/** `GET /whoami`: who the globals say is asking. */
export async function whoami(): Promise<Response> {
  await authenticate();
  return Response.json({
    user: g.user?.id,
    session: session.get("id") ?? null,
    app: currentApp.name,
    path: new URL(request.url).pathname,
  });
}

/** `POST /echo`: the request's id as seen through every global. */
export async function echo(extraIds?: ExtraIds): Promise<Response> {
  await authenticate();
  const body = await readBody();
  return Response.json(await describeRequest(body, extraIds));
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Like a database lookup: waits, then sets `g.user` for the rest of the request. */
async function authenticate(): Promise<void> {
  await sleep(requestedDelay());
  const token = request.headers.get("authorization")?.match(/^Bearer (.+)$/)?.[1];
  if (token === undefined) throw new HttpError(401, "missing bearer token");
  g.user = { id: token };
}

async function readBody(): Promise<{ id?: string }> {
  await Promise.resolve();
  try {
    return await request.json();
  } catch {
    throw new HttpError(400, "body is not JSON");
  }
}

async function describeRequest(body: { id?: string }, extraIds?: ExtraIds): Promise<EchoReport> {
  await sleep(Math.random() * requestedDelay());
  return await collect(body, extraIds);
}

async function collect(body: { id?: string }, extraIds?: ExtraIds): Promise<EchoReport> {
  await Promise.resolve();
  await sleep(0);
  return {
    ids: {
      url: new URL(request.url).searchParams.get("id"),
      header: request.headers.get("x-request-id"),
      user: g.user?.id,
      body: body.id,
      session: session.get("id"),
      ...extraIds?.(),
    },
    app: currentApp.config.name,
    inFlight,
  };
}

/** `?delay=` in milliseconds, at most 50. */
function requestedDelay(): number {
  const delay = Number(new URL(request.url).searchParams.get("delay") ?? 0);
  return Number.isFinite(delay) ? Math.min(Math.max(delay, 0), 50) : 0;
}
