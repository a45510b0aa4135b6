/**
 * `validateResponses`: the check of a 2xx JSON body against its operation's response schema, to notice when Bolna
 * changes what it returns. The client imports this module, and with it the generated response schemas, only when
 * the option is on, so a client without it neither loads nor pays for them.
 *
 * What counts as drift is decided by how `src/generated/response-bodies.ts` is generated: a field of another type, a
 * missing required field, a value outside a closed `enum`/`const`. Unknown extra keys and value constraints
 * (lengths, patterns, ranges) are not drift.
 */
import { responseBodySchemas, responseComponentSchemas } from "../../generated/response-bodies.js";
import { InvalidResponseError, type RequestDescription, type ResponseMismatch } from "../errors.js";
import type { Logger } from "../logger.js";
import { validateJsonSchema } from "./json-schema.js";
import { redactorFor } from "./redact.js";
import { createFitCompiler } from "./schema-fit.js";

/** Mismatches spelled out in one log line or message; the rest are counted. */
const LISTED = 3;
/** Longest excerpt of a value a line shows. */
const EXCERPT_CHARS = 24;

/** The fast yes/no check, compiled per schema on first use; the full validator runs only on a body that fails it. */
const fitOf = createFitCompiler(responseComponentSchemas);

/** `$.tasks[0]["a/b"]` (the validator's path) → `/tasks/0/a~1b` (RFC 6901). */
export function jsonPointer(path: string): string {
  const tokens: string[] = [];
  const step = /\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/gy;
  step.lastIndex = 1; // after the leading `$`
  for (let match = step.exec(path); match !== null; match = step.exec(path)) {
    const token = match[1] ?? match[2] ?? (JSON.parse(match[3] as string) as string);
    tokens.push(token.replaceAll("~", "~0").replaceAll("/", "~1"));
  }
  return tokens.map((token) => `/${token}`).join("");
}

/** The value at a JSON pointer of `data` (`undefined` when there is none). */
function valueAt(data: unknown, pointer: string): unknown {
  let value = data;
  for (const raw of pointer.split("/").slice(1)) {
    const token = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, token)) return undefined;
    value = (value as Record<string, unknown>)[token];
  }
  return value;
}

/**
 * Every way `data`, the body of a `status` answer to `operationId`, breaks the response schema; empty when it
 * fits, or when the spec gives that status no JSON schema. Issues without a type/required/enum mismatch of their
 * own (an alternative none of whose branches fit) are reported with the validator's words.
 */
export function findDrift(operationId: string, status: number, data: unknown): ResponseMismatch[] {
  const schema = responseBodySchemas[operationId]?.[String(status)];
  if (schema === undefined || fitOf(schema)(data)) return [];
  return validateJsonSchema(schema, data, responseComponentSchemas).map((issue) => ({
    pointer: jsonPointer(issue.path),
    expected: issue.expected ?? `a value that ${issue.message.replace(/^must /, "")}`,
    actual: issue.actual ?? "something else",
  }));
}

/** `/tasks/0/x: expected string, got integer`, plus a short excerpt of the value when `data` is given. */
function describe(mismatch: ResponseMismatch, data: unknown, redact: (text: string) => string): string {
  const line = `${mismatch.pointer || "(the body)"}: expected ${mismatch.expected}, got ${mismatch.actual}`;
  if (data === undefined || mismatch.actual === "missing") return line;
  const json = JSON.stringify(valueAt(data, mismatch.pointer)) ?? "undefined";
  const excerpt = redact(json.length > EXCERPT_CHARS ? `${json.slice(0, EXCERPT_CHARS)}…` : json);
  return `${line} (${excerpt})`;
}

/** The mismatches in one line: the first few spelled out, the rest counted. */
export function summarize(mismatches: readonly ResponseMismatch[], data?: unknown, redact = (t: string) => t): string {
  const listed = mismatches.slice(0, LISTED).map((mismatch) => describe(mismatch, data, redact));
  const rest = mismatches.length > LISTED ? `; and ${mismatches.length - LISTED} more` : "";
  return `${listed.join("; ")}${rest}`;
}

/**
 * Checks a 2xx body of `operationId`: on drift, `"warn"` writes one `warn` line to `logger` (operation, pointers,
 * expected and actual types, a short excerpt of each value with the key redacted) and returns; `"throw"` throws an
 * `InvalidResponseError` carrying the same details.
 */
export function checkResponse(
  mode: "warn" | "throw",
  operationId: string,
  response: Response,
  data: unknown,
  request: RequestDescription,
  logger: Logger,
): void {
  const mismatches = findDrift(operationId, response.status, data);
  if (mismatches.length === 0) return;
  const redact = redactorFor(request.headers);
  const problem = `the body of ${operationId} differs from the spec: ${summarize(mismatches, data, redact)}`;
  if (mode === "throw") {
    throw new InvalidResponseError(response, problem, data, request, { operationId, mismatches });
  }
  logger.warn(`bolna: ${problem} (${request.method} ${redact(new URL(request.url).pathname)})`);
}
