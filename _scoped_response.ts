/**
 * `middleware(handler, { streams: true })`'s response rewriting (internal).
 *
 * @module
 */
import type { Scope } from "./_scope.ts";
import { scopedStream } from "./_scoped_stream.ts";

/**
 * `result` (a handler's return value, or a promise of it) with any Response
 * body read in `scope`.
 */
export function withScopedBody(result: unknown, scope: Scope): unknown {
  if (result instanceof Promise) return result.then((value) => scopedResponse(value, scope));
  return scopedResponse(result, scope);
}

/**
 * A copy of `value` whose body is read in `scope`, when it is a Response
 * with a body; `value` itself otherwise. Status 101 is a WebSocket upgrade
 * (Deno, workerd): the runtime needs that very object.
 */
function scopedResponse(value: unknown, scope: Scope): unknown {
  if (!(value instanceof Response) || value.status === 101) return value;
  const body = value.body;
  if (body === null) return value;
  return new Response(scopedStream(body, scope, "LocalManager#middleware()"), {
    status: value.status,
    statusText: value.statusText,
    headers: value.headers,
  });
}
