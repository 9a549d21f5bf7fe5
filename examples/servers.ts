/**
 * Starts a fetch-style handler on a real HTTP server of the runtime running
 * this file: `Deno.serve` on Deno, `Bun.serve` on Bun, and `node:http` on all
 * three (through `node_adapter.ts`). The handler goes to the server as it is,
 * unwrapped. The examples and the tests share this file, so the parts of
 * Deno's and Bun's APIs they use are typed once, here (neither runtime's types
 * are installed for the others), and so is where the runnable examples
 * listen.
 *
 * @module
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { env } from "node:process";
import { nodeListener } from "./node_adapter.ts";

/** A Web-standard handler: `Request` in, `Response` out. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** Answers a request whose handler threw or rejected. */
export type ErrorHandler = (error: unknown) => Response | Promise<Response>;

/** The part of Deno's global `Deno` used here. */
export interface DenoRuntime {
  serve(
    options: {
      hostname: string;
      port: number;
      onListen(addr: { port: number }): void;
      onError?: ErrorHandler;
    },
    handler: FetchHandler,
  ): { shutdown(): Promise<void> };
}

/** The part of Bun's global `Bun` used here. */
export interface BunRuntime {
  serve(options: {
    hostname: string;
    port: number;
    fetch: FetchHandler;
    error?: ErrorHandler;
    /** Bun's WebSocket handlers (a framework's, e.g. `hono/bun`'s `websocket`). */
    websocket?: unknown;
  }): { hostname: string; port: number; stop(closeActiveConnections?: boolean): unknown };
}

/** `Deno` and `Bun` as typed globals: each `undefined` on the other runtimes. */
export const runtimes: { readonly Deno?: DenoRuntime; readonly Bun?: BunRuntime } =
  globalThis as unknown as { Deno?: DenoRuntime; Bun?: BunRuntime };

/** The host every example and test server binds. */
export const hostname = "127.0.0.1";

/** The port a runnable example listens on: `PORT` (0 picks a free one), else 8000. */
export const listenPort: number = Number(env.PORT ?? 8000);

/** Prints `listening on http://127.0.0.1:<port>/`: the line the load tests wait for. */
export function announce(port: number): void {
  console.log(`listening on http://${hostname}:${port}/`);
}

/** A server that `serve()` starts. */
export type ServerKind = "Deno.serve" | "Bun.serve" | "node:http";

/** The runtime's own server: `Deno.serve`, `Bun.serve`, or `node:http` on Node. */
export function nativeServer(): ServerKind {
  if (runtimes.Deno !== undefined) return "Deno.serve";
  if (runtimes.Bun !== undefined) return "Bun.serve";
  return "node:http";
}

/** The servers this runtime has: `node:http`, and its native one if that differs. */
export function serverKinds(): ServerKind[] {
  const native = nativeServer();
  return native === "node:http" ? [native] : ["node:http", native];
}

/** Where and how to listen. */
export interface ServeOptions {
  /** @default "127.0.0.1" */
  readonly hostname?: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  /** Answers when the handler throws; the default logs and answers 500. */
  readonly onError?: ErrorHandler;
}

/** A listening server. */
export interface Listening {
  readonly kind: ServerKind;
  readonly port: number;
  /** `http://<hostname>:<port>`, no trailing slash. */
  readonly origin: string;
  /** The runtime's server object (a handler's `this` on Bun.serve). */
  readonly server: unknown;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** Starts `handler` on a `kind` server and resolves once it listens. */
export async function serve(
  kind: ServerKind,
  handler: FetchHandler,
  options: ServeOptions = {},
): Promise<Listening> {
  const { hostname: host = hostname, port = 0, onError } = options;
  const at = (port: number, server: unknown, close: () => Promise<void>): Listening => ({
    kind,
    port,
    origin: `http://${host}:${port}`,
    server,
    close,
  });
  switch (kind) {
    case "Deno.serve": {
      const deno = required(runtimes.Deno, kind);
      const listening = Promise.withResolvers<number>();
      const server = deno.serve({
        hostname: host,
        port,
        onListen: (addr) => listening.resolve(addr.port),
        ...(onError && { onError }),
      }, handler);
      return at(await listening.promise, server, () => server.shutdown());
    }
    case "Bun.serve": {
      const server = required(runtimes.Bun, kind).serve({
        hostname: host,
        port,
        fetch: handler,
        ...(onError && { error: onError }),
      });
      return at(server.port, server, async () => {
        await server.stop(true);
      });
    }
    case "node:http": {
      const server = createServer(nodeListener(handler, { onError }));
      await new Promise<void>((resolve) => server.listen(port, host, resolve));
      return at(
        (server.address() as AddressInfo).port,
        server,
        () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      );
    }
  }
}

function required<T>(api: T | undefined, kind: ServerKind): T {
  if (api === undefined) throw new TypeError(`${kind} exists on ${kind.split(".")[0]} only`);
  return api;
}
