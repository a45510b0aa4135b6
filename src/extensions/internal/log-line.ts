/**
 * Writes one attempt's line (see `logger.ts` for what goes where), loaded the first time a client with logging on
 * writes one, so a client that does not log does not carry it. The path, failure and bodies go through the redactor
 * of the key the request carried.
 */
import { RANK, type AttemptRecord, type LogDetails, type Logger, type LogLevel } from "../logger.js";
import { redactorFor } from "./redact.js";

export interface LineSettings {
  logger: Logger;
  /** The rank of the least severe level written. */
  threshold: number;
  logBodies: boolean;
}

const MAX_BODY_CHARS = 2_000;

export async function writeLine(record: AttemptRecord, settings: LineSettings): Promise<void> {
  const { logger, threshold, logBodies } = settings;
  const lineLevel = levelOf(record);
  if (RANK[lineLevel] > threshold) return;
  const redact = redactorFor(record.request.headers);
  const url = new URL(record.request.url);
  const details: LogDetails = {
    method: record.request.method,
    path: redact(`${url.pathname}${url.search}`),
    attempt: record.attempt,
    maxAttempts: record.maxAttempts,
    durationMs: Math.round(performance.now() - record.startedAt),
  };
  if (record.status !== undefined) details.status = record.status;
  if (record.retryInMs !== undefined) details.retryInMs = record.retryInMs;
  if (record.failure !== undefined) details.failure = redact(record.failure);
  if (logBodies) {
    const { request } = record;
    // `RequestParts` keeps the body as sent (a string or FormData), a `Request` as a stream to copy.
    const requestBody = await bodyText(request instanceof Request ? request : new Request(request.url, request));
    if (requestBody) details.requestBody = redact(requestBody);
    const responseBody = record.response && (await bodyText(record.response));
    if (responseBody) details.responseBody = redact(responseBody);
  }
  logger[lineLevel](message(details), details);
}

function levelOf(record: AttemptRecord): Exclude<LogLevel, "off"> {
  if (!record.final) return "info";
  if (record.failure !== undefined) return "error";
  const status = record.status ?? 0;
  return status === 429 || status >= 500 ? "warn" : "debug";
}

/** `GET /v2/agent/1 attempt 1/3 → 503 in 42 ms; retrying in 512 ms` */
function message(details: LogDetails): string {
  const outcome = details.status === undefined ? `failed (${details.failure ?? "no response"})` : `${details.status}`;
  const next = details.retryInMs === undefined ? "" : `; retrying in ${details.retryInMs} ms`;
  return `bolna: ${details.method} ${details.path} attempt ${details.attempt}/${details.maxAttempts} → ${outcome} in ${details.durationMs} ms${next}`;
}

/** A truncated copy of a body that is still unread (the original stays readable). */
async function bodyText(message: Request | Response): Promise<string | undefined> {
  if (message.body === null || message.bodyUsed) return undefined;
  try {
    const text = await message.clone().text();
    return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}… (${text.length} chars)` : text;
  } catch {
    return undefined;
  }
}
