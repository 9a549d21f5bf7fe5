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
import { fetch } from "./hono_app.ts";
import { announce, listenPort, nativeServer, serve } from "./servers.ts";

// hono_app.ts's `fetch` is Hono's, wrapped in manager.middleware.
const server = await serve(nativeServer(), fetch, { port: listenPort });
announce(server.port);
