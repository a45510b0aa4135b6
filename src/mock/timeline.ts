/**
 * Which statuses a call of the stateful mock goes through, and when: the outcome rule users control, and the
 * steps of each outcome with their delays at `timeScale` 1 (a completed call takes 3 s of wall time; `timeScale`
 * multiplies every delay).
 *
 * The outcome rule: the recipient number's last two digits pick the outcome (`01` busy, `02` no-answer, `03`
 * failed, `04` balance-low, `05` error, anything else completed); a `X-Mock-Outcome: <status>` header on
 * `POST /call` overrides them.
 */

export const OUTCOMES = ["completed", "busy", "no-answer", "failed", "balance-low", "error"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The request header of `POST /call` that picks the outcome, whatever the number. */
export const OUTCOME_HEADER = "x-mock-outcome";

const BY_LAST_DIGITS: Readonly<Record<string, Outcome>> = {
  "01": "busy",
  "02": "no-answer",
  "03": "failed",
  "04": "balance-low",
  "05": "error",
};

export function isOutcome(value: string): value is Outcome {
  return (OUTCOMES as readonly string[]).includes(value);
}

/** The outcome of a call to `recipient`: the header's when given, else the one its last two digits pick. */
export function outcomeOf(recipient: string, header?: string): Outcome {
  if (header !== undefined && isOutcome(header)) return header;
  return BY_LAST_DIGITS[recipient.slice(-2)] ?? "completed";
}

export interface Step {
  readonly status: string;
  /** Milliseconds after the previous step, at `timeScale` 1. */
  readonly afterMs: number;
}

const STEPS: Readonly<Record<Outcome, readonly Step[]>> = {
  completed: [
    { status: "queued", afterMs: 0 },
    { status: "initiated", afterMs: 400 },
    { status: "ringing", afterMs: 500 },
    { status: "in-progress", afterMs: 700 },
    { status: "call-disconnected", afterMs: 900 },
    { status: "completed", afterMs: 500 },
  ],
  busy: [
    { status: "queued", afterMs: 0 },
    { status: "initiated", afterMs: 400 },
    { status: "ringing", afterMs: 500 },
    { status: "busy", afterMs: 600 },
  ],
  "no-answer": [
    { status: "queued", afterMs: 0 },
    { status: "initiated", afterMs: 400 },
    { status: "ringing", afterMs: 500 },
    { status: "no-answer", afterMs: 1_100 },
  ],
  failed: [
    { status: "queued", afterMs: 0 },
    { status: "initiated", afterMs: 400 },
    { status: "failed", afterMs: 300 },
  ],
  "balance-low": [
    { status: "queued", afterMs: 0 },
    { status: "balance-low", afterMs: 300 },
  ],
  error: [
    { status: "queued", afterMs: 0 },
    { status: "initiated", afterMs: 400 },
    { status: "error", afterMs: 400 },
  ],
};

/** The steps of a call with this outcome, `queued` first and the outcome last. */
export function stepsOf(outcome: Outcome): readonly Step[] {
  return STEPS[outcome];
}

/** Wall time of a whole completed call at `timeScale` 1. */
export const COMPLETED_TIMELINE_MS = STEPS.completed.reduce((sum, step) => sum + step.afterMs, 0);

/** Statuses after which nothing more happens to a call. */
const TERMINAL: ReadonlySet<string> = new Set([...OUTCOMES, "stopped", "canceled"]);

export function isTerminal(status: string): boolean {
  return TERMINAL.has(status);
}

/** Statuses a stop still catches: the call has not been handed to the dialler yet. */
const STOPPABLE: ReadonlySet<string> = new Set(["prepared", "scheduled", "queued"]);

export function isStoppable(status: string): boolean {
  return STOPPABLE.has(status);
}
