/**
 * The retrying `fetch` under every call: openapi-fetch's (raw calls, and generated methods once middleware is
 * registered) and the generated methods' own `RequestParts` (`direct-request.ts`). Retries live here because
 * openapi-fetch's middleware cannot resend.
 *
 * Contract, per call:
 * - Every attempt first takes a slot from the rate limiter (bucket from `route`) and frees it when the response
 *   headers arrive or the attempt fails. It sends the request (a `Request` as a fresh clone when it has a body;
 *   `RequestParts` as `fetch(url, init)`) with `redirect: "manual"`, so a 3xx comes back as it is and is never
 *   followed (see `RedirectError`).
 * - Each attempt has its own deadline (`timeoutMs`) covering the headers *and* the whole body, linked to the caller's
 *   signal (`request.signal` and/or `overrides.signal`), which therefore also works mid-body: the global `fetch` gets
 *   the signal as its `init`, an injected one a `Request` carrying it. Both also reject the attempt at once, so they
 *   hold even with a fetch that ignores its signal.
 * - The returned `Response` holds its body in memory, read in full under that deadline; more than `maxResponseBytes`
 *   throws `ResponseTooLargeError` (never retried).
 * - What is retried, how long to wait and the cap on the wait are the retry policy's (`retry-policy.ts`), with
 *   `maxRetries` and `maxRetryDelayMs` from the transport's options or the request's overrides. A discarded body is
 *   cancelled before waiting.
 * - Returns the last `Response`, whatever its status (turning it into an `APIError` is the caller's job). Throws
 *   `APIUserAbortError` as soon as the caller aborts (also mid-backoff or mid-body; never retried),
 *   `APIConnectionTimeoutError` or `APIConnectionError` (with `cause`) when the last attempt got no complete response.
 */
import { isIntegerIn } from "./guards.js";
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  BolnaInputError,
  ConfigurationError,
  ResponseTooLargeError,
  describeRequest,
} from "../errors.js";
import type { AttemptLog } from "../logger.js";
import { MAX_TIMER_MS, sleep, type RateLimiter, type Release, type Sleep } from "./rate-limit.js";
import { readBody } from "./read-body.js";
import type { OutgoingRequest } from "./request-parts.js";
import {
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_RETRY_DELAY_MS,
  backoffMs,
  failedBeforeSend,
  isRetryableFailure,
  retryDelayAfter,
  type AttemptFailure,
} from "./retry-policy.js";

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
  /** Per attempt, until the whole body has arrived. Default 60 000. */
  timeoutMs?: number | undefined;
  /** Cap on backoff and on server-requested waits; a longer `Retry-After` ends the retries. Default 60 000. */
  maxRetryDelayMs?: number | undefined;
  /** Largest response body read; a larger one is a `ResponseTooLargeError`. Default 32 MiB. */
  maxResponseBytes?: number | undefined;
  route: (method: string, url: URL) => RouteInfo;
  /** Omit to send without client-side rate limiting. */
  rateLimiter?: RateLimiter | undefined;
  /** Jitter source in [0, 1). Default `Math.random`. */
  random?: (() => number) | undefined;
  /** The backoff wait. Default: a timer cancelled by the caller's signal. */
  sleep?: Sleep | undefined;
  /** Called after every attempt (see `logger.ts`); omit for no logging. */
  log?: AttemptLog | undefined;
}

/** Per-request settings; they win over the transport's. */
export interface RequestOverrides {
  maxRetries?: number | undefined;
  timeoutMs?: number | undefined;
  maxRetryDelayMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** The request's operation, when the caller knows it (a generated method): saves matching its URL. */
  route?: RouteInfo | undefined;
}

export type Transport = (request: OutgoingRequest, overrides?: RequestOverrides) => Promise<Response>;

/** Well above the largest real answer (a page of 50 executions with transcripts is a few MB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** What one attempt produced: a final response, a response to retry after a wait, or a failure. */
type Outcome =
  | { response: Response }
  | { retryInMs: number; status: number }
  | { error: APIConnectionError; failure: AttemptFailure };

interface AttemptSettings {
  timeoutMs: number;
  maxRetryDelayMs: number;
  /** False on the last allowed attempt: whatever arrives is final. */
  mayRetry: boolean;
  retry: number;
}

