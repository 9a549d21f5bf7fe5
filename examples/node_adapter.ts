/**
 * Adapts `node:http` to Web `Request`/`Response`, so the same fetch-style
 * handler runs on `http.createServer` (Node, and `node:http` on Deno and Bun).
 *
 * What the adapter has to get right: the body is streamed (not buffered) and
 * needs `duplex: "half"`; the Request's `signal` aborts when the client goes
 * away before the response is finished; `Set-Cookie` headers stay separate;
 * the response body is piped with back-pressure.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** A Web `Request` for `req`, aborted when `res` closes before it has finished. */
export function toWebRequest(req: IncomingMessage, res: ServerResponse): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  }
  const controller = new AbortController();
  // This listener runs in the context of whoever emits "close" (the socket),
  // not in the request's scope: it must not read the request's globals.
  res.once("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const init: RequestInit & { duplex?: "half" } = {
    method: req.method,
    headers,
    signal: controller.signal,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
    duplex: hasBody ? "half" : undefined,
  };
  return new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, init);
}

/** Writes `response` to `res`, streaming its body. */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  res.statusMessage = response.statusText;
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  if (response.body === null) {
    res.end();
    return;
  }
  if (res.destroyed) {
    // The client went away while the handler ran: piping into a destroyed
    // stream throws, and the unread body must be released.
    await response.body.cancel();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), res);
}

/**
 * A `node:http` request listener that answers with a fetch-style handler.
 * `options.onError` answers when the handler throws or rejects (like
 * `Deno.serve`'s `onError` and `Bun.serve`'s `error`); by default the error is
 * logged and the answer is an empty 500.
 */
export function nodeListener(
  handler: (req: Request) => Response | Promise<Response>,
  options: { onError?: (error: unknown) => Response | Promise<Response> } = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { onError = logAndFail } = options;
  return async (req, res) => {
    let response: Response;
    try {
      response = await handler(toWebRequest(req, res));
    } catch (error) {
      response = await onError(error);
    }
    try {
      await sendWebResponse(res, response);
    } catch (error) {
      // A client that went away mid-body is no server error.
      if (!CLIENT_GONE.has((error as { code?: unknown }).code)) console.error(error);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    }
  };
}

const CLIENT_GONE = new Set<unknown>(["ERR_STREAM_PREMATURE_CLOSE", "ECONNRESET", "EPIPE"]);

function logAndFail(error: unknown): Response {
  console.error(error);
  return new Response(null, { status: 500 });
}
