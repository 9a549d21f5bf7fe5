/**
 * Prints what a server does with a wrapped handler, the facts behind the
 * pitfalls in examples/README.md: the handler's `this` and arguments, which
 * scope a request starts from, and where a `request.signal` "abort" listener
 * runs, plain and wrapped with `bindScope`.
 *
 *     deno run --allow-net examples/pitfalls.ts deno   # Deno.serve
 *     bun examples/pitfalls.ts bun                     # Bun.serve
 *     node examples/pitfalls.ts                        # node:http (any runtime)
 *
 * @module
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { argv } from "node:process";
import { setTimeout as sleep } from "node:timers/promises";
import { bindScope, Local, LocalManager } from "../mod.ts";
import { nodeListener } from "./node_adapter.ts";
import { serve as serveOn } from "./servers.ts";

type Handler = (req: Request) => Promise<Response>;
interface Running {
  port: number;
  close(): Promise<void>;
}

const server = argv[2] ?? "node";
const g = new Local<{ user: string; mark: string }>();
const manager = new LocalManager(g);
const facts: string[] = [];

/** The server object, to recognise it as a handler's `this`. */
let serverObject: unknown;

async function serve(handler: Handler): Promise<Running> {
  const kind = server === "deno" ? "Deno.serve" : server === "bun" ? "Bun.serve" : undefined;
  if (kind !== undefined) {
    const running = await serveOn(kind, handler);
    serverObject = running.server;
    return running;
  }
  // node:http: report the listener's own `this` and arguments; the scope is
  // opened around the fetch-style handler inside the adapter.
  const listener = nodeListener(handler);
  const s = createServer(function (this: unknown, req, res) {
    facts.push(`node:http listener: this ${describe(this)}, ${arguments.length} arguments`);
    return listener(req, res);
  });
  serverObject = s;
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  return {
    port: (s.address() as AddressInfo).port,
    close: () => new Promise((resolve) => s.close(() => resolve()) && s.closeAllConnections()),
  };
}

g.user = "root-at-boot"; // outside any scope: the root scope
const handler = manager.middleware(async function (this: unknown, req: Request) {
  facts.push(`wrapped handler: this ${describe(this)}, ${arguments.length} arguments`);
  const atEntry = `g.user=${g.user}, g.mark=${g.mark}`;
  g.user = new URL(req.url).searchParams.get("user") ?? "?";
  if (req.url.includes("/slow")) {
    req.signal.addEventListener("abort", () => facts.push(`abort listener: g.user=${g.user}`));
    req.signal.addEventListener(
      "abort",
      bindScope(() => facts.push(`bound abort listener: g.user=${g.user}`)),
    );
    await sleep(300);
  }
  return new Response(atEntry);
});

// Started inside a scope: do requests start from it or from the root scope?
const running = await manager.run(() => {
  g.mark = "scope-around-server-start";
  return serve(handler);
});
const base = `http://127.0.0.1:${running.port}/`;
facts.push(`request 1 starts with ${await (await fetch(`${base}?user=ada`)).text()}`);
g.user = "root-changed-later";
facts.push(`request 2 starts with ${await (await fetch(`${base}?user=bob`)).text()}`);
const client = new AbortController();
const slow = fetch(`${base}slow?user=cy`, { signal: client.signal }).catch(() => undefined);
await sleep(100);
client.abort();
await slow;
await sleep(400);
facts.push(`root scope afterwards: g.user=${g.user}`);
await running.close();
console.log(`${server}:\n  ${facts.join("\n  ")}`);

function describe(value: unknown): string {
  if (value === serverObject) return "is the server";
  return value === undefined ? "undefined" : `is ${Object.prototype.toString.call(value)}`;
}