const NOT_LIMITED: Release = () => undefined;

export function createTransport(options: TransportOptions): Transport {
  const injectedFetch = options.fetch;
  /**
   * Sends one attempt. `fetch(input, init)` is specified as `fetch(new Request(input, init))`, and building that
   * Request is one of the costliest steps of a request, so the global fetch gets `input` and `init` and builds it once
   * (from the URL for `RequestParts`). An injected fetch takes only a Request, so it gets one carrying the signal.
   * A body can be read only once, so a `Request` with one is sent as a copy (which keeps FormData's boundary header);
   * the parts' string or FormData body is sent again as it is.
   */
  const send = (request: OutgoingRequest, signal: AbortSignal): Promise<Response> => {
    const [input, init]: [RequestInfo, RequestInit] =
      request instanceof Request
        ? [request.body === null ? request : request.clone(), { signal, redirect: "manual" }]
        : [request.url, { ...request, signal, redirect: "manual" }];
    return injectedFetch ? injectedFetch(new Request(input, init)) : globalThis.fetch(input, init);
  };
  const defaultMaxRetries = setting("maxRetries", options.maxRetries ?? DEFAULT_MAX_RETRIES, 0, configError);
  const defaultTimeoutMs = setting("timeoutMs", options.timeoutMs ?? 60_000, 1, configError);
  const defaultMaxRetryDelayMs = setting(
    "maxRetryDelayMs",
    options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS,
    0,
    configError,
  );
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!isIntegerIn(maxResponseBytes, 1, Number.MAX_SAFE_INTEGER)) {
    throw new ConfigurationError(`maxResponseBytes must be a positive integer (got ${maxResponseBytes})`);
  }
  const { route, rateLimiter } = options;
  const random = options.random ?? Math.random;
  const wait = options.sleep ?? sleep;
  const { log } = options;

  async function attempt(
    request: OutgoingRequest,
    info: RouteInfo,
    settings: AttemptSettings,
    signal: AbortSignal | undefined,
  ): Promise<Outcome> {
    const release = rateLimiter
      ? await abortable(request, signal, () => rateLimiter.acquire(info.bucket, info.requestsPerMinute, signal))
      : NOT_LIMITED;
    if (signal?.aborted) {
      release({ sent: false });
      throw userAbort(request, signal);
    }
    // One controller per attempt, aborted by the caller's signal or by the deadline (a listener and a timer cost far
    // less than the `AbortSignal.any` every request would otherwise pay for). A call without a signal of its own
    // (a generated method called without `signal`) needs no listener at all.
    const controller = new AbortController();
    const stopper: Stopper = { controller, reject: undefined };
    const onAbort = (): void => stop(stopper, signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(stop, settings.timeoutMs, stopper);
    try {
      let response: Response;
      try {
        response = await unlessStopped(send(request, controller.signal), stopper);
      } catch (error) {
        // A refused connection never reached the server, so it frees its slot at once; anything else may have.
        release({ sent: !failedBeforeSend(error) });
        throw error;
      }
      release();
      const retryInMs = settings.mayRetry
        ? retryDelayAfter(response, info.retrySafe, settings.retry, settings.maxRetryDelayMs, random)
        : undefined;
      if (retryInMs !== undefined) {
        // Free the connection now rather than when the garbage collector finds the abandoned body.
        await response.body?.cancel().catch(() => undefined);
        return { retryInMs, status: response.status };
      }
      // fetch errors the body stream when its signal aborts; an injected fetch may not, so that read is guarded.
      const reading = readBody(response, maxResponseBytes, request, controller.signal);
      return { response: await (injectedFetch ? unlessStopped(reading, stopper) : reading) };
    } catch (error) {
      if (error instanceof ResponseTooLargeError) throw error;
      if (signal?.aborted) throw userAbort(request, signal);
      if (controller.signal.aborted) {
        return { error: new APIConnectionTimeoutError(settings.timeoutMs, request), failure: { kind: "timeout" } };
      }
      const failure = new APIConnectionError(`Connection error (${describeRequest(request)}): ${causeText(error)}`, {
        cause: error,
        request,
      });
      return { error: failure, failure: { kind: "connection", error } };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Runs `step`, turning a rejection caused by the caller's abort into `APIUserAbortError`. */
  async function abortable<T>(
    request: OutgoingRequest,
    signal: AbortSignal | undefined,
    step: () => Promise<T>,
  ): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (signal?.aborted) throw userAbort(request, signal);
      throw error;
    }
  }

  return async function transport(request, overrides = {}) {
    // The defaults were checked when the transport was made; only a request's own values need checking.
    const maxRetries = override("maxRetries", overrides.maxRetries, defaultMaxRetries, 0);
    const timeoutMs = override("timeoutMs", overrides.timeoutMs, defaultTimeoutMs, 1);
    const maxRetryDelayMs = override("maxRetryDelayMs", overrides.maxRetryDelayMs, defaultMaxRetryDelayMs, 0);
    // A `Request` always has a signal (often one nobody can abort); `RequestParts` has none.
    const own = request instanceof Request ? request.signal : undefined;
    const signal = own && overrides.signal ? AbortSignal.any([own, overrides.signal]) : (overrides.signal ?? own);
    const info = overrides.route ?? route(request.method, new URL(request.url));

    for (let retry = 0; ; retry++) {
      if (signal?.aborted) throw userAbort(request, signal);
      const mayRetry = retry < maxRetries;
      const startedAt = log ? performance.now() : 0;
      const outcome = await attempt(request, info, { timeoutMs, maxRetryDelayMs, mayRetry, retry }, signal);
      const logged = { request, attempt: retry + 1, maxAttempts: maxRetries + 1, startedAt };
      if ("response" in outcome) {
        if (log) await log({ ...logged, response: outcome.response, status: outcome.response.status, final: true });
        return outcome.response;
      }
      let delayMs: number;
      if ("retryInMs" in outcome) {
        delayMs = outcome.retryInMs;
        if (log) await log({ ...logged, status: outcome.status, retryInMs: delayMs, final: false });
      } else {
        const final = !mayRetry || !isRetryableFailure(outcome.failure, info.retrySafe);
        delayMs = final ? 0 : backoffMs(retry, maxRetryDelayMs, random);
        if (log)
          await log({ ...logged, failure: outcome.error.message, ...(final ? {} : { retryInMs: delayMs }), final });
        if (final) throw outcome.error;
      }
      await abortable(request, signal, () => wait(delayMs, signal));
    }
  };
}

