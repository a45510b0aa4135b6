/**
 * The part every test HTTP server shares: listen on 127.0.0.1 and a free port, read each request's body in full,
 * and close promptly. `close()` destroys open connections (stalled or hanging ones included) before it resolves,
 * and a server that outlives its test closes itself after `lifetimeMs` with a timer that never keeps the process
 * alive. The fault server and the hostile server build their answers on top.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface ReceivedRequest {
  method: string;
  /** Path without the query, e.g. `/batches/abc`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The raw body bytes. */
  body: Buffer;
  /** `performance.now()` when the request arrived. */
  arrivedAt: number;
}

export interface LoopbackServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:40123`. */
  url: string;
  close(): Promise<void>;
}

export async function listenOnLoopback(
  onRequest: (req: IncomingMessage, res: ServerResponse, received: ReceivedRequest) => void,
  lifetimeMs: number,
): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const arrivedAt = performance.now();
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      onRequest(req, res, {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks),
        arrivedAt,
      });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };
  const lifetime = setTimeout(() => void close(), lifetimeMs);
  lifetime.unref();
  return { url: `http://127.0.0.1:${port}`, close };
}
