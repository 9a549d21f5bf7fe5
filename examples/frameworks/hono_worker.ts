/**
 * The Hono example (`hono_app.ts`) as a Cloudflare Worker on the real
 * `workerd` (with `nodejs_compat`), WebSockets through Hono's
 * `hono/cloudflare-workers` helper:
 *
 *     node examples/workerd/serve.mjs examples/frameworks/hono_worker.ts
 *
 * @module
 */
import { upgradeWebSocket } from "hono/cloudflare-workers";
import { createApp } from "./hono_app.ts";

/** workerd calls `fetch(request, env, ctx)` as a method of this object. */
export default { fetch: createApp(upgradeWebSocket).fetch };
