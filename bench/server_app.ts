/**
 * The hello-world server of the server benchmark, on this runtime's own
 * server: `Deno.serve`, `Bun.serve` or `node:http`.
 *
 * `--variant=plain` reads the request's URL and answers "hello world".
 * `--variant=als` does the same with a hand-written AsyncLocalStorage (one
 * `run` per request holding the request and a Map).
 * `--variant=contextlocal` does the same through contextlocal: each request
 * runs in `manager.middleware(handler)`, pushes the request on a LocalStack,
 * reads its URL through a `request` LocalProxy and writes `g.path`.
 *
 * Prints `listening <port>` once it accepts connections; runs until killed.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Local, LocalManager, LocalProxy, LocalStack } from "../mod.ts";
import { args } from "./_harness.ts";

const argv = args();
const option = (name: string, fallback: string): string =>
  argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const variant = option("variant", "plain");
const port = Number(option("port", "0"));
if (variant !== "plain" && variant !== "als" && variant !== "contextlocal") {
  throw new TypeError(`--variant must be plain, als or contextlocal; received ${variant}`);
}

/** What a web handler (Deno.serve, Bun.serve) receives and node:http's request: both have a url. */
interface HasUrl {
  readonly url?: string;
}

const requestStack = new LocalStack<HasUrl>();
const request = new LocalProxy(requestStack);
const g = new Local<{ path: string }>();
const manager = new LocalManager([requestStack, g]);

const BODY = "hello world";

/** The work of one request; returns the body. Both variants read the URL once. */
const plain = (req: HasUrl): string => {
  const url = req.url ?? "";
  return url.length > 0 ? BODY : "";
};
const withContext = (req: HasUrl): string => {
  requestStack.push(req);
  g.path = request.url ?? "";
  return g.path.length > 0 ? BODY : "";
};
/** The hand-written equivalent: one AsyncLocalStorage holding the request and a map. */
const als = new AsyncLocalStorage<{ req: HasUrl; map: Map<string, string> }>();
const withAls = (req: HasUrl): string => {
  const store = als.getStore()!;
  store.req = req;
  store.map.set("path", store.req.url ?? "");
  return store.map.get("path")!.length > 0 ? BODY : "";
};
const work = variant === "plain" ? plain : variant === "als" ? withAls : withContext;
// deno-lint-ignore no-explicit-any -- wraps every server's handler shape alike
const wrap = <H extends (...a: any[]) => unknown>(handler: H): H => {
  if (variant === "plain") return handler;
  if (variant === "contextlocal") return manager.middleware(handler) as H;
  // Two parameters, like the handler: Deno.serve looks at a handler's length.
  return ((req: unknown, extra: unknown) =>
    als.run({ req: {}, map: new Map() }, () => handler(req, extra))) as unknown as H;
};

type WebHandler = (req: Request) => Response;
const webHandler: WebHandler = (req) => new Response(work(req));
const nodeHandler = (req: IncomingMessage, res: ServerResponse): void => {
  res.end(work(req));
};

const runtime = globalThis as {
  Deno?: {
    serve: (
      options: { port: number; hostname: string; onListen: (addr: { port: number }) => void },
      handler: WebHandler,
    ) => unknown;
  };
  Bun?: {
    serve: (options: { port: number; hostname: string; fetch: WebHandler }) => { port: number };
  };
};

const ready = (actual: number): void => console.log(`listening ${actual}`);

if (runtime.Deno) {
  const handler = wrap(webHandler);
  runtime.Deno.serve({ port, hostname: "127.0.0.1", onListen: ({ port }) => ready(port) }, handler);
} else if (runtime.Bun) {
  const handler = wrap(webHandler);
  ready(runtime.Bun.serve({ port, hostname: "127.0.0.1", fetch: handler }).port);
} else {
  const handler = wrap(nodeHandler);
  const server = createServer(handler);
  server.listen(port, "127.0.0.1", () => {
    const address = server.address();
    ready(typeof address === "object" && address !== null ? address.port : port);
  });
}
