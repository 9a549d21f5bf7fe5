/**
 * The example app on `node:http` (Node; also runs on Deno and Bun).
 *
 *     node examples/node_http.ts   # Node >= 22.18; PORT=0 picks a free port
 *
 * `manager.middleware` wraps the whole request listener, so the adapter
 * (IncomingMessage -> Request) and the handler run in the request's scope.
 *
 * @module
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { manager } from "./app/globals.ts";
import { handle } from "./app/routes.ts";
import { nodeListener } from "./node_adapter.ts";
import { announce, hostname, listenPort } from "./servers.ts";

const server = createServer(manager.middleware(nodeListener(handle)));
// Load tests open many connections at once; the default backlog is enough,
// but keep-alive must outlive a slow client's pause between requests.
server.keepAliveTimeout = 10_000;
server.listen(listenPort, hostname, () => announce((server.address() as AddressInfo).port));
