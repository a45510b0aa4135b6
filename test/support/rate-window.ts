/**
 * A server's own rate limit: at most `limit` requests in any `windowMs` (a sliding window counted at arrival).
 * A request over the limit gets a 429 with `Retry-After` (whole seconds, as HTTP allows) and the exact
 * `retry-after-ms`: how long until the oldest request in the window leaves it.
 */
import type { Fault } from "./fault-server.js";

export interface RateWindowOptions {
  limit: number;
  windowMs: number;
}

/** Returns a check to call on each arrival: `undefined` to answer the request, or the 429 to send instead. */
export function createRateWindow({ limit, windowMs }: RateWindowOptions): () => Fault | undefined {
  /** Arrival times inside the window, oldest first (the limit is small, so an array will do). */
  const arrivals: number[] = [];
  return () => {
    const now = performance.now();
    while (arrivals.length > 0 && (arrivals[0] as number) + windowMs <= now) arrivals.shift();
    if (arrivals.length < limit) {
      arrivals.push(now);
      return undefined;
    }
    const waitMs = Math.max(1, Math.ceil((arrivals[arrivals.length - limit] as number) + windowMs - now));
    return tooManyRequests(waitMs, `Rate limit exceeded: ${limit} requests per ${windowMs} ms`);
  };
}

/** A 429 asking to wait `waitMs`. */
export function tooManyRequests(waitMs: number, detail: string): Fault {
  return {
    status: 429,
    headers: { "retry-after": String(Math.ceil(waitMs / 1000)), "retry-after-ms": String(waitMs) },
    body: { detail },
  };
}
