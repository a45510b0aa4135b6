/**
 * The batches of the stateful mock: created from a CSV (`contact_number` column, E.164; every other column becomes
 * the call's `user_data`), scheduled at least 2 minutes ahead and rounded up to the next 10-minute mark like the
 * live API (the wait is multiplied by `timeScale`), then run: each valid contact becomes an execution in `prepared`
 * status, dialled one after the other (`DIAL_GAP_MS` apart), each with the outcome the number's last digits pick.
 * `execution_status` counts the batch's executions per status as they move; the batch is `completed` when all of
 * them have ended, and `stopBatch` stops the calls not yet dialled.
 */
import type { Batch } from "../generated/schema.js";
import { CsvSyntaxError, readCsv } from "../extensions/internal/read-csv.js";
import type { Calls, CallEntry } from "./calls.js";
import { naiveTimestamp, seededUuid } from "./execution-record.js";
import { EXECUTION_ID_KIND } from "./history.js";
import { failure, json, type Reply } from "./reply.js";
import type { CappedStore, Timers } from "./state.js";
import { isTerminal, outcomeOf } from "./timeline.js";

export interface BatchEntry {
  readonly batch: Batch;
  readonly agentId: string;
  readonly contacts: ReadonlyArray<Record<string, string>>;
  readonly executionIds: string[];
  readonly createdAtMs: number;
  timer?: NodeJS.Timeout | undefined;
}

/** E.164, as the spec's phone numbers and the client's `runBatch` check it. */
const E164 = /^\+[1-9]\d{1,14}$/;
const MIN_LEAD_MS = 2 * 60_000;
const ROUND_MS = 10 * 60_000;
const DIAL_GAP_MS = 300;
const ACTIVE: ReadonlySet<string> = new Set(["scheduled", "queued", "running"]);
const DEFAULT_FROM = "+19876543007";

/**
 * Rows of a CSV as objects keyed by its header, read by the client's own RFC 4180 reader; blank rows are skipped and
 * cells trimmed, as a spreadsheet export has them.
 */
export function parseCsv(text: string): Array<Record<string, string>> {
  const rows = readCsv(text)
    .map((row) => row.cells)
    .filter((cells) => cells.some((value) => value.trim() !== ""));
  const [header = [], ...body] = rows;
  const names = header.map((name) => name.trim());
  return body.map((cells) => Object.fromEntries(names.map((name, column) => [name, (cells[column] ?? "").trim()])));
}

export interface BatchesContext {
  readonly seed: number;
  readonly timeScale: number;
  readonly timers: Timers;
  readonly batches: CappedStore<BatchEntry>;
  readonly calls: Calls;
  readonly executions: CappedStore<CallEntry>;
  /** The next execution number (ids and made-up details come from it). */
  nextExecutionIndex(): number;
}

export class Batches {
  private created = 0;

  constructor(private readonly context: BatchesContext) {}

  /** `POST /batches` with its multipart form; `agentKnown` says whether `agent_id` names an agent of the mock. */
  async create(form: FormData, agentKnown: (id: string) => boolean, status: number): Promise<Reply> {
    const field = (name: string): string | undefined => {
      const value = form.get(name);
      return typeof value === "string" ? value : undefined;
    };
    const agentId = field("agent_id") ?? "";
    if (!agentKnown(agentId)) return failure(404, `No agent with id ${JSON.stringify(agentId)} in the mock.`);
    const file = form.get("file");
    const text = typeof file === "string" ? file : await file?.text();
    let rows: Array<Record<string, string>>;
    try {
      rows = parseCsv(text ?? "");
    } catch (error) {
      if (error instanceof CsvSyntaxError) return failure(400, `The CSV does not parse: ${error.message}.`);
      throw error;
    }
    if (rows.length > 0 && !("contact_number" in (rows[0] ?? {}))) {
      return failure(400, "The CSV needs a contact_number column (E.164 numbers, e.g. +14155550123).");
    }
    const contacts = rows.filter((row) => E164.test(row["contact_number"] ?? ""));
    const numbers = form.getAll("from_phone_numbers").filter((value) => typeof value === "string");
    const single = field("from_phone_number");
    const now = Date.now();
    const id = seededUuid(this.context.seed, 2, this.created++).replaceAll("-", "");
    const stamp = naiveTimestamp(now);
    const batch: Batch = {
      batch_id: id,
      created_at: stamp,
      updated_at: stamp,
      status: "created",
      scheduled_at: null,
      from_phone_numbers: numbers.length > 0 ? numbers : single === undefined ? [] : [single],
      file_name: typeof file === "string" || file === null || file.name === "" ? "contacts.csv" : file.name,
      valid_contacts: contacts.length,
      total_contacts: rows.length,
      execution_status: {},
    };
    this.context.batches.set(id, { batch, agentId, contacts, executionIds: [], createdAtMs: now });
    return json(status, { batch_id: id, state: "created" });
  }

