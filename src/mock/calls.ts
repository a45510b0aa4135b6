/**
 * The calls of the stateful mock: each execution moves through the steps of its outcome (./timeline.ts) on timers,
 * one timer per pending step, and every status change updates the record, tells the listener (batches keep their
 * counts with it) and is sent to the agent's webhook.
 */
import type { Execution } from "../generated/schema.js";
import { advance, newExecution, type CallSpec } from "./execution-record.js";
import type { CappedStore, Timers } from "./state.js";
import { isStoppable, isTerminal, stepsOf, type Outcome } from "./timeline.js";
import type { WebhookSender } from "./webhooks-out.js";

export interface CallEntry {
  readonly execution: Execution;
  readonly spec: CallSpec;
  readonly outcome: Outcome;
  /** The timer of the next step, while one is pending. */
  timer?: NodeJS.Timeout | undefined;
}

export interface CallsContext {
  readonly seed: number;
  readonly timeScale: number;
  readonly timers: Timers;
  readonly executions: CappedStore<CallEntry>;
  readonly webhooks: WebhookSender;
  /** The agent's current `webhook_url`, read at each status change. */
  webhookOf(agentId: string): string | null | undefined;
  /** The URL the recording of a completed call is served from. */
  recordingUrl(executionId: string): string;
  /** Hears every status change (`from` is `undefined` for a new execution). */
  onStatus(entry: CallEntry, from: string | undefined): void;
}

export class Calls {
  constructor(private readonly context: CallsContext) {}

  /**
   * Creates an execution in `initial` status: `queued` runs its timeline now, `scheduled` waits `startInMs`
   * (already scaled) then runs it, `prepared` waits for `start()` (batches start their calls themselves).
   */
  create(
    id: string,
    spec: CallSpec,
    outcome: Outcome,
    initial: "queued" | "scheduled" | "prepared",
    startInMs = 0,
  ): CallEntry {
    const entry: CallEntry = { execution: newExecution(id, spec, initial, Date.now()), spec, outcome };
    this.context.executions.set(id, entry);
    this.changed(entry, undefined);
    if (initial === "queued") this.schedule(entry, 1);
    if (initial === "scheduled") entry.timer = this.context.timers.after(startInMs, () => this.start(entry));
    return entry;
  }

  /** Hands a `prepared` or `scheduled` call to the dialler: it becomes `queued` and runs its timeline. */
  start(entry: CallEntry): void {
    if (!isStoppable(entry.execution.status)) return;
    this.move(entry, "queued");
    this.schedule(entry, 1);
  }

  /** Stops a call that has not been dialled yet; `false` when it is already past that. */
  stop(entry: CallEntry): boolean {
    if (!isStoppable(entry.execution.status)) return false;
    this.context.timers.cancel(entry.timer);
    entry.timer = undefined;
    this.move(entry, "stopped");
    return true;
  }

  /** Cancels what a dropped or closed execution had pending. */
  forget(entry: CallEntry): void {
    this.context.timers.cancel(entry.timer);
    entry.timer = undefined;
  }

  private schedule(entry: CallEntry, stepIndex: number): void {
    const step = stepsOf(entry.outcome)[stepIndex];
    if (step === undefined) return;
    entry.timer = this.context.timers.after(step.afterMs * this.context.timeScale, () => {
      entry.timer = undefined;
      this.move(entry, step.status);
      this.schedule(entry, stepIndex + 1);
    });
  }

  private move(entry: CallEntry, status: string): void {
    const from = entry.execution.status;
    const recordingUrl = this.context.recordingUrl(entry.execution.id);
    advance(entry.execution, status, Date.now(), this.context.seed, entry.spec, recordingUrl);
    this.changed(entry, from);
  }

  private changed(entry: CallEntry, from: string | undefined): void {
    this.context.onStatus(entry, from);
    const { execution } = entry;
    this.context.webhooks.send(this.context.webhookOf(execution.agent_id), execution, isTerminal(execution.status));
  }
}
