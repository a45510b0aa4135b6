/**
 * The SDK's one retry policy: which outcomes of an attempt are retried, how long to wait before the next one, and the
 * cap on every wait. The transport applies it per request; layers above the transport (pagination, the bulk export)
 * do not retry on their own but pass per-request `maxRetries` / `maxRetryDelayMs` down, so attempts never multiply.
 *
 * - Retry-safe operations (`x-bolna-retry-safe: true`) are retried on connection errors, timeouts, 408, 409, 429
 *   and 5xx. The others (e.g. `POST /call`, which dials a real phone) only on what cannot have reached the server:
 *   429, and a connection that failed before the request was sent. Bolna documents no idempotency key, so a reset,
 *   a timeout or a 5xx there may mean the call happened.
 * - Nothing else is retried: not a 3xx (redirects are never followed), not another 4xx, not a body over the size cap.
 * - The wait is the server's `retry-after-ms` / `Retry-After` when it sends one, else exponential backoff
 *   (0.5 s × 2ⁿ, at most 8 s) shortened by up to 25% jitter. Every wait is capped by `maxRetryDelayMs`; a server
 *   asking for longer ends the retries and its response is returned as it is.
 */
import { isObject } from "./guards.js";

export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_MAX_RETRY_DELAY_MS = 60_000;

const BASE_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8_000;
/** Jitter only shortens a wait, by up to this fraction, so clients that failed together spread out. */
const JITTER = 0.25;

/**
 * Error codes (on the error or its `cause` chain) meaning no byte of the request reached the server, so even a
 * call that must not run twice can be retried. A reset or a socket error after connecting is not among them.
 */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** How one attempt of a request went, as far as the policy needs to know. */
export type AttemptFailure = { kind: "timeout" } | { kind: "connection"; error: unknown };

/** True when a response with this status may be retried on a route with this retry safety. */
export function isRetryableStatus(status: number, retrySafe: boolean): boolean {
  return status === 429 || (retrySafe && (status === 408 || status === 409 || status >= 500));
}

/** True when an attempt that got no response may be retried. */
export function isRetryableFailure(failure: AttemptFailure, retrySafe: boolean): boolean {
  return retrySafe || (failure.kind === "connection" && failedBeforeSend(failure.error));
}

/** True when the failure is known to have happened before any of the request reached the server. */
export function failedBeforeSend(error: unknown): boolean {
  // undici wraps the socket error: TypeError("fetch failed", { cause: Error{ code: "ECONNREFUSED" } }).
  let current: unknown = error;
  for (let depth = 0; depth < 4 && isObject(current); depth++) {
    const { code, errors, cause } = current;
    if (typeof code === "string") return NOT_SENT_CODES.has(code);
    // Node's happy-eyeballs connect reports one failure per address in an AggregateError.
    if (Array.isArray(errors) && errors.length > 0) return errors.every(failedBeforeSend);
    current = cause;
  }
  return false;
}

/** The wait before retry number `retry + 1` (0-based `retry`), without a server-requested wait. */
export function backoffMs(retry: number, maxRetryDelayMs: number, random: () => number): number {
  const base = Math.min(BASE_BACKOFF_MS * 2 ** retry, MAX_BACKOFF_MS, maxRetryDelayMs);
  return base * (1 - random() * JITTER);
}

/** How long to wait before retrying after `response`, or `undefined` to return it as it is. */
export function retryDelayAfter(
  response: Response,
  retrySafe: boolean,
  retry: number,
  maxRetryDelayMs: number,
  random: () => number,
): number | undefined {
  if (!isRetryableStatus(response.status, retrySafe)) return undefined;
  const requested = parseRetryAfterMs(response.headers);
  if (requested === undefined) return backoffMs(retry, maxRetryDelayMs, random);
  return requested <= maxRetryDelayMs ? requested : undefined;
}

/**
 * Milliseconds the server asked us to wait, or `undefined` when absent, unparsable, negative or in the past.
 * Reads `retry-after-ms` (non-standard, used by some gateways) first, then `Retry-After` as (possibly
 * fractional) seconds or as an HTTP date relative to `now`.
 */
export function parseRetryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = parseNonNegative(headers.get("retry-after-ms"));
  if (ms !== undefined) return ms;
  const retryAfter = headers.get("retry-after");
  if (retryAfter === null) return undefined;
  const seconds = parseNonNegative(retryAfter);
  if (seconds !== undefined) return seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) || date < now ? undefined : date - now;
}

const DECIMAL = /^\s*\d+(\.\d+)?\s*$/;

function parseNonNegative(value: string | null): number | undefined {
  return value !== null && DECIMAL.test(value) ? Number(value) : undefined;
}
