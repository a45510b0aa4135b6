/**
 * A fault-injecting HTTP server for tests, on 127.0.0.1 and a free port (`loopback-server.ts`).
 *
 * Contract:
 * - The test's `handler` sees every request (recorded in full, body included) with its 0-based arrival number, and
 *   answers with a `Fault`: a status (optional headers, body, delay, or a body cut off mid-way), a connection reset,
 *   or a hang (no answer until the server closes).
 * - Bounded: it answers at most `maxRequests` requests (later ones get 503 and are not passed to the handler) and
 *   closes itself after `lifetimeMs` with a timer that never keeps the process alive. `close()` also drops open and
 *   hanging connections, so it returns promptly.
 * - A handler that throws gets a 500 whose body names the error, and the error is kept in `handlerErrors`.
 */
import type { ServerResponse } from "node:http";
import { listenOnLoopback, type ReceivedRequest } from "./loopback-server.js";

export interface RecordedRequest extends ReceivedRequest {
  /** `body` decoded as UTF-8. */
  text: string;
}

export type Fault =
  | {
      status: number;
      headers?: Record<string, string>;
      /** An object is sent as JSON (with a JSON content type unless `headers` sets one). */
      body?: string | Uint8Array | object;
      delayMs?: number;
      /** Announce the full length, send only this many bytes of the body, then reset the connection. */
      truncateAfterBytes?: number;
    }
  | { reset: true; delayMs?: number }
  | { hang: true };

export type FaultHandler = (request: RecordedRequest, n: number) => Fault | Promise<Fault>;

export interface FaultServerOptions {
  /** Default 100 000. */
  maxRequests?: number;
  /** Default 60 000. */
  lifetimeMs?: number;
}

export interface FaultServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:40123`. */
  url: string;
  requests: RecordedRequest[];
  handlerErrors: unknown[];
  close(): Promise<void>;
}

export async function startFaultServer(handler: FaultHandler, options: FaultServerOptions = {}): Promise<FaultServer> {
  const maxRequests = options.maxRequests ?? 100_000;
  const requests: RecordedRequest[] = [];
  const handlerErrors: unknown[] = [];
  const { url, close } = await listenOnLoopback((_, res, received) => {
    const recorded: RecordedRequest = { ...received, text: received.body.toString("utf8") };
    const n = requests.length;
    requests.push(recorded);
    if (n >= maxRequests) {
      res.writeHead(503).end("fault server: request budget exhausted");
      return;
    }
    Promise.resolve()
      .then(() => handler(recorded, n))
      .then(
        (fault) => apply(fault, res),
        (error: unknown) => {
          handlerErrors.push(error);
          res.writeHead(500, { "content-type": "text/plain" }).end(`fault server handler error: ${String(error)}`);
        },
      );
  }, options.lifetimeMs ?? 60_000);
  return { url, requests, handlerErrors, close };
}

async function apply(fault: Fault, res: ServerResponse): Promise<void> {
  if ("hang" in fault) return; // left open; close() destroys the socket
  if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  if ("reset" in fault) {
    res.socket?.destroy();
    return;
  }
  const headers: Record<string, string> = { ...fault.headers };
  const body = encodeBody(fault.body, headers);
  if (fault.truncateAfterBytes !== undefined) {
    res.writeHead(fault.status, { ...headers, "content-length": String(body.length) });
    res.write(body.subarray(0, fault.truncateAfterBytes), () => res.socket?.destroy());
    return;
  }
  res.writeHead(fault.status, headers).end(body);
}

function encodeBody(body: string | Uint8Array | object | undefined, headers: Record<string, string>): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  if (typeof body === "string") return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (!Object.keys(headers).some((name) => name.toLowerCase() === "content-type")) {
    headers["content-type"] = "application/json";
  }
  return Buffer.from(JSON.stringify(body));
}
