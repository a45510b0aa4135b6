/**
 * Export an agent's executions to NDJSON and CSV files, with progress, and resume after a failure.
 *
 *   npm run example -- export-executions [--agent <id>] [--days 15] [--out build/examples/export] [--simulate-failure]
 *
 * `exportExecutions` reads the range by time, several stretches at once, and yields each record once, even while
 * the agent keeps taking calls. When a page still fails after its retries, it throws an `ExportError` whose
 * `checkpoint` is plain JSON: this example saves it next to the output files and, on the next run, resumes from it
 * and appends to the same files, without repeating or losing a record. Delete the checkpoint file to start over.
 * `--simulate-failure` starts a local outage (nothing more is sent) once the first page of records has arrived, so
 * you can watch it: run once with it (exit status 1, checkpoint saved), then once without it (resumed, exit 0).
 */
import { existsSync } from "node:fs";
import { appendFile, mkdir, readFile, rm, writeFile, rename } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
// In your project: import { createBolnaClient, ExportError, ... } from "bolna-api-client";
import {
  createBolnaClient,
  ExportError,
  type Execution,
  type ExportCheckpoint,
  type ExportOptions,
} from "../src/index.js";
import { runAsScript, withDefaults, type ExampleContext } from "./support/context.js";
import { createProgressReporter } from "./support/progress.js";

const EXECUTIONS_LISTING = /\/v2\/agent\/[^/]+\/executions\/?$/;

function isExecutionsListing(request: Request): boolean {
  return request.method === "GET" && EXECUTIONS_LISTING.test(new URL(request.url).pathname);
}

/** The agent of the spec's examples, used when `--agent` is not given against the mock. */
const MOCK_AGENT_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const DAY_MS = 86_400_000;

export const CSV_COLUMNS = [
  "id",
  "agent_id",
  "batch_id",
  "status",
  "created_at",
  "updated_at",
  "conversation_duration",
  "total_cost",
  "answered_by_voice_mail",
  "call_type",
  "provider",
  "from_number",
  "to_number",
  "hangup_reason",
  "error_message",
] as const;

/** RFC 4180: quote a field holding a comma, quote or line break, doubling the quotes inside. */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  // Objects become JSON; what is left is a primitive.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsvRow(execution: Execution): string {
  const telephony = execution.telephony_data ?? undefined;
  const values: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    id: execution.id,
    agent_id: execution.agent_id,
    batch_id: execution.batch_id,
    status: execution.status,
    created_at: execution.created_at,
    updated_at: execution.updated_at,
    conversation_duration: execution.conversation_duration,
    total_cost: execution.total_cost,
    answered_by_voice_mail: execution.answered_by_voice_mail,
    call_type: telephony?.call_type,
    provider: telephony?.provider,
    from_number: telephony?.from_number,
    to_number: telephony?.to_number,
    hangup_reason: telephony?.hangup_reason,
    error_message: execution.error_message,
  };
  return CSV_COLUMNS.map((column) => csvField(values[column])).join(",");
}

