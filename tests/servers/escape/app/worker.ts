/**
 * Every escape case that workerd has (streams, listeners, the root hook) as
 * a Cloudflare Worker: bundled with esbuild and served by the real `workerd`
 * binary with examples/workerd/config.capnp.
 *
 * @module
 */
import { fetchHandler } from "./handler.ts";

/** workerd calls `fetch(request, env, ctx)` as a method of this object. */
export default { fetch: (req: Request): Promise<Response> => fetchHandler(req) };
