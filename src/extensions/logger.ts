/**
 * The client's log: one line per attempt, written by the transport to a `logger` (default `console`) at or above
 * `logLevel` (default `"off"`; `BOLNA_LOG` sets it from the environment).
 *
 * What goes where:
 * - `debug`: every attempt: method, path and query, status, attempt number, time taken; with `logBodies`, the request
 *   and response bodies (truncated).
 * - `info`: an attempt that will be retried, with its backoff delay.
 * - `warn`: a request that ended with a 429 or a 5xx (after any retries).
 * - `error`: a request that ended without a response (connection error or timeout) after its last attempt.
 *
 * A line never carries the API key: headers are not logged, and the path and bodies are passed through the
 * redactor of the key the request carried.
 */
import { ConfigurationError } from "./errors.js";
import type { OutgoingRequest } from "./internal/request-parts.js";

/** Anything with `console`'s four methods: `console` itself, pino, winston, a test spy. */
export interface Logger {
  debug(message: string, details?: LogDetails): void;
  info(message: string, details?: LogDetails): void;
  warn(message: string, details?: LogDetails): void;
  error(message: string, details?: LogDetails): void;
}

export type LogLevel = "off" | "error" | "warn" | "info" | "debug";

/** The structured part of a log line (the message says the same in words). */
export interface LogDetails {
  method: string;
  /** Path and query, without the origin. */
  path: string;
  /** 1 for the first try. */
  attempt: number;
  /** Attempts this request may make (`maxRetries` + 1). */
  maxAttempts: number;
  /** Time from the start of the attempt (including any rate-limit wait) to its response or failure. */
  durationMs: number;
  status?: number;
  /** Backoff before the next attempt, when there is one. */
  retryInMs?: number;
  /** What failed, for an attempt without a response. */
  failure?: string;
  requestBody?: string;
  responseBody?: string;
}

export interface LogOptions {
  logger?: Logger | undefined;
  logLevel?: LogLevel | undefined;
  logBodies?: boolean | undefined;
}

export const RANK: Readonly<Record<LogLevel, number>> = { off: 0, error: 1, warn: 2, info: 3, debug: 4 };
export const LOG_LEVELS = Object.keys(RANK) as LogLevel[];

/** Longest body excerpt a line carries. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === "string" && Object.hasOwn(RANK, value);
}

/** What one finished attempt produced, as the transport knows it. */
export interface AttemptRecord {
  request: OutgoingRequest;
  attempt: number;
  maxAttempts: number;
  startedAt: number;
  response?: Response | undefined;
  status?: number | undefined;
  retryInMs?: number | undefined;
  failure?: string | undefined;
  /** No further attempt follows (the outcome is the caller's). */
  final: boolean;
}

/** Writes one attempt's line; `undefined` when logging is off, so the transport pays nothing. */
export type AttemptLog = (record: AttemptRecord) => Promise<void>;

/** Writing lines, loaded the first time a client with logging on writes one. */
let line: Promise<typeof import("./internal/log-line.js")> | undefined;

function loadLine(): Promise<typeof import("./internal/log-line.js")> {
  line ??= import("./internal/log-line.js");
  return line;
}

export function createAttemptLog(options: LogOptions): AttemptLog | undefined {
  const level = options.logLevel ?? "off";
  if (!isLogLevel(level)) {
    throw new ConfigurationError(`logLevel must be one of ${LOG_LEVELS.join(", ")}; got ${JSON.stringify(level)}.`);
  }
  if (level === "off") return undefined;
  const logger = options.logger ?? console;
  for (const name of ["debug", "info", "warn", "error"] as const) {
    if (typeof logger?.[name] !== "function") {
      throw new ConfigurationError(`logger must have debug, info, warn and error methods; ${name} is missing.`);
    }
  }
  const settings = { logger, threshold: RANK[level], logBodies: options.logBodies === true };
  return async (record) => (await loadLine()).writeLine(record, settings);
}
