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
import { env } from "node:process";
import { app } from "./hono_app.ts";
import { nativeServer, serve } from "./servers.ts";

// No manager.middleware here: the Hono middleware opens the scope.
const server = await serve(nativeServer(), app.fetch, { port: Number(env.PORT ?? 8000) });
console.log(`listening on ${server.origin}/`);
