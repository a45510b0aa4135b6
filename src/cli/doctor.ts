/**
 * `bolna-api doctor`: checks that this machine can use the API and that the API still answers as the spec says,
 * and prints a report that can be pasted into a bug report as it is: it names operations, path templates, JSON
 * pointers and types, never an ID, a value or the key.
 *
 * 1. The key and the base URL, with one read-only call (the first sampled operation that needs no argument).
 * 2. The clock skew against that answer's `Date` header, and the rate-limit headroom: the server's rate-limit
 *    headers when it sends any, else the client's own per-minute limits.
 * 3. One answer of every operation `doctor-plan.ts` can sample, each checked against the operation's response
 *    schema with the same check as `validateResponses`.
 * Exit status: 0 when every sampled answer fits the spec, 1 on drift (or a sample that failed), 3 when the key is
 * missing or refused.
 */
import { findDrift } from "../extensions/internal/response-check.js";
import type { OperationMetadata } from "../extensions/internal/metadata.js";
import { ALL_OPERATIONS } from "../extensions/internal/operation-table.js";
import { SDK_VERSION } from "../extensions/version.js";
import { rateLimitBuckets } from "../generated/operations.js";
import {
  APIConnectionError,
  APIError,
  AuthenticationError,
  PermissionDeniedError,
  type BolnaClient,
  type ResponseMismatch,
  type WithResponse,
} from "../index.js";
import { createCliClient } from "./client.js";
import { collectIds, pathParams, sampleArgs, samplePlan } from "./doctor-plan.js";
import { EXIT } from "./exit.js";
import { COMMON_OPTIONS, parseFlags } from "./flags.js";
import { doctorHelp } from "./help.js";
import { columns } from "./text.js";

/** A skew beyond this makes date windows (`from`/`to`) miss records at their edges. */
const SKEW_WARNING_S = 60;
/** Mismatches listed per operation; the rest are counted. */
const LISTED_MISMATCHES = 20;

type Sampler = (
  args: Record<string, unknown>,
  options: { maxRetries: number },
) => {
  withResponse(): Promise<WithResponse<unknown>>;
};

interface Outcome {
  readonly meta: OperationMetadata;
  readonly mismatches?: readonly ResponseMismatch[];
  /** Status and error class of a sample that failed (never its message, which may quote values). */
  readonly failure?: string;
}

export interface DoctorOptions {
  /** The base URL the client was given, for the report. */
  readonly baseUrl: string;
  /** The clock the skew is measured with. Default `Date.now`. */
  readonly now?: () => number;
  readonly write: (text: string) => void;
}

const describeOperation = (meta: OperationMetadata) => `${meta.method.toUpperCase()} ${meta.path}`;

function failureOf(error: unknown): string {
  if (error instanceof APIError) return `${error.status} ${error.name}`;
  if (error instanceof Error) return error.name;
  throw error;
}

function clockLine(response: Response, now: number): string {
  const date = response.headers.get("date");
  const server = date === null ? Number.NaN : Date.parse(date);
  if (Number.isNaN(server)) return "unknown: the server sent no readable Date header";
  const skew = Math.round((server - now) / 1000);
  if (Math.abs(skew) <= 1) return "in step with the server (within 1 s; its Date header has 1 s resolution)";
  const side = skew > 0 ? "behind" : "ahead of";
  const advice = Math.abs(skew) > SKEW_WARNING_S ? "; set this machine's clock (NTP), or date windows will be off" : "";
  return `${Math.abs(skew)} s ${side} the server's Date header${advice}`;
}

function rateLimitLine(response: Response, requests: number): string {
  const headers: string[] = [];
  response.headers.forEach((value, name) => {
    if (/^(x-)?ratelimit/i.test(name)) headers.push(`${name}: ${value}`);
  });
  if (headers.length > 0) return headers.join(", ");
  const limits = Object.entries(rateLimitBuckets).map(([bucket, perMinute]) => `${bucket} ${perMinute}`);
  return (
    `the server sent no rate-limit headers; the client's own limits per minute: ${limits.join(", ")} ` +
    `(this check sent ${requests} request${requests === 1 ? "" : "s"})`
  );
}

function outcomeLines({ meta, mismatches, failure }: Outcome): string[] {
  const label = failure !== undefined ? "failed" : mismatches?.length ? "drift" : "ok";
  const head = `  ${label.padEnd(7)}${meta.operationId.padEnd(28)}${describeOperation(meta)}`;
  if (failure !== undefined) return [`${head}: ${failure}`];
  const listed = (mismatches ?? [])
    .slice(0, LISTED_MISMATCHES)
    .map((m) => `           ${m.pointer || "(the body)"}: expected ${m.expected}, got ${m.actual}`);
  const rest = (mismatches?.length ?? 0) - LISTED_MISMATCHES;
  return [head, ...listed, ...(rest > 0 ? [`           and ${rest} more`] : [])];
}