/** Writes through a temporary file and a rename, so a crash never leaves a half-written checkpoint. */
async function saveCheckpoint(path: string, checkpoint: ExportCheckpoint): Promise<void> {
  await writeFile(`${path}.tmp`, `${JSON.stringify(checkpoint, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}

export async function main(context: ExampleContext): Promise<number> {
  const ctx = withDefaults(context);
  const { values } = parseArgs({
    args: ctx.args,
    options: {
      agent: { type: "string" },
      days: { type: "string", default: "15" },
      out: { type: "string", default: "build/examples/export" },
      "simulate-failure": { type: "boolean", default: false },
    },
  });
  const outDir = resolve(values.out);
  const files = {
    ndjson: join(outDir, "executions.ndjson"),
    csv: join(outDir, "executions.csv"),
    checkpoint: join(outDir, "checkpoint.json"),
  };
  await mkdir(outDir, { recursive: true });

  // What to list: from the checkpoint of an earlier run that stopped (same agent, range and filters: a resumed
  // export must list exactly what the stopped one did), else from the arguments.
  let what: Pick<ExportOptions, "agent_id" | "from" | "to" | "resume">;
  if (existsSync(files.checkpoint)) {
    const resume = JSON.parse(await readFile(files.checkpoint, "utf8")) as ExportCheckpoint;
    ctx.log(
      `Resuming the export saved in ${files.checkpoint}: ${resume.recordsYielded} records already written, ` +
        `${resume.remaining.length} stretches of time left (delete the file to start over).`,
    );
    what = { ...resume.plan, resume };
  } else {
    const agentId = values.agent ?? (ctx.mock ? MOCK_AGENT_ID : undefined);
    const days = Number(values.days);
    if (agentId === undefined) {
      ctx.stderr.write("--agent <agent_id> is required against the real API.\n");
      return 2;
    }
    if (!(days > 0)) {
      ctx.stderr.write(`--days must be a positive number, got ${JSON.stringify(values.days)}.\n`);
      return 2;
    }
    const now = Date.now();
    what = { agent_id: agentId, from: new Date(now - days * DAY_MS), to: new Date(now) };
    await writeFile(files.ndjson, "");
    await writeFile(files.csv, `${CSV_COLUMNS.join(",")}\n`);
  }

  let send: (request: Request) => Promise<Response> = ctx.fetch ?? ((request) => fetch(request));
  if (values["simulate-failure"]) {
    const inner = send;
    let outage = false;
    // A local outage from the moment the first page of records has arrived: nothing more reaches the server.
    send = async (request) => {
      if (outage && isExecutionsListing(request)) {
        return Response.json({ message: "Service Unavailable (simulated)" }, { status: 503 });
      }
      const response = await inner(request);
      if (isExecutionsListing(request) && ((await response.clone().json()) as { data?: unknown[] }).data?.length) {
        outage = true;
      }
      return response;
    };
  }
  const bolna = createBolnaClient({ baseUrl: ctx.baseUrl, apiKey: ctx.apiKey, fetch: send });

  const progress = createProgressReporter(ctx.stderr);
  const exported = bolna.exportExecutions({
    ...what,
    // The simulated outage never heals, so fail fast, with pages of 2 so that it strikes mid-export.
    ...(values["simulate-failure"] ? { pageSize: 2, retry: { maxAttemptsPerPage: 1 } } : {}),
    onProgress: (p) => {
      progress.update(p);
    },
  });

  // Lines are buffered and appended in chunks; on failure everything yielded is written before the checkpoint.
  let ndjson: string[] = [];
  let csv: string[] = [];
  const flush = async (): Promise<void> => {
    if (ndjson.length === 0) return;
    await appendFile(files.ndjson, ndjson.join(""));
    await appendFile(files.csv, csv.join(""));
    ndjson = [];
    csv = [];
  };

  let written = 0;
  try {
    for await (const execution of exported) {
      ndjson.push(`${JSON.stringify(execution)}\n`);
      csv.push(`${toCsvRow(execution)}\n`);
      written++;
      if (ndjson.length >= 500) await flush();
    }
  } catch (error) {
    progress.done();
    // Every record received before the failure was yielded: write them, then save where to pick up. An
    // ExportError carries its checkpoint; after any other stop (an abort, a bug in this loop) `exported.checkpoint`
    // says the same: what is left to read, and which records of it were already written.
    await flush();
    const checkpoint = error instanceof ExportError ? error.checkpoint : exported.checkpoint;
    await saveCheckpoint(files.checkpoint, checkpoint);
    ctx.stderr.write(`${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
    ctx.log(
      `Export stopped after ${checkpoint.recordsYielded} records; checkpoint saved to ${files.checkpoint}. ` +
        `Run the same command again to resume.`,
    );
    return 1;
  }
  progress.done();
  await flush();
  await rm(files.checkpoint, { force: true });

  const total = exported.checkpoint.recordsYielded;
  ctx.log(
    `${what.resume ? "Resumed export finished" : "Export finished"}: ${written} record${written === 1 ? "" : "s"} written by this run, ${total} in total.`,
  );
  ctx.log(`  NDJSON: ${files.ndjson}`);
  ctx.log(`  CSV:    ${files.csv}`);
  return 0;
}

runAsScript(import.meta.url, main);
