/**
 * The example app as a Cloudflare Worker, for the real `workerd` runtime
 * (`nodejs_compat` gives it `node:async_hooks`). Bundle it, then serve it
 * with `config.capnp` (`node examples/workerd/serve.mjs` does both).
 *
 * @module
 */
import { manager } from "../app/globals.ts";
import { handle } from "../app/routes.ts";

/** workerd calls `fetch(request, env, ctx)` as a method of this object. */
export default {
  fetch: manager.middleware((req: Request): Promise<Response> => handle(req)),
};
