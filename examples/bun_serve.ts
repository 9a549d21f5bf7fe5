/**
 * The example app on `Bun.serve`.
 *
 *     bun examples/bun_serve.ts   # PORT=0 picks a free port
 *
 * The wrapped handler goes straight in as `fetch`: Bun calls it as a method
 * (`this` is the server) with `(request, server)`, and `manager.middleware`
 * passes both through.
 *
 * @module
 */
import { manager } from "./app/globals.ts";
import { handle } from "./app/routes.ts";
import { announce, hostname, listenPort, runtimes } from "./servers.ts";

const { Bun } = runtimes;
if (Bun === undefined) throw new TypeError("examples/bun_serve.ts runs on Bun only");

const server = Bun.serve({
  hostname,
  port: listenPort,
  fetch: manager.middleware((req: Request) => handle(req)),
});
announce(server.port);