/** One attempt's way to stop: its controller (the fetch's signal) and the rejection of the step it is waiting on. */
interface Stopper {
  controller: AbortController;
  reject: ((reason: unknown) => void) | undefined;
}

/** Aborts the attempt's fetch and rejects the step it waits on at once, even if that step ignores the signal. */
function stop(stopper: Stopper, reason?: unknown): void {
  stopper.controller.abort(reason);
  stopper.reject?.(reason);
}

/** `work`, or a rejection as soon as the attempt is stopped. */
function unlessStopped<T>(work: Promise<T>, stopper: Stopper): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    stopper.reject = reject;
    if (stopper.controller.signal.aborted) reject(stopper.controller.signal.reason);
    work.then(resolve, reject);
  });
}

/** `fetch failed: connect ECONNREFUSED 127.0.0.1:443` — undici's own message hides the useful part in `cause`. */
function causeText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}

function userAbort(request: OutgoingRequest, signal: AbortSignal): APIUserAbortError {
  return new APIUserAbortError(`Request was aborted (${describeRequest(request)})`, { cause: signal.reason, request });
}

type InvalidSetting = (field: string, message: string) => Error;
const configError: InvalidSetting = (_field, message) => new ConfigurationError(message);
const inputError: InvalidSetting = (field, message) => new BolnaInputError(field, message);

/** A request's own setting, checked, or the transport's (already checked) default. */
function override(field: string, value: number | undefined, fallback: number, min: number): number {
  return value === undefined ? fallback : setting(field, value, min, inputError);
}

/** `value` if it is an integer in [min, MAX_TIMER_MS] (larger delays would make Node fire timers at once). */
function setting(field: string, value: number, min: number, invalid: InvalidSetting): number {
  if (!isIntegerIn(value, min, MAX_TIMER_MS)) {
    throw invalid(field, `${field} must be an integer from ${min} to ${MAX_TIMER_MS} (got ${value})`);
  }
  return value;
}