  /** `GET /batches/{batch_id}` and the list's items: the batch with its current counts. */
  view(entry: BatchEntry): Batch {
    const minutes = Math.floor((Date.now() - entry.createdAtMs) / 60_000);
    return { ...entry.batch, humanized_created_at: minutes < 1 ? "just now" : `${minutes} minutes ago` };
  }

  schedule(entry: BatchEntry, scheduledAt: string): Reply {
    const { batch } = entry;
    if (batch.status !== "created" && batch.status !== "scheduled") {
      return failure(400, `Only a created or scheduled batch can be scheduled; this one is ${batch.status}.`);
    }
    const at = Date.parse(scheduledAt);
    const now = Date.now();
    if (!(at - now >= MIN_LEAD_MS)) return failure(400, "scheduled_at must be at least 2 minutes in the future");
    const start = Math.ceil(at / ROUND_MS) * ROUND_MS;
    const startText = `${new Date(start).toISOString().slice(0, 19)}+00:00`;
    this.context.timers.cancel(entry.timer);
    entry.timer = this.context.timers.after((start - now) * this.context.timeScale, () => this.run(entry));
    Object.assign(batch, { status: "scheduled", scheduled_at: startText, updated_at: naiveTimestamp(now) });
    return json(200, { message: "success", state: `scheduled at ${startText}` });
  }

  /** Stops a scheduled or running batch: its calls not yet dialled are stopped. */
  stop(entry: BatchEntry): Reply {
    if (!ACTIVE.has(entry.batch.status ?? "")) return failure(404, "Batch is not queued or running");
    this.context.timers.cancel(entry.timer);
    entry.timer = undefined;
    for (const id of entry.executionIds) {
      const call = this.context.executions.get(id);
      if (call !== undefined) this.context.calls.stop(call);
    }
    Object.assign(entry.batch, { status: "stopped", updated_at: naiveTimestamp(Date.now()) });
    return json(200, { message: "success", state: "stopped" });
  }

  delete(entry: BatchEntry): Reply {
    if (ACTIVE.has(entry.batch.status ?? "")) this.stop(entry);
    this.context.batches.delete(entry.batch.batch_id);
    return json(200, { message: "success", state: "deleted" });
  }

  /** Keeps `execution_status` up to date and marks the batch completed when its last call has ended. */
  onStatus(call: CallEntry, from: string | undefined): void {
    const batchId = call.execution.batch_id;
    const entry = batchId == null ? undefined : this.context.batches.get(batchId);
    if (entry === undefined) return;
    const counts = (entry.batch.execution_status ??= {});
    if (from !== undefined) {
      const left = (counts[from] ?? 0) - 1;
      if (left > 0) counts[from] = left;
      else delete counts[from];
    }
    const status = call.execution.status;
    counts[status] = (counts[status] ?? 0) + 1;
    if (call.execution.updated_at !== undefined) entry.batch.updated_at = call.execution.updated_at;
    const open = Object.entries(counts).some(([name, count]) => count > 0 && !isTerminal(name));
    if (!open && entry.batch.status === "running") entry.batch.status = "completed";
  }

  private run(entry: BatchEntry): void {
    entry.timer = undefined;
    Object.assign(entry.batch, { status: "running", updated_at: naiveTimestamp(Date.now()) });
    const numbers = entry.batch.from_phone_numbers ?? [];
    const calls = entry.contacts.map((contact, position) => {
      const index = this.context.nextExecutionIndex();
      const recipient = contact["contact_number"] ?? "";
      const { contact_number: _number, ...userData } = contact;
      const id = seededUuid(this.context.seed, EXECUTION_ID_KIND, index);
      entry.executionIds.push(id);
      const spec = {
        index,
        agentId: entry.agentId,
        recipient,
        from: numbers[position % Math.max(1, numbers.length)] ?? DEFAULT_FROM,
        userData,
        batchId: entry.batch.batch_id,
      };
      return this.context.calls.create(id, spec, outcomeOf(recipient), "prepared");
    });
    if (calls.length === 0) entry.batch.status = "completed";
    calls.forEach((call, position) =>
      this.context.timers.after(position * DIAL_GAP_MS * this.context.timeScale, () => this.context.calls.start(call)),
    );
  }
}
