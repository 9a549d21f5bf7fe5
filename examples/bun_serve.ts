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
import { env } from "node:process";
import { manager } from "./app/globals.ts";
import { handle } from "./app/routes.ts";
import { runtimes } from "./servers.ts";

const { Bun } = runtimes;
if (Bun === undefined) throw new TypeError("examples/bun_serve.ts runs on Bun only");
const port = Number(env.PORT ?? 8000);

const server = Bun.serve({
  hostname: "127.0.0.1",
  port,
  fetch: manager.middleware((req: Request) => handle(req)),
});
console.log(`listening on http://${server.hostname}:${server.port}/`);
