/**
 * The retrying `fetch` that openapi-fetch calls. Retries live here because openapi-fetch's middleware cannot resend.
 *
 * Contract, per call:
 * - Every attempt first takes a slot from the rate limiter (bucket from `route`), then sends the request (a fresh
 *   clone when it has a body) with its own timeout (`timeoutMs`, until the response headers arrive) linked to the
 *   caller's signal (`request.signal` and/or `overrides.signal`): the global `fetch` gets that signal as its `init`,
 *   an injected one a `Request` carrying it.
 * - Retried, up to `maxRetries` times, on a `retrySafe` route: network errors, timeouts, 408, 409, 429 and 5xx.
 *   On a route that is not retry-safe (e.g. `POST /call`, which dials a real phone) only what cannot have reached
 *   the server is retried: 429, and a connection that failed before the request was sent (refused, DNS, connect
 *   timeout). Bolna documents no idempotency key, so a reset, a timeout or a 5xx there may mean the call happened.
 * - Waits `retry-after-ms` / `Retry-After` when the server sends one (above `maxRetryDelayMs`: no retry, the
 *   response is returned), else exponential backoff with jitter. The discarded body is cancelled before waiting.
 * - Returns the last `Response`, whatever its status (turning it into an `APIError` is the caller's job). Throws
 *   `APIUserAbortError` as soon as the caller aborts (also mid-backoff; never retried), `APIConnectionTimeoutError`
 *   or `APIConnectionError` (with `cause`) when the last attempt got no response.
 */
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  BolnaInputError,
  ConfigurationError,
  describeRequest,
  parseRetryAfterMs,
} from "./errors.js";
import { MAX_TIMER_MS, sleep, type RateLimiter, type Sleep } from "./rate-limit.js";

/** What the generated metadata knows about the operation a request belongs to. */
export interface RouteInfo {
  retrySafe: boolean;
  bucket: string;
  requestsPerMinute: number;
}

export interface TransportOptions {
  /** Default: the global `fetch`, looked up per call so test doubles installed later still apply. */
  fetch?: ((request: Request) => Promise<Response>) | undefined;
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number | undefined;
  /** Per attempt, until the response headers arrive. Default 60 000. */
  timeoutMs?: number | undefined;
  /** Cap on backoff and on server-requested waits; a longer `Retry-After` ends the retries. Default 60 000. */
  maxRetryDelayMs?: number | undefined;
  route: (method: string, url: URL) => RouteInfo;
  /** Omit to send without client-side rate limiting. */
  rateLimiter?: RateLimiter | undefined;
  /** Jitter source in [0, 1). Default `Math.random`. */
  random?: (() => number) | undefined;
  /** The backoff wait. Default: a timer cancelled by the caller's signal. */
  sleep?: Sleep | undefined;
}

/** Per-request settings; they win over the transport's. */
export interface RequestOverrides {
  maxRetries?: number | undefined;
  timeoutMs?: number | undefined;
  /** Cap on this request's backoff and server-requested waits (see `TransportOptions.maxRetryDelayMs`). */
  maxRetryDelayMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

export type Transport = (request: Request, overrides?: RequestOverrides) => Promise<Response>;

const BASE_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8_000;
/** Jitter only shortens a wait, by up to this fraction, so clients that failed together spread out. */
const JITTER = 0.25;

/**
 * Error codes (on the error or its `cause` chain) meaning no byte of the request reached the server, so even a
 * call that must not run twice can be retried. A reset or a socket error after connecting is not among them.
 */
const NOT_SENT_CODES: ReadonlySet<string> = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);

/** What one attempt produced: a response, or a failure and whether policy allows another attempt. */
type Outcome = { response: Response } | { error: APIConnectionError; retryable: boolean };

