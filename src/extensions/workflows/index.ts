/**
 * The jobs people otherwise write by hand around the API: wait for a call's final status, place a call and wait,
 * run a batch from a list of contacts, follow a batch to its end. They are methods of the client
 * (`bolna.waitForExecution`, `bolna.makeCallAndWait`, `bolna.runBatch`, `bolna.waitForBatch`); their code is
 * loaded on first use, so a client that never calls them does not carry it. This module holds what they share with
 * callers: the final statuses and the option and result types.
 */
import type { CreateBatchArgs } from "../../generated/methods.js";
import type { Batch, CallStatus, Execution, ExecutionStatus } from "../../generated/schema.js";

/**
 * The execution statuses after which nothing changes any more: a wait ends on these, and only on these.
 * The live ones (`scheduled`, `queued`, `rescheduled`, `initiated`, `ringing`, `in-progress`, `prepared`) are not
 * final, and neither is `call-disconnected`: the line dropped, but `completed` follows it once the transcript, cost,
 * recording and extractions are ready (usually within 2–3 minutes). Unknown statuses are treated as not final.
 */
export const TERMINAL_EXECUTION_STATUSES = /* @__PURE__ */ Object.freeze([
  /** The call was answered and has ended, and its record is final (duration, cost, recording, extractions). */
  "completed",
  /** The line was busy; the call was not answered. */
  "busy",
  /** Nobody answered before the ring timeout. */
  "no-answer",
  /** The telephony provider could not place or keep the call (invalid number, carrier rejection, …). */
  "failed",
  /** The call was canceled before it connected (Bolna's spelling: one `l`). */
  "canceled",
  /** The call was stopped through the API (`stopCall`, `stopAgentQueuedCalls`) or the dashboard. */
  "stopped",
  /** Bolna failed while running the call; `error_message` says why. */
  "error",
  /** The wallet had too little balance to place the call; top it up and call again. */
  "balance-low",
] as const satisfies readonly ExecutionStatus[]);

export type TerminalExecutionStatus = (typeof TERMINAL_EXECUTION_STATUSES)[number];

/**
 * The batch statuses after which a batch does nothing more: `waitForBatch` ends on these. A batch goes
 * `created → scheduled → (queued) → running → completed`; other values (`processed`, `executed`, …) are treated as
 * not final, so an unknown status makes a wait last to its timeout rather than end early.
 */
export const TERMINAL_BATCH_STATUSES = /* @__PURE__ */ Object.freeze([
  /** Every contact of the batch was called (each call has its own final status: see `execution_status`). */
  "completed",
  /** The batch was stopped (`stopBatch` or the dashboard); contacts not yet called will not be. */
  "stopped",
  /** An error prevented the batch from running. */
  "failed",
] as const);

export type TerminalBatchStatus = (typeof TERMINAL_BATCH_STATUSES)[number];

/** Options shared by the waits. */
export interface WaitOptions {
  /** Give up after this long (a `WaitTimeoutError`); nothing is stopped. */
  timeoutMs?: number;
  /**
   * First pause between two reads. It grows ×1.5 after each read that brings no change, up to 15 s (or this value if
   * larger), and starts again after a change.
   */
  pollIntervalMs?: number;
  /** Ends the wait at once with an `APIUserAbortError` (the call or batch itself goes on). */
  signal?: AbortSignal;
}

export interface WaitForExecutionOptions extends WaitOptions {
  /** Default 15 minutes (900 000 ms). */
  timeoutMs?: number;
  /** Default 2 000 ms. */
  pollIntervalMs?: number;
  /** Called once per status change, in order, with the execution read; the first read counts as a change. */
  onStatus?: (execution: Execution) => void;
}

export interface WaitForBatchOptions extends WaitOptions {
  /** Default 2 hours: a batch calls its contacts at the pace of its caller numbers. */
  timeoutMs?: number;
  /** Default 5 000 ms. */
  pollIntervalMs?: number;
  /** Called with the batch's `execution_status` counts (`{ completed: 3, busy: 1 }`) each time they change. */
  onProgress?: (counts: Readonly<Record<string, number>>, batch: Batch) => void;
  /** Called once per batch status change, in order; the first read counts as a change. */
  onStatus?: (batch: Batch) => void;
}

/** What `makeCallAndWait` resolves to: the answer of `POST /call`, and the execution in its final status. */
export interface CallAndWaitResult {
  call: CallStatus;
  execution: Execution;
}

/** One row of a batch: the number to call (E.164) and the variables the agent's prompts use (`{customer_name}`). */
export type BatchContact = { contact_number: string } & Record<string, string | number | boolean | null | undefined>;

export interface RunBatchArgs extends Omit<CreateBatchArgs, "file" | "from_phone_number"> {
  /** The rows to call, as an array or any iterable; each is checked before anything is sent. */
  contacts: Iterable<BatchContact>;
  /**
   * When the batch starts: a `Date` or an ISO-8601 string with `Z` or an offset, at least 2 minutes ahead (Bolna
   * rounds it up to the next 10-minute mark). Default: the earliest time Bolna accepts.
   */
  scheduled_at?: Date | string;
}

export interface RunBatchOptions {
  signal?: AbortSignal;
}

export interface RunBatchResult {
  batch_id: string;
  /** The start time asked for, with a `+00:00` offset; Bolna starts at the next 10-minute mark from it. */
  scheduled_at: string;
  /** The schedule's answer, e.g. `scheduled` or `scheduled at 2026-06-23T07:00:00+00:00`. */
  state: string | undefined;
}
