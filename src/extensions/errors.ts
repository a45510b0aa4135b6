/**
 * The errors the SDK throws, and how a response the client cannot return becomes one.
 *
 * Contract:
 * - Everything the SDK throws on purpose is a `BolnaError`, so `catch (e) { if (e instanceof BolnaError) … }` is enough.
 * - A response the client cannot return as data is an `APIError`: a non-2xx status (a subclass chosen by status in
 *   `createAPIError`, `internal/api-error.ts`, which the client loads on the first such answer), a redirect
 *   (`RedirectError`, never followed), a body over the size cap (`ResponseTooLargeError`) or a body that is not what
 *   the spec promises (`InvalidResponseError`). It carries `status`, `headers`, a bounded `body` and a one-line
 *   message such as `404 Not Found: Batch is not queued or running (GET /batches/abc)`.
 * - Failures without a response are `APIConnectionError` (network), `APIConnectionTimeoutError` (per-attempt
 *   deadline, which covers reading the body) or `APIUserAbortError` (the caller's signal).
 * - No error shows the API key: an error built for a request redacts the request's bearer token from its message,
 *   body, headers and URL when it is created, and its `toJSON()` and `util.inspect` views redact its causes too.
 *   Messages have control characters (ANSI escapes, line breaks) replaced, so a body cannot forge log lines.
 */
import type { ExportCheckpoint } from "./export/checkpoint.js";
import type { Batch, Execution } from "../generated/schema.js";
import { boundedBody } from "./internal/error-body.js";
import { parseRetryAfterMs } from "./internal/retry-policy.js";
import { redactHeaders, redactorFor, redactValue, type Redact } from "./internal/redact.js";

/** The request that produced an error, as far as messages and error fields need it. */
export interface RequestDescription {
  method: string;
  url: string;
  /** When present (e.g. a `Request` is passed), its bearer token is redacted from everything the error shows. */
  headers?: Headers;
}

export interface BolnaErrorOptions {
  cause?: unknown;
  /** The request the error is about: its bearer token is redacted from the error. */
  request?: RequestDescription | undefined;
}

