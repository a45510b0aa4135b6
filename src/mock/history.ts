/**
 * The executions the stateful mock starts with: `count` finished calls spread over the `HISTORY_DAYS` days before
 * it started, oldest first, so a month-long export, a resumed export and every listing filter have something to
 * find. Each one is built by the same steps a live call goes through, at made-up (seeded) times: outcomes,
 * directions, providers and voicemail answers vary with the seed.
 */
import { advance, newExecution, seededUuid, type CallSpec } from "./execution-record.js";
import type { CallEntry } from "./calls.js";
import { hash32, roll } from "./seeded-hash.js";
import { stepsOf, type Outcome } from "./timeline.js";

export const HISTORY_DAYS = 35;
export const DEFAULT_HISTORY = 200;
/** The `kind` of `seededUuid` for execution ids. */
export const EXECUTION_ID_KIND = 1;

const DAY_MS = 86_400_000;
const PROVIDERS = ["twilio", "plivo", "vobiz", "exotel"];
/** Cumulative shares of the outcomes in the history. */
const OUTCOME_SHARES: ReadonlyArray<readonly [number, Outcome]> = [
  [0.65, "completed"],
  [0.75, "busy"],
  [0.85, "no-answer"],
  [0.91, "failed"],
  [0.96, "error"],
  [1, "balance-low"],
];
/** History steps are further apart than a live call's (minutes, not seconds): the live API's pace. */
const HISTORY_PACE = 40;

export interface HistoryContext {
  readonly seed: number;
  readonly count: number;
  readonly startedAt: number;
  /** Agents the calls are spread over; the first gets most of them. */
  readonly agentIds: readonly string[];
  recordingUrl(executionId: string): string;
}

function outcomeAt(seed: number, index: number): Outcome {
  const dice = roll(seed, index, 10);
  return OUTCOME_SHARES.find(([share]) => dice < share)?.[1] ?? "completed";
}

/** The history's executions, oldest first, numbered 0 to `count - 1`. */
export function seedHistory(context: HistoryContext): CallEntry[] {
  const { seed, count, startedAt, agentIds } = context;
  // At least ten minutes old, so even the newest is finished when the mock starts.
  const ages = Array.from({ length: count }, (_, index) => 600_000 + roll(seed, index, 11) * HISTORY_DAYS * DAY_MS);
  ages.sort((a, b) => b - a);
  return ages.map((age, index) => {
    const outcome = outcomeAt(seed, index);
    const inbound = outcome === "completed" && roll(seed, index, 12) < 0.2;
    const agentId =
      agentIds[roll(seed, index, 13) < 0.7 ? 0 : hash32(seed, index, 14) % agentIds.length] ?? agentIds[0] ?? "";
    const spec: CallSpec = {
      index,
      agentId,
      recipient: `+1415555${String(1000 + (hash32(seed, index, 15) % 9000))}`,
      from: "+19876543007",
      callType: inbound ? "inbound" : "outbound",
      provider: PROVIDERS[hash32(seed, index, 16) % PROVIDERS.length] ?? "twilio",
      answeredByVoiceMail: outcome === "completed" && !inbound && roll(seed, index, 17) < 0.1,
    };
    const id = seededUuid(seed, EXECUTION_ID_KIND, index);
    let at = startedAt - age;
    const execution = newExecution(id, spec, "queued", at);
    for (const step of stepsOf(outcome).slice(1)) {
      at += step.afterMs * HISTORY_PACE;
      advance(execution, step.status, at, seed, spec, context.recordingUrl(id));
    }
    return { execution, spec, outcome };
  });
}