export function createTransport(options: TransportOptions): Transport {
  const injectedFetch = options.fetch;
  // `fetch(request, { signal })` is specified as `fetch(new Request(request, { signal }))`, and building that Request
  // is one of the costliest steps of a request, so the global fetch gets the signal as `init` and builds it once.
  // An injected fetch takes only a Request, so it gets one carrying the signal.
  const send = injectedFetch
    ? (request: Request, signal: AbortSignal) => injectedFetch(new Request(request, { signal }))
    : (request: Request, signal: AbortSignal) => globalThis.fetch(request, { signal });
  const defaultMaxRetries = setting("maxRetries", options.maxRetries ?? 2, 0, configError);
  const defaultTimeoutMs = setting("timeoutMs", options.timeoutMs ?? 60_000, 1, configError);
  const maxRetryDelayMs = setting("maxRetryDelayMs", options.maxRetryDelayMs ?? 60_000, 0, configError);
  const { route, rateLimiter } = options;
  const random = options.random ?? Math.random;
  const wait = options.sleep ?? sleep;

  function backoffMs(retry: number, capMs: number): number {
    const base = Math.min(BASE_BACKOFF_MS * 2 ** retry, MAX_BACKOFF_MS, capMs);
    return base * (1 - random() * JITTER);
  }

  /** How long to wait before retrying after `response`, or `undefined` to return it as it is. */
  function retryDelayFor(response: Response, info: RouteInfo, retry: number, capMs: number): number | undefined {
    const { status } = response;
    const retryable = status === 429 || (info.retrySafe && (status === 408 || status === 409 || status >= 500));
    if (!retryable) return undefined;
    const requested = parseRetryAfterMs(response.headers);
    if (requested === undefined) return backoffMs(retry, capMs);
    return requested <= capMs ? requested : undefined;
  }

  async function attempt(request: Request, info: RouteInfo, timeoutMs: number, signal: AbortSignal): Promise<Outcome> {
    if (signal.aborted) throw userAbort(request, signal);
    // A body can be read only once, so an attempt with one sends a copy (which keeps FormData's boundary header).
    const source = request.body === null ? request : request.clone();
    // One controller per attempt, aborted by the caller's signal or by the timeout (a listener and a timer cost far
    // less than the `AbortSignal.any` every request would otherwise pay for). Either also rejects the attempt at
    // once, so both hold even with a fetch that ignores its signal.
    const controller = new AbortController();
    let rejectAttempt: (reason: unknown) => void = () => undefined;
    const stop = (reason?: unknown): void => {
      controller.abort(reason);
      rejectAttempt(reason);
    };
    const onAbort = (): void => stop(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(stop, timeoutMs);
    try {
      const response = await new Promise<Response>((resolve, reject) => {
        rejectAttempt = reject;
        send(source, controller.signal).then(resolve, reject);
      });
      return { response };
    } catch (error) {
      if (signal.aborted) throw userAbort(request, signal);
      if (controller.signal.aborted) {
        // The server may have started on it, so only a retry-safe route may try again.
        return { error: new APIConnectionTimeoutError(timeoutMs, request), retryable: info.retrySafe };
      }
      const failure = new APIConnectionError(`Connection error (${describeRequest(request)}): ${causeText(error)}`, {
        cause: error,
      });
      return { error: failure, retryable: info.retrySafe || failedBeforeSend(error) };
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    }
  }

  /** Runs `step`, turning a rejection caused by the caller's abort into `APIUserAbortError`. */
  async function abortable(request: Request, signal: AbortSignal, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      if (signal.aborted) throw userAbort(request, signal);
      throw error;
    }
  }

  return async function transport(request, overrides = {}) {
    const maxRetries = setting("maxRetries", overrides.maxRetries ?? defaultMaxRetries, 0, inputError);
    const timeoutMs = setting("timeoutMs", overrides.timeoutMs ?? defaultTimeoutMs, 1, inputError);
    const retryCapMs = setting("maxRetryDelayMs", overrides.maxRetryDelayMs ?? maxRetryDelayMs, 0, inputError);
    const signal = overrides.signal ? AbortSignal.any([request.signal, overrides.signal]) : request.signal;
    const info = route(request.method, new URL(request.url));

    for (let retry = 0; ; retry++) {
      if (signal.aborted) throw userAbort(request, signal);
      if (rateLimiter) {
        await abortable(request, signal, () => rateLimiter.acquire(info.bucket, info.requestsPerMinute, signal));
      }
      const outcome = await attempt(request, info, timeoutMs, signal);
      const canRetry = retry < maxRetries;
      let delayMs: number;
      if ("response" in outcome) {
        const retryIn = canRetry ? retryDelayFor(outcome.response, info, retry, retryCapMs) : undefined;
        if (retryIn === undefined) return outcome.response;
        // Free the connection now rather than when the garbage collector finds the abandoned body.
        await outcome.response.body?.cancel().catch(() => undefined);
        delayMs = retryIn;
      } else {
        if (!canRetry || !outcome.retryable) throw outcome.error;
        delayMs = backoffMs(retry, retryCapMs);
      }
      await abortable(request, signal, () => wait(delayMs, signal));
    }
  };
}

/** True when the failure is known to have happened before any of the request reached the server. */
function failedBeforeSend(error: unknown): boolean {
  // undici wraps the socket error: TypeError("fetch failed", { cause: Error{ code: "ECONNREFUSED" } }).
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    const { code, errors, cause } = current as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof code === "string") return NOT_SENT_CODES.has(code);
    // Node's happy-eyeballs connect reports one failure per address in an AggregateError.
    if (Array.isArray(errors) && errors.length > 0) return errors.every(failedBeforeSend);
    current = cause;
  }
  return false;
}

/** `fetch failed: connect ECONNREFUSED 127.0.0.1:443` — undici's own message hides the useful part in `cause`. */
function causeText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}

function userAbort(request: Request, signal: AbortSignal): APIUserAbortError {
  return new APIUserAbortError(`Request was aborted (${describeRequest(request)})`, { cause: signal.reason });
}

type InvalidSetting = (field: string, message: string) => Error;
const configError: InvalidSetting = (_field, message) => new ConfigurationError(message);
const inputError: InvalidSetting = (field, message) => new BolnaInputError(field, message);

/** `value` if it is an integer in [min, MAX_TIMER_MS] (larger delays would make Node fire timers at once). */
function setting(field: string, value: number, min: number, invalid: InvalidSetting): number {
  if (!Number.isInteger(value) || value < min || value > MAX_TIMER_MS) {
    throw invalid(field, `${field} must be an integer from ${min} to ${MAX_TIMER_MS} (got ${value})`);
  }
  return value;
}
