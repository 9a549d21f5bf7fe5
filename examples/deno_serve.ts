/**
 * The example app on `Deno.serve`.
 *
 *     deno run --allow-net --allow-env examples/deno_serve.ts   # PORT=0 picks a free port
 *
 * The wrapped handler goes straight in: `manager.middleware` opens one scope
 * per call and passes Deno's `(request, info)` through.
 *
 * @module
 */
import { manager } from "./app/globals.ts";
import { handle } from "./app/routes.ts";
import { announce, hostname, listenPort } from "./servers.ts";

Deno.serve(
  {
    hostname,
    port: listenPort,
    onListen: ({ port }) => announce(port),
  },
  manager.middleware((req: Request) => handle(req)),
);
