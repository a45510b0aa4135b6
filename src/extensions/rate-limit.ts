/**
 * Client-side rate limiter, so a client stays under Bolna's per-endpoint limits (500 or 1000 requests per minute,
 * per organisation) instead of running into 429s.
 *
 * Contract:
 * - One sliding-window log per bucket: in any interval of `windowMs` plus a safety margin, at most `limit` calls to
 *   `acquire` for that bucket resolve. Buckets are independent; the limit comes from the caller on every call
 *   (generated metadata, or a user override), and `Infinity` means "no limit for this bucket".
 * - The margin (`marginMs`, default max(2% of `windowMs`, 50 ms)) exists because the server counts arrivals, not
 *   grants: granting request N+limit exactly one window after request N lets it reach the server less than a
 *   window after N whenever it travels faster than N did (latency jitter, a busy event loop delaying N's send), and
 *   that is one request too many in the server's window: a 429. With the limit equal to the server's, a bulk
 *   export saw 4% of its requests refused that way. The margin absorbs jitter up to its size, at the cost of
 *   margin / (window + margin) of the throughput: 2% of Bolna's minute (5% of a 1 s test window).
 * - Waiters are served first come, first served, per bucket.
 * - An aborted signal rejects `acquire` at once with the signal's reason and frees the waiter's place.
 * - A timer runs only while someone is waiting, so an idle limiter never keeps the process alive.
 * - The clock and the sleep are injectable, so tests can run a fake clock without timers.
 *
 * It also exports the abortable `sleep` it waits with, which the transport reuses for its backoff.
 */
import { ConfigurationError } from "./errors.js";

export interface RateLimiter {
  /** Resolves when one more request in `bucket` keeps it within `limit` per window. */
  acquire(bucket: string, limit: number, signal?: AbortSignal): Promise<void>;
}

/** Waits `ms`; rejects with `signal.reason` (and clears its timer) as soon as `signal` aborts. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export interface RateLimiterOptions {
  /** The server's sliding window. Default 60 000 (Bolna's limits are per minute); shorter for tests and benchmarks. */
  windowMs?: number;
  /** Added to `windowMs` so jitter cannot crowd `limit + 1` arrivals into one server window (see above). */
  marginMs?: number;
  /** Clock in milliseconds. Default `performance.now()`: monotonic, so wall-clock jumps cannot bunch requests. */
  now?: () => number;
  sleep?: Sleep;
}

/** Largest delay `setTimeout` honours; above it Node fires the timer immediately. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The margin a limiter with this window keeps unless told otherwise: max(2% of the window, 50 ms). */
export function defaultMarginMs(windowMs: number): number {
  return Math.max(windowMs * 0.02, 50);
}

export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });

interface Waiter {
  limit: number;
  grant(): void;
}

interface Bucket {
  /** Times of the grants still inside the window, oldest first. */
  grants: number[];
  waiters: Waiter[];
  /** Set while a pump serves `waiters`; aborting it cancels the pump's sleep. */
  pump: AbortController | undefined;
}

export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const windowMs = options.windowMs ?? 60_000;
  if (!Number.isFinite(windowMs) || windowMs <= 0 || windowMs > MAX_TIMER_MS) {
    throw new ConfigurationError(`windowMs must be a positive number of milliseconds up to ${MAX_TIMER_MS} (got ${windowMs})`);
  }
  const marginMs = options.marginMs ?? defaultMarginMs(windowMs);
  if (!Number.isFinite(marginMs) || marginMs < 0) {
    throw new ConfigurationError(`marginMs must be a non-negative number of milliseconds (got ${marginMs})`);
  }
  /** How long a grant counts against its bucket. */
  const spanMs = windowMs + marginMs;
  const now = options.now ?? (() => performance.now());
  const wait = options.sleep ?? sleep;
  const buckets = new Map<string, Bucket>();

  /** 0 when a grant is possible now, else the milliseconds until the grant that blocks it leaves the window. */
  function delayUntilFree(bucket: Bucket, limit: number, at: number): number {
    const { grants } = bucket;
    while (grants.length > 0 && (grants[0] as number) + spanMs <= at) grants.shift();
    if (grants.length < limit) return 0;
    return (grants[grants.length - limit] as number) + spanMs - at;
  }

  /** Grants waiters in order, sleeping until the window frees up; exits when the queue is empty or it is cancelled. */
  async function pump(bucket: Bucket, controller: AbortController): Promise<void> {
    try {
      while (!controller.signal.aborted) {
        const head = bucket.waiters[0];
        if (head === undefined) return;
        const at = now();
        const delay = delayUntilFree(bucket, head.limit, at);
        if (delay > 0) {
          await wait(delay, controller.signal);
          continue;
        }
        bucket.waiters.shift();
        bucket.grants.push(at);
        head.grant();
      }
    } catch {
      // The sleep was cancelled because every waiter aborted: nothing left to do.
    } finally {
      if (bucket.pump === controller) bucket.pump = undefined;
    }
  }

  function acquire(name: string, limit: number, signal?: AbortSignal): Promise<void> {
    if (limit !== Infinity && (!Number.isInteger(limit) || limit < 1)) {
      return Promise.reject(
        new ConfigurationError(`rate limit for bucket "${name}" must be a positive integer or Infinity (got ${limit})`),
      );
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (limit === Infinity) return Promise.resolve();

    let bucket = buckets.get(name);
    if (bucket === undefined) {
      bucket = { grants: [], waiters: [], pump: undefined };
      buckets.set(name, bucket);
    }
    const at = now();
    // Queue behind existing waiters even if the window has room, or a newcomer could overtake them.
    if (bucket.waiters.length === 0 && delayUntilFree(bucket, limit, at) === 0) {
      bucket.grants.push(at);
      return Promise.resolve();
    }
    return enqueue(bucket, limit, signal);
  }

  function enqueue(bucket: Bucket, limit: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        bucket.waiters.splice(bucket.waiters.indexOf(waiter), 1);
        // Nobody left to serve: cancel the pump's pending timer so it cannot keep the process alive.
        if (bucket.waiters.length === 0) {
          bucket.pump?.abort();
          bucket.pump = undefined;
        }
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        limit,
        grant() {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      bucket.waiters.push(waiter);
      if (bucket.pump === undefined) {
        bucket.pump = new AbortController();
        void pump(bucket, bucket.pump);
      }
    });
  }

  return { acquire };
}
