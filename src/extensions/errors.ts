/**
 * The errors the SDK throws, and how an HTTP error response becomes one.
 *
 * Contract:
 * - Everything the SDK throws on purpose is a `BolnaError`, so `catch (e) { if (e instanceof BolnaError) … }` is enough.
 * - A non-2xx response becomes an `APIError` subclass chosen by status (`createAPIError`). It carries `status`,
 *   `headers`, the parsed `body` and a one-line message such as
 *   `404 Not Found: Batch is not queued or running (GET /batches/abc)`.
 * - Failures without a response are `APIConnectionError` (network), `APIConnectionTimeoutError` (per-attempt timeout)
 *   or `APIUserAbortError` (the caller's signal).
 * - No message ever contains the API key: the key travels only in the `Authorization` header, messages name the
 *   path but never the headers, and a bearer token echoed back in a body is redacted.
 */

/** Base class of every error the SDK throws. */
export class BolnaError extends Error {
  override name = "BolnaError";
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

/** The request that produced an error, as far as messages and error fields need it. */
export interface RequestDescription {
  method: string;
  url: string;
  /** When present (e.g. a `Request` is passed), its bearer token is redacted from the message. */
  headers?: Headers;
}

/** The server answered with a non-2xx status. Subclasses narrow the status. */
export class APIError extends BolnaError {
  override name = "APIError";
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON when the body was JSON, the raw text otherwise, `undefined` when empty. */
  readonly body: unknown;
  readonly method: string;
  readonly url: string;
  /** The `x-request-id` response header, when the server sent one (Bolna does not document one). */
  readonly requestId: string | undefined;

  constructor(message: string, status: number, headers: Headers, body: unknown, request: RequestDescription) {
    super(message);
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.method = request.method;
    this.url = request.url;
    this.requestId = headers.get("x-request-id") ?? undefined;
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

/** The request failed without a response (DNS, refused or reset connection, …). `cause` holds the original error. */
export class APIConnectionError extends BolnaError {
  override name = "APIConnectionError";
}

/** One attempt took longer than the per-attempt timeout (and retries, if allowed, did too). */
export class APIConnectionTimeoutError extends APIConnectionError {
  override name = "APIConnectionTimeoutError";
  readonly timeoutMs: number;

  constructor(timeoutMs: number, request: RequestDescription) {
    super(`Request timed out after ${timeoutMs} ms (${describeRequest(request)})`);
    this.timeoutMs = timeoutMs;
  }
}

/** The caller's `AbortSignal` fired. Never retried. `cause` holds the signal's reason. */
export class APIUserAbortError extends BolnaError {
  override name = "APIUserAbortError";
}

/** Longest error text copied from a body into a message; bodies can be whole HTML error pages. */
const MAX_MESSAGE_CHARS = 500;

/**
 * The human-readable part of a Bolna error body, or `undefined` when there is none.
 *
 * Bolna's bodies are heterogeneous, so this reads, in order: `message`; `detail` (a string, or FastAPI's
 * `[{loc, msg}]` list as `loc: msg; …`); `error` when it is a string (it is sometimes an integer code);
 * raw text; and, for any other non-empty object, its JSON.
 */
export function readErrorMessage(body: unknown): string | undefined {
  if (typeof body === "string") return cap(body);
  if (typeof body !== "object" || body === null) return undefined;
  const fields = body as Record<string, unknown>;
  return (
    asText(fields["message"]) ??
    readDetail(fields["detail"]) ??
    asText(fields["error"]) ??
    (Object.keys(fields).length > 0 ? cap(JSON.stringify(body)) : undefined)
  );
}

function readDetail(detail: unknown): string | undefined {
  if (!Array.isArray(detail)) return asText(detail);
  const parts = detail.map((item: unknown) => {
    if (typeof item !== "object" || item === null) return String(item);
    const { loc, msg } = item as { loc?: unknown; msg?: unknown };
    const where = Array.isArray(loc) ? loc.join(".") : undefined;
    const what = typeof msg === "string" ? msg : JSON.stringify(item);
    return where ? `${where}: ${what}` : what;
  });
  return cap(parts.join("; "));
}

function asText(value: unknown): string | undefined {
  return typeof value === "string" ? cap(value) : undefined;
}

function cap(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  return trimmed.length > MAX_MESSAGE_CHARS ? `${trimmed.slice(0, MAX_MESSAGE_CHARS)}…` : trimmed;
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

type APIErrorClass = new (
  message: string,
  status: number,
  headers: Headers,
  body: unknown,
  request: RequestDescription,
) => APIError;

const CLASS_BY_STATUS: Readonly<Record<number, APIErrorClass>> = {
  400: BadRequestError,
  401: AuthenticationError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** Wording of a 403 body that means "bad key", not "not allowed". */
const BAD_CREDENTIAL = /token|api[\s_-]?key|credential|unrecogni[sz]ed|unauthori[sz]ed|unauthenticated/i;

function classFor(status: number, message: string | undefined): APIErrorClass {
  if (status === 403) {
    return message !== undefined && BAD_CREDENTIAL.test(message) ? AuthenticationError : PermissionDeniedError;
  }
  if (status >= 500) return InternalServerError;
  return CLASS_BY_STATUS[status] ?? APIError;
}

/** Used when `Response.statusText` is empty (HTTP/2, or a `Response` built in code). */
const STATUS_TEXT: Readonly<Record<number, string>> = {
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

/**
 * The `APIError` subclass for a non-2xx `response` whose body the caller has already read and parsed
 * (`body`: JSON value, raw text, or `undefined`). Passing the `Request` itself as `request` also redacts its
 * bearer token from the message should the server echo it.
 */
export function createAPIError(response: Response, body: unknown, request: RequestDescription): APIError {
  const { status } = response;
  const detail = readErrorMessage(body);
  const statusText = response.statusText || STATUS_TEXT[status];
  const head = statusText ? `${status} ${statusText}` : String(status);
  const message = `${head}${detail === undefined ? "" : `: ${detail}`} (${describeRequest(request)})`;
  const ErrorClass = classFor(status, detail);
  return new ErrorClass(redactBearer(message, request.headers), status, response.headers, body, request);
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

function redactBearer(message: string, headers: Headers | undefined): string {
  const token = headers?.get("authorization")?.replace(/^\s*bearer\s+/i, "").trim();
  return token ? message.split(token).join("[redacted]") : message;
}
