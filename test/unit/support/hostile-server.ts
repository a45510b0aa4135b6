/**
 * A misbehaving HTTP server for tests, one per case, on 127.0.0.1 and a free port.
 *
 * Contract:
 * - The test's `handler` gets Node's raw `req`/`res` (after the request body has been read and recorded), so a case
 *   can do anything a hostile server can: redirect anywhere, stall or trickle a body, send 50 MB, echo headers.
 * - Every request is recorded (method, path, query, headers, body) in arrival order, with its arrival time on
 *   `performance.now()`'s clock.
 * - `close()` destroys open connections (stalled bodies included), so it returns promptly; a server that outlives
 *   its test closes itself after `lifetimeMs` (`loopback-server.ts`).
 * - `refusingUrl()` gives a loopback URL on which nothing listens (connections are refused).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { listenOnLoopback, type ReceivedRequest } from "../../support/loopback-server.js";

export interface HostileRequest extends Omit<ReceivedRequest, "body"> {
  /** The body decoded as UTF-8. */
  body: string;
}

export type HostileHandler = (req: IncomingMessage, res: ServerResponse, request: HostileRequest, n: number) => void;

export interface HostileServer {
  /** Base URL without a trailing slash. */
  url: string;
  requests: HostileRequest[];
  close(): Promise<void>;
}

export async function startHostileServer(handler: HostileHandler, lifetimeMs = 60_000): Promise<HostileServer> {
  const requests: HostileRequest[] = [];
  const { url, close } = await listenOnLoopback((req, res, received) => {
    const request: HostileRequest = { ...received, body: received.body.toString("utf8") };
    requests.push(request);
    handler(req, res, request, requests.length - 1);
  }, lifetimeMs);
  return { url, requests, close };
}

/** A loopback URL that refuses connections: a port that was free a moment ago and has nothing listening. */
export async function refusingUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Sends `res` a JSON body with the given status. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Writes `total` bytes of `fill` in 64 KiB chunks, waiting for the socket to drain; stops if the client leaves. */
export function streamBytes(res: ServerResponse, total: number, fill = "x"): void {
  const chunk = Buffer.alloc(64 * 1024, fill);
  let sent = 0;
  const pump = (): void => {
    while (sent < total && !res.destroyed) {
      const size = Math.min(chunk.length, total - sent);
      sent += size;
      if (!res.write(size === chunk.length ? chunk : chunk.subarray(0, size))) {
        res.once("drain", pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

/** Collects the servers a test file starts, so `afterEach` can close them all. */
export function serverPool() {
  const open: HostileServer[] = [];
  return {
    async start(handler: HostileHandler): Promise<HostileServer> {
      const server = await startHostileServer(handler);
      open.push(server);
      return server;
    },
    async closeAll(): Promise<void> {
      await Promise.all(open.splice(0).map((server) => server.close()));
    },
  };
}
