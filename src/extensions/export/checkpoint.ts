/**
 * Checkpoints: where a stopped export stands, as plain JSON that `resume` accepts.
 *
 * Contract:
 * - A checkpoint (version 2) holds the plan, the records yielded over every run, and what is left to read: ranges
 *   of `created_at` (inclusive, microsecond ISO strings) each with the ids in it that were already yielded. A
 *   resumed export reads exactly those ranges and skips those ids, so it neither repeats nor loses a record.
 * - `readCheckpoint` refuses, with a `BolnaInputError` on `resume`, anything else: a value that is not an export
 *   checkpoint, a version 1 checkpoint (earlier releases recorded page numbers, which cannot be continued exactly
 *   by an export that reads by time), a version it does not know, or a damaged one (a range that is reversed or
 *   outside the plan's range, an id that is neither a string nor a number).
 */
import { BolnaInputError } from "../errors.js";
import { isoMicros, parseIsoMicros } from "./keys.js";
import type { RecordId } from "./page-check.js";
import type { ExportPlan } from "./plan.js";
import type { KeyRange } from "./ranges.js";

export const CHECKPOINT_VERSION = 2;

export interface CheckpointRange {
  /** First `created_at` still to read (inclusive), e.g. `2026-01-28T13:17:50.116925Z`. */
  from: string;
  /** Last `created_at` still to read (inclusive). */
  to: string;
  /** Ids in this range that were already yielded. */
  skipIds: RecordId[];
}

export interface ExportCheckpoint {
  version: 2;
  plan: ExportPlan;
  /** Records yielded up to this point, over every run of the export. */
  recordsYielded: number;
  /** What is left to read. Empty when the export finished. */
  remaining: CheckpointRange[];
}

export interface RemainingRange {
  readonly range: KeyRange;
  readonly skip: ReadonlySet<RecordId>;
}

export function makeCheckpoint(
  plan: ExportPlan,
  recordsYielded: number,
  remaining: Iterable<{ range: KeyRange; skip: Iterable<RecordId> }>,
): ExportCheckpoint {
  const ranges = [...remaining]
    .sort((a, b) => b.range.hi - a.range.hi)
    .map(({ range, skip }) => ({ from: isoMicros(range.lo), to: isoMicros(range.hi), skipIds: [...skip] }));
  return { version: CHECKPOINT_VERSION, plan: { ...plan }, recordsYielded, remaining: ranges };
}

function refuse(message: string): never {
  throw new BolnaInputError("resume", `resume: ${message}`);
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

/** The checkpoint's plan and remaining ranges, or a `BolnaInputError` saying why it cannot be resumed. */
export function readCheckpoint(value: unknown): { checkpoint: ExportCheckpoint; ranges: RemainingRange[] } {
  const checkpoint = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const { version, plan, recordsYielded, remaining } = checkpoint;
  if (version === 1) {
    refuse(
      "this checkpoint was saved by an earlier version of exportExecutions (checkpoint version 1, which records " +
        "page numbers). This version reads by time and cannot continue it exactly; start the export again.",
    );
  }
  if (version === undefined || typeof plan !== "object" || plan === null) {
    refuse("expected a checkpoint from exportExecutions (an ExportError's or the export's `checkpoint`, as saved).");
  }
  if (version !== CHECKPOINT_VERSION) {
    refuse(`checkpoint version ${JSON.stringify(version)} is not one this version reads (${CHECKPOINT_VERSION}).`);
  }
  if (!isCount(recordsYielded)) refuse("the checkpoint is damaged: recordsYielded is not a count.");
  if (!Array.isArray(remaining)) refuse("the checkpoint is damaged: remaining is not a list of ranges.");
  const { from, to } = plan as { from?: unknown; to?: unknown };
  const start = typeof from === "string" ? parseIsoMicros(from) : undefined;
  const end = typeof to === "string" ? parseIsoMicros(to) : undefined;
  if (start === undefined || end === undefined) refuse("the checkpoint is damaged: its plan has no from/to.");

  const ranges = (remaining as unknown[]).map((entry, index): RemainingRange => {
    const fields = (typeof entry === "object" && entry !== null ? entry : {}) as Record<string, unknown>;
    const { from: lo, to: hi, skipIds } = fields;
    const range = {
      lo: typeof lo === "string" ? parseIsoMicros(lo) : undefined,
      hi: typeof hi === "string" ? parseIsoMicros(hi) : undefined,
    };
    const inPlan =
      range.lo !== undefined && range.hi !== undefined && range.lo <= range.hi && range.lo >= start && range.hi <= end;
    const ids = Array.isArray(skipIds) && skipIds.every((id) => typeof id === "string" || typeof id === "number");
    if (!inPlan || !ids) refuse(`the checkpoint is damaged: remaining[${index}] is not a range of its plan with ids.`);
    return { range: range as KeyRange, skip: new Set(skipIds as RecordId[]) };
  });
  return { checkpoint: checkpoint as unknown as ExportCheckpoint, ranges };
}
