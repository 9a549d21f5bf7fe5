/**
 * The hello-world server of the server benchmark, on this runtime's own
 * server: `Deno.serve`, `Bun.serve` or `node:http`.
 *
 * - `--variant=plain`: reads the request's URL and answers "hello world".
 * - `--variant=als`: the same inside one hand-written
 *   `als.run({ req }, ...)` per request, reading the URL from the store.
 * - `--variant=contextlocal`: the same through contextlocal: each request
 *   runs in `manager.middleware(handler)`, pushes the request on a
 *   LocalStack and reads its URL through a `request` LocalProxy.
 * - `--variant=stream-plain`, `stream-als`, `stream-contextlocal` (web
 *   servers only): the body is a ReadableStream whose `pull` reads the URL;
 *   `stream-als` binds `pull` with `AsyncLocalStorage.snapshot()`,
 *   `stream-contextlocal` uses `manager.middleware(handler, { streams: true })`.
 *
 * Prints `listening <port>` once it accepts connections (or `skip <why>` and
 * exits when the variant does not exist here); runs until killed.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import * as contextlocal from "../mod.ts";
import { LocalManager, LocalProxy, LocalStack } from "../mod.ts";
import { args } from "./_harness.ts";

/** What a web handler (Deno.serve, Bun.serve) receives and node:http's request: both have a url. */
interface HasUrl {
  readonly url?: string;
}

const BODY = "hello world";
const BYTES = new TextEncoder().encode(BODY);

const requestStack = new LocalStack<HasUrl>();
const request = new LocalProxy(requestStack);
const manager = new LocalManager([requestStack]);
const als = new AsyncLocalStorage<{ req: HasUrl }>();

type Web = (req: Request) => Response;
type Node = (req: IncomingMessage, res: ServerResponse) => void;
type StreamsMiddleware = (h: Web, options: { streams: boolean }) => Web;

/** A body that reads the URL through `url()` when the server pulls it. */
const streamed = (url: () => string | undefined): ReadableStream<Uint8Array> =>
  new ReadableStream({
    pull(controller) {
      controller.enqueue((url() ?? "").length > 0 ? BYTES : new Uint8Array());
      controller.close();
    },
  });

type Handlers = { web: Web; node?: Node } | string;
const text = (url: string | undefined): string => (url ?? "").length > 0 ? BODY : "";

/**
 * Each variant's handlers for web servers and for node:http, or why it does
 * not exist (bench/server_load.mjs lists the variants it runs).
 */
const VARIANTS: Record<string, () => Handlers> = {
  plain: () => ({
    web: (req) => new Response(text(req.url)),
    node: (req, res) => res.end(text(req.url)),
  }),
  als: () => ({
    web: (req) => als.run({ req }, () => new Response(text(als.getStore()!.req.url))),
    node: (req, res) => als.run({ req }, () => res.end(text(als.getStore()!.req.url))),
  }),
  contextlocal: () => ({
    web: manager.middleware((req: Request) => {
      requestStack.push(req);
      return new Response(text(request.url));
    }),
    node: manager.middleware((req: IncomingMessage, res: ServerResponse) => {
      requestStack.push(req);
      res.end(text(request.url));
    }),
  }),
  "stream-plain": () => ({ web: (req) => new Response(streamed(() => req.url)) }),
  "stream-als": () => ({
    web: (req) =>
      als.run({ req }, () => {
        const inRequest = AsyncLocalStorage.snapshot();
        return new Response(streamed(() => inRequest(() => als.getStore()!.req.url)));
      }),
  }),
  "stream-contextlocal": () => {
    if (!("streamWithContext" in contextlocal)) {
      return "LocalManager#middleware has no { streams: true } option in this build " +
        "(mod.ts exports no streamWithContext)";
    }
    const middleware = manager.middleware.bind(manager) as unknown as StreamsMiddleware;
    return {
      web: middleware((req) => {
        requestStack.push(req);
        return new Response(streamed(() => request.url));
      }, { streams: true }),
    };
  },
};

const runtime = globalThis as {
  Deno?: {
    serve: (
      options: {
        port: number;
        hostname: string;
        onListen: (addr: { port: number }) => void;
      },
      handler: Web,
    ) => unknown;
  };
  Bun?: {
    serve: (
      options: { port: number; hostname: string; fetch: Web },
    ) => { port: number };
  };
};

function serve(variant: string, port: number): void {
  const chosen = VARIANTS[variant]();
  if (typeof chosen === "string") return console.log(`skip ${chosen}`);
  const ready = (actual: number): void => console.log(`listening ${actual}`);
  if (runtime.Deno) {
    runtime.Deno.serve({
      port,
      hostname: "127.0.0.1",
      onListen: (a) => ready(a.port),
    }, chosen.web);
  } else if (runtime.Bun) {
    ready(
      runtime.Bun.serve({ port, hostname: "127.0.0.1", fetch: chosen.web })
        .port,
    );
  } else if (chosen.node === undefined) {
    console.log(
      "skip node:http has no Response body to stream (web servers only)",
    );
  } else {
    const server = createServer(chosen.node);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      ready(
        typeof address === "object" && address !== null ? address.port : port,
      );
    });
  }
}

const argv = args();
const option = (name: string, fallback: string): string =>
  argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ??
    fallback;
const variant = option("variant", "plain");
if (!Object.hasOwn(VARIANTS, variant)) {
  const known = Object.keys(VARIANTS).join(", ");
  throw new TypeError(`--variant must be one of ${known}; received ${variant}`);
}
serve(variant, Number(option("port", "0")));
