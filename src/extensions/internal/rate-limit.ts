/**
 * Client-side rate limiter, so a client stays under Bolna's per-endpoint limits (500 or 1000 requests per minute,
 * per organisation) instead of running into 429s.
 *
 * Contract:
 * - `acquire` gives a slot in a bucket and returns its `release`. A slot is held while its request is in flight and,
 *   once `release()` is called when the response arrives (or the attempt fails), for one more window: at most `limit`
 *   slots of a bucket are held at any time. Buckets are independent; the limit comes from the caller on every call
 *   (generated metadata, or a user override), and `Infinity` means "no limit for this bucket".
 * - Why from the response rather than from the grant: the server counts a request when it arrives, which is some
 *   time after the grant (latency, a busy event loop delaying the send), but never after its response arrives. A
 *   grant-based window lets request N+limit reach the server less than a window after request N whenever N travelled
 *   slower, which is one request too many in the server's window: a 429. Freeing a slot one window after the response
 *   keeps every server window within the limit however long the client stalls, at the cost of the latency (a few
 *   hundred milliseconds of a minute) in throughput.
 * - `release({ sent: false })` frees a slot at once when its request never left (aborted before sending, connection
 *   refused): the server cannot have counted it.
 * - Waiters are served first come, first served, per bucket.
 * - An aborted signal rejects `acquire` at once with the signal's reason and frees the waiter's place.
 * - A timer runs only while someone waits for a held slot's window to pass, so an idle limiter never keeps the
 *   process alive.
 * - The clock and the sleep are injectable, so tests can run a fake clock without timers.
 *
 * It also exports the abortable `sleep` it waits with, which the transport reuses for its backoff.
 */
import { isIntegerIn } from "./guards.js";
import { ConfigurationError } from "../errors.js";

/** Frees a slot: call it once, when the response arrived or the attempt failed. */
export type Release = (outcome?: { sent: boolean }) => void;

export interface RateLimiter {
  /** Resolves when one more request in `bucket` keeps it within `limit` held slots; call the result to free it. */
  acquire(bucket: string, limit: number, signal?: AbortSignal): Promise<Release>;
}

/** Waits `ms`; rejects with `signal.reason` (and clears its timer) as soon as `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RateLimiterOptions {
  /** The server's sliding window. Default 60 000 (Bolna's limits are per minute); shorter for tests and benchmarks. */
  windowMs?: number;
  /** Clock in milliseconds. Default `performance.now()`: monotonic, so wall-clock jumps cannot bunch requests. */
  now?: () => number;
  sleep?: Sleep;
}

/** Largest delay `setTimeout` honours; above it Node fires the timer immediately. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });

interface Waiter {
  limit: number;
  grant(): void;
}

interface Bucket {
  /** Slots granted whose request has not reported back yet. */
  inFlight: number;
  /** Release times of the slots still held for their window, oldest first. */
  released: number[];
  waiters: Waiter[];
  /** Set while a pump serves `waiters`; aborting it cancels the pump's wait. */
  pump: AbortController | undefined;
  /** Wakes a pump that waits for an in-flight request to report back. */
  wake: (() => void) | undefined;
}

const NO_LIMIT: Release = () => undefined;

export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const windowMs = options.windowMs ?? 60_000;
  if (!Number.isFinite(windowMs) || windowMs <= 0 || windowMs > MAX_TIMER_MS) {
    throw new ConfigurationError(
      `windowMs must be a positive number of milliseconds up to ${MAX_TIMER_MS} (got ${windowMs})`,
    );
  }
  const now = options.now ?? (() => performance.now());
  const wait = options.sleep ?? sleep;
  const buckets = new Map<string, Bucket>();

  /** Slots held now: in flight, or released less than a window ago. */
  function held(bucket: Bucket, at: number): number {
    const { released } = bucket;
    while (released.length > 0 && (released[0] as number) + windowMs <= at) released.shift();
    return bucket.inFlight + released.length;
  }

  function take(bucket: Bucket): Release {
    bucket.inFlight++;
    let done = false;
    return (outcome) => {
      if (done) return;
      done = true;
      bucket.inFlight--;
      if (outcome?.sent !== false) bucket.released.push(now());
      const wake = bucket.wake;
      bucket.wake = undefined;
      wake?.();
    };
  }

  /** Waits until a held slot may have become free: its window passing, or an in-flight request reporting back. */
  function slotChange(bucket: Bucket, at: number, signal: AbortSignal): Promise<void> {
    const oldest = bucket.released[0];
    if (oldest !== undefined) return wait(oldest + windowMs - at, signal);
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      bucket.wake = () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      };
    });
  }

  /** Grants waiters in order; exits when the queue is empty or it is cancelled. */
  async function pump(bucket: Bucket, controller: AbortController): Promise<void> {
    try {
      while (!controller.signal.aborted) {
        const head = bucket.waiters[0];
        if (head === undefined) return;
        const at = now();
        if (held(bucket, at) >= head.limit) {
          await slotChange(bucket, at, controller.signal);
          continue;
        }
        bucket.waiters.shift();
        head.grant();
      }
    } catch {
      // The wait was cancelled because every waiter aborted: nothing left to do.
    } finally {
      if (bucket.pump === controller) bucket.pump = undefined;
    }
  }

  function acquire(name: string, limit: number, signal?: AbortSignal): Promise<Release> {
    if (limit !== Infinity && !isIntegerIn(limit, 1)) {
      return Promise.reject(
        new ConfigurationError(`rate limit for bucket "${name}" must be a positive integer or Infinity (got ${limit})`),
      );
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (limit === Infinity) return Promise.resolve(NO_LIMIT);

    let bucket = buckets.get(name);
    if (bucket === undefined) {
      bucket = { inFlight: 0, released: [], waiters: [], pump: undefined, wake: undefined };
      buckets.set(name, bucket);
    }
    // Queue behind existing waiters even if the bucket has room, or a newcomer could overtake them.
    if (bucket.waiters.length === 0 && held(bucket, now()) < limit) return Promise.resolve(take(bucket));
    return enqueue(bucket, limit, signal);
  }

  function enqueue(bucket: Bucket, limit: number, signal: AbortSignal | undefined): Promise<Release> {
    return new Promise<Release>((resolve, reject) => {
      const onAbort = (): void => {
        bucket.waiters.splice(bucket.waiters.indexOf(waiter), 1);
        // Nobody left to serve: cancel the pump's pending wait so it cannot keep the process alive.
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
          resolve(take(bucket));
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
