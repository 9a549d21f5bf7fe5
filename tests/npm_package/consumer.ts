// A consumer of the npm package, type-checked with `tsc --strict` against the
// emitted .d.ts by scripts/test_npm_package.mjs (and against the source by
// `deno check`). Each `@ts-expect-error` fails the check if the types stop
// rejecting that line.
import {
  Local,
  LocalManager,
  LocalProxy,
  LocalStack,
  releaseLocal,
} from "@contextlocal/contextlocal";
import { Local as LocalFromSubpath } from "@contextlocal/contextlocal/local";

interface User {
  name: string;
}

const g = new Local<{ user: User; requestId: string }>();
const requestStack = new LocalStack<Request>();
const request: Request = new LocalProxy(requestStack);
const user: User = new LocalProxy(g, "user");
const manager = new LocalManager([g, requestStack]);

export const handler: (req: Request) => Promise<Response> = manager.middleware(
  async (req: Request): Promise<Response> => {
    using _pushed = requestStack.push(req);
    g.user = { name: req.headers.get("x-user") ?? "anonymous" };
    const maybeUser: User | undefined = g.user;
    const body = await request.text();
    releaseLocal(g);
    return Response.json({ url: request.url, name: user.name, had: maybeUser?.name, body });
  },
);

export const top: Request | undefined = requestStack.top;
export const sameClass: boolean = g instanceof LocalFromSubpath;
export const count: Promise<number> = manager.run(() => Promise.resolve(1));

// @ts-expect-error: g has no key "missing"
new LocalProxy(g, "missing");
// @ts-expect-error: g.user is a User, not a string
g.user = "ada";
// @ts-expect-error: push() wants a Request
requestStack.push(42);