/** ANSI escape sequences (colours, cursor moves), removed whole. */
const ANSI_SEQUENCES = /\u001b\[[0-?]*[ -/]*[@-~]/g;
/** C0 and C1 controls (line breaks, ESC, …) and the marks that reorder text on a terminal, replaced by a space. */
const CONTROL_CHARACTERS = / *[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+ */g;

/** A message that prints as one line of plain text, whatever the server put in it. */
function plainLine(message: string): string {
  return message.replace(ANSI_SEQUENCES, "").replace(CONTROL_CHARACTERS, " ");
}

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** Base class of every error the SDK throws. */
export class BolnaError extends Error {
  override name = "BolnaError";
  readonly #redact: Redact;

  constructor(message: string, options: BolnaErrorOptions = {}) {
    const redact = redactorFor(options.request?.headers);
    super(plainLine(redact(message)), "cause" in options ? { cause: options.cause } : undefined);
    this.#redact = redact;
  }

  /** A copy of a JSON-like value with the request's key redacted, for subclasses storing what the server sent. */
  protected redacted(value: unknown): unknown {
    return redactValue(value, this.#redact);
  }

  protected redactedHeaders(headers: Headers): Headers {
    return redactHeaders(headers, this.#redact);
  }

  /** `JSON.stringify(error)`: name, message, the error's fields and its cause chain, with the key redacted. */
  toJSON(): Record<string, unknown> {
    const view: Record<string, unknown> = { name: this.name, message: this.message };
    for (const [key, value] of Object.entries(this))
      view[key] = value instanceof Headers ? Object.fromEntries(value) : value;
    if (this.cause !== undefined) view.cause = viewOfCause(this.cause);
    return redactValue(view, this.#redact) as Record<string, unknown>;
  }

  /** What `console.log(error)` and `util.inspect(error)` print in Node: the stack, then `toJSON()`'s fields. */
  [INSPECT](_depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
    const { name: _name, message: _message, ...fields } = this.toJSON();
    const details = Object.keys(fields).length > 0 ? ` ${inspect(fields, options)}` : "";
    return this.#redact(`${this.stack ?? `${this.name}: ${this.message}`}${details}`);
  }
}

/** Causes shown below an error; a longer (or circular) chain is cut there. */
const MAX_CAUSES = 8;

/** A cause as plain data: an SDK error's own view, another error's name, message, code and causes. */
function viewOfCause(cause: unknown, depth = 1): unknown {
  if (cause instanceof BolnaError) return cause.toJSON();
  if (!(cause instanceof Error)) return cause;
  const { code } = cause as { code?: unknown };
  const view: Record<string, unknown> = { name: cause.name, message: cause.message };
  if (code !== undefined) view.code = code;
  if (cause.cause !== undefined && depth < MAX_CAUSES) view.cause = viewOfCause(cause.cause, depth + 1);
  return view;
}

/** The caller passed something the API would reject (or mishandle); nothing was sent. */
export class BolnaInputError extends BolnaError {
  override name = "BolnaInputError";
  /** The offending argument or option, e.g. `page_size` or `maxRetries`. */
  readonly field: string;

  /** `message` should say what was wrong and what is allowed. */
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

/** The client is misconfigured (e.g. no API key); nothing was sent. */
export class ConfigurationError extends BolnaError {
  override name = "ConfigurationError";
}

/**
 * The server answered with something the client cannot return as data. Subclasses narrow the reason (a status, a
 * redirect, an oversized or malformed body).
 */
export class APIError extends BolnaError {
  override name = "APIError";
  readonly status: number;
  readonly headers: Headers;
  /**
   * Parsed JSON when the body was JSON, the raw text otherwise, `undefined` when empty. A body over 16 KiB or nested
   * over 64 levels is kept as a text excerpt ending in `…`.
   */
  readonly body: unknown;
  readonly method: string;
  readonly url: string;
  /** The `x-request-id` response header, when the server sent one (Bolna does not document one). */
  readonly requestId: string | undefined;

  constructor(message: string, status: number, headers: Headers, body: unknown, request: RequestDescription) {
    super(message, { request });
    this.status = status;
    this.headers = this.redactedHeaders(headers);
    this.body = this.redacted(boundedBody(body));
    this.method = request.method;
    this.url = this.redacted(request.url) as string;
    this.requestId = this.headers.get("x-request-id") ?? undefined;
  }
}

/** 400: a parameter is missing or invalid; `message` says which. */
export class BadRequestError extends APIError {
  override name = "BadRequestError";
}

/** 401, or 403 whose body says the key is wrong (live Bolna answers 403 `Unrecognized access token`). */
export class AuthenticationError extends APIError {
  override name = "AuthenticationError";
}

/** 403 for a valid key that may not do this (e.g. an enterprise-only endpoint). */
export class PermissionDeniedError extends APIError {
  override name = "PermissionDeniedError";
}

/** 404: no such resource, or it belongs to another account. */
export class NotFoundError extends APIError {
  override name = "NotFoundError";
}

/** 409: the resource is in a conflicting state. */
export class ConflictError extends APIError {
  override name = "ConflictError";
}

/** 422: the request was well-formed but failed validation. */
export class UnprocessableEntityError extends APIError {
  override name = "UnprocessableEntityError";
}

/** 429: over Bolna's rate limit (still possible with the client-side limiter, e.g. when several clients share a key). */
export class RateLimitError extends APIError {
  override name = "RateLimitError";
  /** How long the server asked us to wait, from `retry-after-ms` or `Retry-After`; `undefined` when it did not say. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, status: number, headers: Headers, body: unknown, request: RequestDescription) {
    super(message, status, headers, body, request);
    this.retryAfterMs = parseRetryAfterMs(headers);
  }
}

/** 5xx. Bolna also answers 500 to some bad inputs (e.g. a `Z`-suffixed `scheduled_at`). */
export class InternalServerError extends APIError {
  override name = "InternalServerError";
}

/**
 * A 3xx. The client never follows redirects: one could replay the request (a call's phone number and `user_data`)
 * to another host, or turn a `POST /call` that already dialled into a `GET` that looks like success. To follow one,
 * fetch `location` yourself; do not send the `Authorization` header to another host.
 */
export class RedirectError extends APIError {
  override name = "RedirectError";
  /**
   * The `Location` header resolved against the request URL, or `undefined` when the server sent none (or a browser
   * hid it). It is kept as sent (a pre-signed storage URL needs its query), with only the API key redacted.
   */
  readonly location: string | undefined;

  constructor(message: string, status: number, headers: Headers, body: unknown, request: RequestDescription) {
    super(message, status, headers, body, request);
    this.location = locationOf(this.headers, request.url);
  }
}

/** The response body was larger than the client's `maxResponseBytes`; `body` holds its first bytes as text. */
export class ResponseTooLargeError extends APIError {
  override name = "ResponseTooLargeError";
  readonly maxResponseBytes: number;

  constructor(response: Response, excerpt: string, maxResponseBytes: number, request: RequestDescription) {
    const limit = `${maxResponseBytes.toLocaleString("en-US")} bytes`;
    super(
      `${statusLine(response)}: the response body is larger than maxResponseBytes (${limit}); raise the client's ` +
        `maxResponseBytes if this answer is expected (${describeRequest(request)})`,
      response.status,
      response.headers,
      excerpt,
      request,
    );
    this.maxResponseBytes = maxResponseBytes;
  }
}

/** One place where a response body differs from the operation's response schema (see `validateResponses`). */
export interface ResponseMismatch {
  /** JSON pointer (RFC 6901) into the body, e.g. `/tasks/0/tools_config`; `""` is the body itself. */
  readonly pointer: string;
  /** What the spec promises there: a type (`string or null`), `present`, or `one of "a", "b"`. */
  readonly expected: string;
  /** What arrived, never quoting the value: a type (`integer`), `missing`, or `another string`. */
  readonly actual: string;
}

/** Which operation's response schema a body broke, and where (`validateResponses: "throw"`). */
export interface ResponseDrift {
  readonly operationId: string;
  /** Every mismatch found, in body order; the first is also on the error's `pointer`/`expected`/`actual`. */
  readonly mismatches: readonly ResponseMismatch[];
}

/**
 * A 2xx whose body is not what the spec promises: not JSON, empty, of the wrong top-level shape (an object where
 * the spec says array, …), or, with `validateResponses: "throw"`, breaking the operation's response schema (then
 * `operationId`, `pointer`, `expected`, `actual` and `mismatches` say where). `body` holds an excerpt of what
 * arrived.
 */
export class InvalidResponseError extends APIError {
  override name = "InvalidResponseError";
  /** The operation whose response schema the body broke; `undefined` for a body that is not JSON of the right shape. */
  readonly operationId: string | undefined;
  /** JSON pointer of the first mismatch (`validateResponses`); `undefined` otherwise. */
  readonly pointer: string | undefined;
  /** What the spec promises at `pointer`. */
  readonly expected: string | undefined;
  /** What arrived at `pointer` (a type or `missing`, never the value). */
  readonly actual: string | undefined;
  /** Every mismatch found by `validateResponses`; empty otherwise. */
  readonly mismatches: readonly ResponseMismatch[];

  constructor(response: Response, problem: string, body: unknown, request: RequestDescription, drift?: ResponseDrift) {
    super(
      `${statusLine(response)}: ${problem} (${describeRequest(request)})`,
      response.status,
      response.headers,
      body,
      request,
    );
    const [first] = drift?.mismatches ?? [];
    this.operationId = drift?.operationId;
    this.pointer = first?.pointer;
    this.expected = first?.expected;
    this.actual = first?.actual;
    this.mismatches = drift?.mismatches ?? [];
  }
}

/** The request failed without a response (DNS, refused or reset connection, …). `cause` holds the original error. */
export class APIConnectionError extends BolnaError {
  override name = "APIConnectionError";
}

/** One attempt (sending, and reading the whole body) took longer than the per-attempt timeout, and so did any retries. */
export class APIConnectionTimeoutError extends APIConnectionError {
  override name = "APIConnectionTimeoutError";
  readonly timeoutMs: number;

  constructor(timeoutMs: number, request: RequestDescription) {
    super(`Request timed out after ${timeoutMs} ms (${describeRequest(request)})`, { request });
    this.timeoutMs = timeoutMs;
  }
}

/** The caller's `AbortSignal` fired. Never retried. `cause` holds the signal's reason. */
export class APIUserAbortError extends BolnaError {
  override name = "APIUserAbortError";
}

/** A bulk export stopped (a page kept failing, or the listing contradicted itself); `checkpoint` resumes it. */
export class ExportError extends BolnaError {
  override name = "ExportError";
  readonly checkpoint: ExportCheckpoint;

  constructor(message: string, checkpoint: ExportCheckpoint, cause: unknown) {
    super(message, { cause });
    this.checkpoint = checkpoint;
  }
}

/**
 * A wait (`waitForExecution`, `makeCallAndWait`, `waitForBatch`) reached its `timeoutMs` before a final status. The
 * call or batch may still be running: nothing was stopped. Resume with the id it carries, or stop the call.
 * `cause` holds the last failed read when the final polls failed (a 429 or 5xx that outlasted the retries).
 */
export class WaitTimeoutError extends BolnaError {
  override name = "WaitTimeoutError";
  /** How long the wait lasted, in milliseconds. */
  readonly timeoutMs: number;
  /** The execution waited for (set by the execution waits). */
  readonly execution_id: string | undefined;
  /** The last execution read, or `undefined` when it never became visible (execution waits). */
  readonly execution: Execution | undefined;
  /** The batch waited for (set by `waitForBatch`). */
  readonly batch_id: string | undefined;
  /** The last batch read, or `undefined` when none was read (`waitForBatch`). */
  readonly batch: Batch | undefined;

  constructor(
    message: string,
    details: { timeoutMs: number; execution_id?: string; execution?: Execution; batch_id?: string; batch?: Batch },
    options: BolnaErrorOptions = {},
  ) {
    super(message, options);
    this.timeoutMs = details.timeoutMs;
    this.execution_id = details.execution_id;
    this.execution = details.execution;
    this.batch_id = details.batch_id;
    this.batch = details.batch;
  }
}

/** Used when `Response.statusText` is empty (HTTP/2, or a `Response` built in code). */
const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: "OK",
  201: "Created",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  408: "Request Timeout",
  409: "Conflict",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** `404 Not Found`, or the bare status when the reason phrase is unknown. */
export function statusLine(response: Response): string {
  const statusText = response.statusText || STATUS_TEXT[response.status];
  return statusText ? `${response.status} ${statusText}` : String(response.status);
}

/** `Location` resolved against the request URL (kept raw if it does not resolve). */
export function locationOf(headers: Headers, requestUrl: string): string | undefined {
  const location = headers.get("location");
  if (location === null) return undefined;
  try {
    return new URL(location, requestUrl).href;
  } catch {
    return location;
  }
}

/** `GET /batches/abc`: the path only, so neither the host nor query values end up in logs. */
export function describeRequest(request: RequestDescription): string {
  let path: string;
  try {
    path = new URL(request.url).pathname;
  } catch {
    path = request.url.split("?")[0] ?? "";
  }
  return `${request.method.toUpperCase()} ${path}`;
}
