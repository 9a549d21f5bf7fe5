/**
 * A framework hook that pushes the request with no scope open (like a
 * Fastify async `onRequest` or an Elysia `onRequest` around an unwrapped
 * handler): the push goes to the root scope, which every request shares.
 * `naive` uses ordinary locals (silent cross-talk), `strict` the same wiring
 * with strict locals (every request fails with the strict error), `scoped`
 * strict locals with the hook run inside `manager.run`.
 *
 * @module
 */
import { Local, LocalManager, LocalProxy, LocalStack } from "../../../../mod.ts";
import { randomDelay } from "../../../_helpers.ts";
import { prober, UNBOUND_MESSAGE } from "./globals.ts";
import type { Routes, View } from "./handler.ts";

interface Globals {
  stack: LocalStack<Request>;
  g: Local<{ id: string }>;
}

function globals(strict: boolean): Globals {
  if (!strict) return { stack: new LocalStack<Request>(), g: new Local<{ id: string }>() };
  return {
    stack: new LocalStack<Request>({ strict: true, name: "requestStack" }),
    g: new Local<{ id: string }>({ strict: true, name: "g" }),
  };
}

/** A tiny framework: runs its hooks, then the view, and turns errors into 500s. */
function framework({ stack, g }: Globals, scoped: boolean): View {
  const request: Request = new LocalProxy(stack, undefined, { unboundMessage: UNBOUND_MESSAGE });
  const probe = prober(request, g);
  const manager = new LocalManager([stack, g]);
  const onRequest = async (req: Request): Promise<void> => {
    stack.push(req);
    await randomDelay();
    g.id = req.headers.get("x-request-id") ?? "";
  };
  const handle = async (req: Request): Promise<Response> => {
    try {
      await onRequest(req);
      return Response.json({ n: 0, ids: await probe() });
    } catch (error) {
      return Response.json({ error: String(error) }, { status: 500 });
    }
  };
  return scoped ? (req) => manager.run(() => handle(req)) : handle;
}

export const hookRoutes: Routes = {
  "/hook/naive": framework(globals(false), false),
  "/hook/strict": framework(globals(true), false),
  "/hook/scoped": framework(globals(true), true),
};
