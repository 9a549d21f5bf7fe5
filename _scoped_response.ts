/**
 * `middleware(handler, { streams: true })`'s response rewriting (internal).
 *
 * @module
 */
import { type Scope, storage } from "./_scope.ts";
import { scopedStream } from "./_scoped_stream.ts";

/** `handler` with the Response bodies it returns read in the scope it runs in. */
export function withScopedBodies<A extends unknown[], R, This>(
  handler: (this: This, ...args: A) => R,
): (this: This, ...args: A) => R {
  return function (this: This): R {
    // Called by the middleware inside the request's scope.
    const scope = storage.getStore() as Scope;
    return withScopedBody(Reflect.apply(handler, this, arguments), scope) as R;
  };
}

/**
 * `result` (a handler's return value, or a promise of it) with any Response
 * body read in `scope`.
 */
function withScopedBody(result: unknown, scope: Scope): unknown {
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
