/**
 * What the transport tests share: a route table like the generated one, a sleep that records instead of waiting,
 * a fault server per test, and a transport wired to both.
 */
import { afterEach } from "vitest";
import type { Sleep } from "../../../src/extensions/internal/rate-limit.js";
import { createTransport, type RouteInfo, type TransportOptions } from "../../../src/extensions/internal/transport.js";
import { startFaultServer, type Fault, type FaultServer } from "../../support/fault-server.js";

/** Like the generated metadata: `POST /call` dials a phone, so it is not retry-safe. */
export function route(method: string, url: URL): RouteInfo {
  if (method === "POST" && url.pathname === "/call")
    return { retrySafe: false, bucket: "call", requestsPerMinute: 500 };
  return { retrySafe: true, bucket: "default", requestsPerMinute: 1000 };
}

/** Records each backoff instead of waiting, so tests neither sleep nor depend on timing. */
function recordingSleep(): { sleep: Sleep; delays: number[] } {
  const delays: number[] = [];
  return { delays, sleep: async (ms) => void delays.push(ms) };
}

/**
 * `serve(...faults)`: a server answering the n-th request with `faults[n]` (the last one repeats), closed after
 * each test. Call once at the top of a test file, since it registers the `afterEach` that closes it.
 */
export function faultServerPerTest(): (...faults: Fault[]) => Promise<FaultServer> {
  let server: FaultServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  return async (...faults) => {
    server = await startFaultServer((_request, n) => faults[Math.min(n, faults.length - 1)] as Fault);
    return server;
  };
}

/** A transport over the real `fetch` with no jitter and a recording sleep; `fetchCalls` lists every attempt. */
export function setup(overrides: Partial<TransportOptions> = {}) {
  const { sleep, delays } = recordingSleep();
  const fetchCalls: Request[] = [];
  const transport = createTransport({
    route,
    sleep,
    random: () => 0, // no jitter: backoff is exactly 500 ms × 2^n
    fetch: (request) => {
      fetchCalls.push(request);
      return fetch(request);
    },
    ...overrides,
  });
  return { transport, delays, fetchCalls };
}

export const ok: Fault = { status: 200, body: { ok: true } };
