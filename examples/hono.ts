/**
 * Serves the Hono example app with the server of the runtime it runs on:
 * `Deno.serve` on Deno, `Bun.serve` on Bun, `node:http` on Node.
 *
 *     deno run --allow-net --allow-env --allow-read examples/hono.ts
 *     bun examples/hono.ts
 *     node examples/hono.ts          # PORT=0 picks a free port
 *
 * @module
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fetch } from "./hono_app.ts";
import { nodeListener } from "./node_adapter.ts";
import { Bun, Deno, hostname, port, ready } from "./_runtimes.ts";

if (Deno !== undefined) {
  Deno.serve({ hostname, port, onListen: (addr) => ready(addr.port) }, fetch);
} else if (Bun !== undefined) {
  ready(Bun.serve({ hostname, port, fetch }).port);
} else {
  const server = createServer(nodeListener(fetch));
  server.listen(port, hostname, () => ready((server.address() as AddressInfo).port));
}