/** Runs the checks against `client` and writes the report; resolves to the exit status. */
export async function diagnose(client: BolnaClient, options: DoctorOptions): Promise<number> {
  const now = options.now ?? Date.now;
  const { candidates, skipped } = samplePlan(ALL_OPERATIONS);
  const keyCheck = candidates.find((meta) => pathParams(meta).length === 0 && !meta.maxWindow);
  if (keyCheck === undefined) throw new Error("the spec has no read-only operation without arguments");
  const sample = (meta: OperationMetadata, args: Record<string, unknown>) =>
    ((client as unknown as Record<string, Sampler>)[meta.operationId] as Sampler)(args, {
      maxRetries: 1,
    }).withResponse();

  const write = (line = "") => options.write(`${line}\n`);
  write(`bolna-api doctor (bolna-api-client ${SDK_VERSION}, Node ${process.versions.node})`);
  const head: Array<[string, string]> = [["Base URL", options.baseUrl]];
  let first: WithResponse<unknown>;
  try {
    first = await sample(keyCheck, {});
  } catch (error) {
    if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) {
      head.push(["API key", `refused: ${keyCheck.operationId} answered ${error.status}. Check BOLNA_API_KEY.`]);
      write(columns(head, 0, 12));
      return EXIT.authentication;
    }
    const problem =
      error instanceof APIError
        ? `${describeOperation(keyCheck)} answered ${error.status} (${error.name}); is this the API's root URL?`
        : error instanceof APIConnectionError
          ? `unreachable (${error.name}: ${error.message})`
          : undefined;
    if (problem === undefined) throw error;
    head[0] = ["Base URL", `${options.baseUrl}: ${problem}`];
    write(columns(head, 0, 12));
    return EXIT.other;
  }
  const receivedAt = now();

  const ids = new Map<string, string>();
  const wanted = new Set(candidates.flatMap((meta) => pathParams(meta).map((field) => field.name)));
  const outcomes: Outcome[] = [];
  const record = (meta: OperationMetadata, { data, response }: WithResponse<unknown>) => {
    outcomes.push({ meta, mismatches: findDrift(meta.operationId, response.status, data) });
    collectIds(meta, data, ALL_OPERATIONS, wanted, ids);
  };
  record(keyCheck, first);
  // Rounds: each sample may find the IDs another one needs; stop when a round samples nothing new.
  const pending = new Set(candidates.filter((meta) => meta !== keyCheck));
  for (let progress = true; progress;) {
    progress = false;
    for (const meta of pending) {
      const args = sampleArgs(meta, ids, now());
      if (args === undefined) continue;
      pending.delete(meta);
      progress = true;
      try {
        record(meta, await sample(meta, args));
      } catch (error) {
        outcomes.push({ meta, failure: failureOf(error) });
      }
    }
  }

  head.push(["API key", `accepted (${keyCheck.operationId} answered ${first.response.status})`]);
  head.push(["Clock", clockLine(first.response, receivedAt)]);
  head.push(["Rate limit", rateLimitLine(first.response, outcomes.length)]);
  write(columns(head, 0, 12));
  write();
  write(`Operations checked (${outcomes.length}):`);
  for (const outcome of outcomes) for (const line of outcomeLines(outcome)) write(line);
  const notSampled = [
    ...[...pending].map((meta) => ({
      meta,
      reason: `no ${pathParams(meta)
        .filter((field) => !ids.has(field.name))
        .map((field) => field.name)
        .join(", ")} found in the other answers`,
    })),
    ...skipped,
  ];
  if (notSampled.length > 0) {
    write();
    write(`Not sampled (${notSampled.length}):`);
    write(columns(notSampled.map(({ meta, reason }) => [meta.operationId, reason])));
  }
  const drifted = outcomes.filter((outcome) => outcome.mismatches?.length).length;
  const failed = outcomes.filter((outcome) => outcome.failure !== undefined).length;
  write();
  if (drifted === 0 && failed === 0) {
    write(`Result: no drift; every answer of the ${outcomes.length} operations checked fits the spec.`);
    return EXIT.ok;
  }
  const parts = [drifted > 0 && `drift in ${drifted}`, failed > 0 && `${failed} failed`].filter(Boolean);
  write(`Result: ${parts.join(", ")} of ${outcomes.length} operations checked. This report names no IDs or values:`);
  write("paste it as it is into a bug report.");
  return EXIT.other;
}

export async function runDoctor(argv: readonly string[]): Promise<number> {
  const { values } = parseFlags(argv, COMMON_OPTIONS, "doctor");
  if (values.help) {
    process.stdout.write(doctorHelp());
    return EXIT.ok;
  }
  const client = createCliClient(values["base-url"]);
  return diagnose(client, { baseUrl: client.baseUrl, write: (text) => process.stdout.write(text) });
}
