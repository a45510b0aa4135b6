/**
 * The execution objects of the stateful mock: what a call record holds at each status, filled in the way the live
 * API fills it (the transcript at `call-disconnected` with `conversation_duration: 0` and an empty recording URL;
 * recording, cost and final duration at `completed`). Every made-up detail (durations, costs, carrier ids) is a
 * function of the seed and the execution's number, never of a shared random state.
 */
import type { Execution } from "../generated/schema.js";
import { naiveMicros } from "./executions.js";
import { hash32, hex, roll } from "./seeded-hash.js";

/** What a call is created with. */
export interface CallSpec {
  /** The execution's sequence number: with the seed, it decides every made-up detail. */
  readonly index: number;
  readonly agentId: string;
  readonly recipient: string;
  readonly from: string;
  readonly userData?: Readonly<Record<string, unknown>>;
  readonly batchId?: string | null;
  readonly scheduledAt?: string | null;
  readonly callType?: "inbound" | "outbound";
  readonly provider?: string;
  readonly answeredByVoiceMail?: boolean;
}

/** A UUID-shaped id made from the seed and a number (the same pair gives the same id). */
export function seededUuid(seed: number, kind: number, index: number): string {
  const h = [0, 1, 2, 3].map((part) => hex(hash32(seed, kind, index, part), 8)).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${"89ab"[hash32(seed, kind, index) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A timestamp in the naive microsecond form the live API writes (`2026-01-28T13:17:50.116924`). */
export function naiveTimestamp(ms: number): string {
  return naiveMicros(Math.round(ms * 1000));
}

const cents = (value: number): number => Math.round(value * 100) / 100;

/** A fresh execution in `status` (`queued`, `scheduled` or `prepared`), created at `nowMs`. */
export function newExecution(id: string, spec: CallSpec, status: string, nowMs: number): Execution {
  const provider = spec.provider ?? "twilio";
  const inbound = spec.callType === "inbound";
  const created = naiveTimestamp(nowMs);
  return {
    id,
    agent_id: spec.agentId,
    batch_id: spec.batchId ?? null,
    status,
    conversation_duration: null,
    total_cost: null,
    error_message: null,
    answered_by_voice_mail: null,
    transcript: null,
    created_at: created,
    updated_at: created,
    cost_breakdown: null,
    telephony_data: {
      duration: null,
      to_number: inbound ? spec.from : spec.recipient,
      from_number: inbound ? spec.recipient : spec.from,
      recording_url: "",
      hosted_telephony: true,
      provider_call_id: null,
      call_type: spec.callType ?? "outbound",
      provider,
      hangup_by: null,
      hangup_reason: null,
      hangup_provider_code: null,
      ring_duration: null,
      post_dial_delay: null,
      to_number_carrier: null,
    },
    transfer_call_data: null,
    batch_run_details: spec.batchId == null ? null : { status, created_at: created, updated_at: created, retried: 0 },
    context_details: { recipient_data: { ...spec.userData }, recipient_phone_number: spec.recipient },
    user_number: spec.recipient,
    agent_number: spec.from,
    summary: null,
    scheduled_at: spec.scheduledAt ?? null,
    initiated_at: null,
    provider,
    retry_count: 0,
  };
}

/** Seconds of conversation and ringing of a completed call, made up from the seed. */
function conversationOf(seed: number, index: number): { talk: number; ring: number } {
  return { talk: Math.round((20 + 160 * roll(seed, index, 1)) * 10) / 10, ring: 2 + (hash32(seed, index, 2) % 8) };
}

function transcriptOf(spec: CallSpec): string {
  const name = typeof spec.userData?.["name"] === "string" ? ` ${spec.userData["name"]}` : "";
  return (
    `assistant: Hello${name}, this is a call from the Bolna mock.\n` +
    `user: Hi, yes, go ahead.\n` +
    `assistant: Your delivery arrives tomorrow between 10 and 12. Will you be home?\n` +
    `user: Yes, I will.\n`
  );
}

const FAILURES: Readonly<Record<string, { message: string | null; hangup: string; code: number | null }>> = {
  busy: { message: null, hangup: "Busy", code: 3010 },
  "no-answer": { message: null, hangup: "No Answer", code: null },
  failed: { message: "The carrier could not connect the call.", hangup: "Failed", code: null },
  "balance-low": { message: "The account balance is too low to place this call.", hangup: "Balance Low", code: null },
  error: { message: "The call ended with an internal error.", hangup: "Error", code: null },
  stopped: { message: null, hangup: "Stopped", code: null },
};

/**
 * Moves `execution` (in place) to `status` at `nowMs`, filling in what the live API fills in at that status.
 * `recordingUrl` is where the recording of a completed call is served.
 */
export function advance(
  execution: Execution,
  status: string,
  nowMs: number,
  seed: number,
  spec: CallSpec,
  recordingUrl: string,
): void {
  const stamp = naiveTimestamp(nowMs);
  const telephony = execution.telephony_data ?? {};
  execution.status = status;
  execution.updated_at = stamp;
  if (execution.batch_run_details) Object.assign(execution.batch_run_details, { status, updated_at: stamp });

  if (status === "initiated") {
    execution.initiated_at = stamp;
    telephony.provider_call_id = `CA${hex(hash32(seed, spec.index, 3), 8)}${hex(hash32(seed, spec.index, 4), 8)}`;
    telephony.post_dial_delay = 1;
  } else if (status === "call-disconnected" || status === "completed") {
    const { talk, ring } = conversationOf(seed, spec.index);
    execution.transcript = transcriptOf(spec);
    execution.answered_by_voice_mail = spec.answeredByVoiceMail ?? false;
    Object.assign(telephony, {
      duration: String(Math.ceil(talk + 1)),
      hangup_by: roll(seed, spec.index, 5) < 0.5 ? "Caller" : "Callee",
      hangup_reason: "Normal Hangup",
      hangup_provider_code: 4000,
      ring_duration: ring,
    });
    execution.conversation_duration = 0;
    if (status === "completed") completeWith(execution, talk, seed, spec, recordingUrl);
  } else if (status in FAILURES) {
    const failure = FAILURES[status];
    execution.error_message = failure?.message ?? null;
    execution.conversation_duration = 0;
    execution.total_cost = 0;
    Object.assign(telephony, {
      duration: "0.0",
      hangup_by: status === "busy" || status === "no-answer" ? "Callee" : null,
      hangup_reason: failure?.hangup ?? null,
      hangup_provider_code: failure?.code ?? null,
    });
  }
  execution.telephony_data = telephony;
}

/** The fields that arrive only with `completed`: the final duration, the cost by leg, the recording, a summary. */
function completeWith(execution: Execution, talk: number, seed: number, spec: CallSpec, recordingUrl: string): void {
  const minutes = talk / 60;
  const legs = {
    llm: cents(minutes * (2 + roll(seed, spec.index, 6))),
    network: cents(minutes * 1.2),
    platform: cents(minutes * 2),
    synthesizer: cents(minutes * (3 + roll(seed, spec.index, 7))),
    transcriber: cents(minutes * 0.7),
  };
  execution.conversation_duration = talk;
  execution.cost_breakdown = { ...legs, transfer_cost: 0 };
  execution.total_cost = cents(Object.values(legs).reduce((sum, leg) => sum + leg, 0));
  execution.summary = "The customer confirmed they will be home for tomorrow's delivery.";
  if (execution.telephony_data) execution.telephony_data.recording_url = recordingUrl;
}
