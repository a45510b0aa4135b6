/**
 * The polling loop every wait shares: read, report, stop on a final value, pause, read again, under one deadline.
 *
 * - Each read goes through a client method, so the rate limiter and the transport's retries (429 with
 *   `Retry-After`, 5xx, connection errors) apply to it. A read that still fails with one of those is not the end of
 *   the wait: the loop pauses (at least as long as a 429 asked) and reads again until the deadline.
 * - A 404 before anything was read, in the first `NOT_VISIBLE_GRACE_MS` of the wait, means "not visible yet" (a call
 *   just placed takes a moment to appear); later, or once something was read, it is an error.
 * - The pause starts at `pollIntervalMs`, grows ×1.5 after each read that brings no change, up to
 *   `MAX_POLL_INTERVAL_MS` (or `pollIntervalMs` if larger), and starts again after a change.
 * - The deadline also cancels a read in flight. Timing out throws what `timedOut` builds from the last value read
 *   (and the last failed read, if the final reads failed); the caller's signal ends the wait at once with an
 *   `APIUserAbortError`. Every other error (a callback's too) ends the wait as it is.
 * Time is read from `Date.now()` and `setTimeout` only, so fake timers drive it in tests.
 */
import { MAX_TIMER_MS, sleep } from "../internal/rate-limit.js";
import { isIntegerIn } from "../internal/guards.js";
import {
  APIConnectionError,
  APIUserAbortError,
  BolnaInputError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from "../errors.js";
import type { WaitOptions } from "./index.js";

/** How long after the wait starts a 404 still means "not visible yet". */
const NOT_VISIBLE_GRACE_MS = 15_000;
const MAX_POLL_INTERVAL_MS = 15_000;
const BACKOFF = 1.5;

export interface PollSettings<T> {
  read: (signal: AbortSignal) => Promise<T>;
  /** Reports a value read; returns true when it differs from the previous one (the pause starts again). */
  observe: (value: T) => boolean;
  isFinal: (value: T) => boolean;
  timeoutMs: number;
  pollIntervalMs: number;
  signal: AbortSignal | undefined;
  timedOut: (last: T | undefined, lastFailure: unknown) => Error;
}

/** The wait's settings with defaults, refused with a `BolnaInputError` when out of range (before anything is sent). */
export function waitSettings(
  options: WaitOptions,
  defaults: { timeoutMs: number; pollIntervalMs: number },
): { timeoutMs: number; pollIntervalMs: number } {
  const timeoutMs = options.timeoutMs ?? defaults.timeoutMs;
  const pollIntervalMs = options.pollIntervalMs ?? defaults.pollIntervalMs;
  for (const [field, value] of [
    ["timeoutMs", timeoutMs],
    ["pollIntervalMs", pollIntervalMs],
  ] as const) {
    if (!isIntegerIn(value, 1, MAX_TIMER_MS)) {
      throw new BolnaInputError(field, `${field} must be an integer from 1 to ${MAX_TIMER_MS} ms; got ${value}.`);
    }
  }
  return { timeoutMs, pollIntervalMs };
}

/** A read failure worth reading again after a pause: the server was busy or unreachable, or the record not there yet. */
function isTransient(error: unknown, mayBeInvisible: boolean): boolean {
  if (error instanceof NotFoundError) return mayBeInvisible;
  return error instanceof RateLimitError || error instanceof InternalServerError || error instanceof APIConnectionError;
}

export async function poll<T>(settings: PollSettings<T>): Promise<T> {
  const { timeoutMs, pollIntervalMs, signal: callerSignal } = settings;
  const startedAt = Date.now();
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  const signal = callerSignal ? AbortSignal.any([callerSignal, deadline.signal]) : deadline.signal;
  const maxInterval = Math.max(MAX_POLL_INTERVAL_MS, pollIntervalMs);
  let interval = pollIntervalMs;
  let last: T | undefined;
  let seen = false;
  let lastFailure: unknown;
  try {
    for (;;) {
      let pauseMs = interval;
      let value: T | undefined;
      let read = false;
      try {
        value = await settings.read(signal);
        read = true;
      } catch (error) {
        if (signal.aborted) throw error;
        if (!isTransient(error, !seen && Date.now() - startedAt < NOT_VISIBLE_GRACE_MS)) throw error;
        lastFailure = error;
        if (error instanceof RateLimitError) pauseMs = Math.max(pauseMs, error.retryAfterMs ?? 0);
      }
      if (read) {
        const current = value as T;
        seen = true;
        lastFailure = undefined;
        last = current;
        if (settings.observe(current)) {
          interval = pollIntervalMs;
          pauseMs = interval;
        }
        if (settings.isFinal(current)) return current;
      }
      interval = Math.min(interval * BACKOFF, maxInterval);
      await sleep(Math.min(pauseMs, MAX_TIMER_MS), signal);
    }
  } catch (error) {
    if (callerSignal?.aborted) {
      if (error instanceof APIUserAbortError) throw error;
      throw new APIUserAbortError("The wait was aborted.", { cause: callerSignal.reason });
    }
    if (deadline.signal.aborted) throw settings.timedOut(last, lastFailure);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** `"15 minutes"`, `"90 s"`: a timeout as people say it, for messages. */
export function describeMs(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? "" : "s"}`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** Adds `field` to an error thrown after a resource was created, so the caller can resume from it. */
export function withId<E>(error: E, field: "execution_id" | "batch_id", id: string): E {
  if (typeof error === "object" && error !== null && Object.isExtensible(error)) {
    const current = (error as Record<string, unknown>)[field];
    if (current === undefined) Object.defineProperty(error, field, { value: id, enumerable: true });
  }
  return error;
}
