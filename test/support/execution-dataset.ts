/**
 * A deterministic set of Bolna-shaped executions for the export's fault test and the benchmark, generated lazily
 * from an index and a seed (nothing is stored, so 100 000 records cost no memory).
 *
 * Contract:
 * - `ExecutionDataset`: `count` executions of one agent spread evenly over [from, to). Record `i` is a Bolna-shaped
 *   execution of about 1–2 KB: a dashed v4-looking UUID `id` (unique: it embeds `i`), transcript, cost_breakdown,
 *   telephony_data with a string `duration`, naive microsecond timestamps. Creation times strictly increase with
 *   the index; a record whose evenly spread time falls on a multiple of `alignMs` keeps that instant exactly (no
 *   microsecond jitter), so window bounds on whole hours or days can hit records.
 * - `range(from, to)` and `listingOrder(from, to)`: the records with from ≤ created_at ≤ to (both inclusive,
 *   microsecond precision), as index bounds or newest first.
 */
import type { Execution } from "../../src/generated/schema.js";
import { naiveMicros } from "../../src/mock/executions.js";
import { hash32, hex, mulberry32 } from "./seeded-hash.js";

export const DEFAULT_AGENT_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

export interface DatasetOptions {
  agentId?: string;
  count: number;
  /** First record's time (inclusive). */
  from: Date | string;
  /** Records are spread over [from, to). */
  to: Date | string;
  seed?: number;
  /** See the module comment. Default: every record gets a sub-interval jitter. */
  alignMs?: number;
}

/** An instant in whole microseconds since the epoch (fits a double exactly until the year 2255). */
export type Micros = number;

function toMillis(value: Date | string | number, name: string): number {
  const ms = typeof value === "number" ? value : value instanceof Date ? value.getTime() : Date.parse(value);
  if (!Number.isFinite(ms)) throw new Error(`execution-dataset: ${name} is not a date: ${String(value)}`);
  return ms;
}

const FIRST_NAMES = ["Aarav", "Bruce", "Chen", "Divya", "Elena", "Farah", "Gopal", "Hana", "Ishaan", "Julia", "Kofi"];
const STATUSES: ReadonlyArray<readonly [string, number]> = [
  ["completed", 0.72],
  ["no-answer", 0.1],
  ["busy", 0.06],
  ["call-disconnected", 0.05],
  ["failed", 0.04],
  ["canceled", 0.03],
];
const ASSISTANT_LINES = [
  "Hello, this is Maya calling from Acme Logistics about your delivery.",
  "Your parcel is scheduled to arrive tomorrow between ten and twelve. Will you be at home?",
  "Perfect, I have noted that. Is the address on file still correct?",
  "Would you like us to leave it with a neighbour if you are not available?",
  "Thank you for confirming. You will get an SMS with the tracking link shortly.",
  "I understand. Shall I reschedule the delivery for Saturday morning instead?",
  "Is there anything else I can help you with today?",
];
const USER_LINES = [
  "Yes, speaking. What is this about?",
  "Tomorrow works, I will be home all morning.",
  "Actually I moved last month, the new address is 42 World Lane.",
  "Please leave it with the security desk downstairs.",
  "Can you call back later? I am driving right now.",
  "No, that is all. Thanks for the call.",
  "Saturday is better, yes.",
];

function pickStatus(roll: number): string {
  let acc = 0;
  for (const [status, weight] of STATUSES) {
    acc += weight;
    if (roll < acc) return status;
  }
  return "completed";
}

function phone(random: () => number, prefix: string): string {
  return `${prefix}${String(Math.floor(random() * 1e10)).padStart(10, "0")}`;
}

function cents(value: number): number {
  return Math.round(value * 100) / 100;
}

export class ExecutionDataset {
  readonly agentId: string;
  readonly count: number;
  readonly seed: number;
  readonly fromUs: Micros;
  readonly toUs: Micros;
  readonly #stepUs: number;
  readonly #jitterUs: number;
  readonly #alignUs: number | undefined;

  constructor(options: DatasetOptions) {
    const fromMs = toMillis(options.from, "from");
    const toMs = toMillis(options.to, "to");
    if (!Number.isInteger(options.count) || options.count < 1) throw new Error("execution-dataset: count must be ≥ 1");
    if (toMs <= fromMs) throw new Error("execution-dataset: to must be after from");
    this.agentId = options.agentId ?? DEFAULT_AGENT_ID;
    this.count = options.count;
    this.seed = options.seed ?? 1;
    this.fromUs = fromMs * 1000;
    this.toUs = toMs * 1000;
    this.#stepUs = (this.toUs - this.fromUs) / this.count;
    // Keeps times strictly increasing: consecutive base times differ by at least floor(step) (±1 for rounding).
    this.#jitterUs = Math.max(0, Math.floor(this.#stepUs) - 2);
    if (this.#stepUs < 3) throw new Error("execution-dataset: too many records for the time span");
    this.#alignUs = options.alignMs === undefined ? undefined : options.alignMs * 1000;
  }

  /** Creation time of record `i`, in microseconds. */
  timeUs(i: number): Micros {
    const base = this.fromUs + Math.floor(i * this.#stepUs);
    if (this.#alignUs !== undefined && base % this.#alignUs === 0) return base;
    return this.#jitterUs === 0 ? base : base + (hash32(this.seed, i, 1) % this.#jitterUs);
  }

  /** Record `i`'s `created_at`, without building the record. */
  createdAt(i: number): string {
    return naiveMicros(this.timeUs(i));
  }

  id(i: number): string {
    const h1 = hash32(this.seed, i, 2);
    const h2 = hash32(this.seed, i, 3);
    const variant = "89ab"[h2 & 3] as string;
    return `${hex(h1, 8)}-${hex(h2 >>> 8, 4)}-4${hex(h2 >>> 4, 3)}-${variant}${hex(h1 >>> 3, 3)}-${i.toString(16).padStart(12, "0")}`;
  }

  /** Record `i` as Bolna lists it. */
  record(i: number): Execution {
    const random = mulberry32(hash32(this.seed, i, 4));
    const id = this.id(i);
    const createdUs = this.timeUs(i);
    const status = pickStatus(random());
    const answered = status === "completed" || status === "call-disconnected";
    const turns = answered ? 2 + Math.floor(random() * 5) : 0;
    const lines: string[] = [];
    for (let t = 0; t < turns; t++) {
      lines.push(`assistant: ${ASSISTANT_LINES[Math.floor(random() * ASSISTANT_LINES.length)]}`);
      lines.push(`user: ${USER_LINES[Math.floor(random() * USER_LINES.length)]}`);
    }
    const seconds = answered ? 15 + Math.floor(random() * 240) : 0;
    const ring = 2 + Math.floor(random() * 20);
    const llm = answered ? cents(random() * 6) : 0;
    const synthesizer = answered ? cents(random() * 5) : 0;
    const transcriber = answered ? cents(seconds * 0.01) : 0;
    const network = cents(0.3 + seconds * 0.015);
    const platform = answered ? 2 : 0;
    const name = FIRST_NAMES[Math.floor(random() * FIRST_NAMES.length)] as string;
    const userNumber = phone(random, "+91");
    const agentNumber = phone(random, "+1");
    const outbound = random() < 0.8;
    const provider = random() < 0.7 ? "twilio" : "plivo";
    const batchId = random() < 0.3 ? `${hex(hash32(this.seed, Math.floor(i / 500), 5), 8)}${"0".repeat(24)}` : null;
    const updatedUs = createdUs + (seconds + ring + 3) * 1_000_000 + Math.floor(random() * 1_000_000);
    return {
      id,
      agent_id: this.agentId,
      batch_id: batchId,
      conversation_duration: answered ? seconds - 0.6 : 0,
      total_cost: cents(llm + synthesizer + transcriber + network + platform),
      status,
      error_message: status === "failed" ? "Call failed: the carrier rejected the number (SIP 404)." : null,
      answered_by_voice_mail: answered ? random() < 0.08 : null,
      transcript: lines.length > 0 ? `${lines.join("\n")}\n` : "",
      created_at: this.createdAt(i),
      updated_at: naiveMicros(updatedUs),
      initiated_at: naiveMicros(createdUs + 412_000),
      scheduled_at: null,
      cost_breakdown: { llm, network, platform, synthesizer, transcriber, transfer_cost: 0 },
      telephony_data: {
        duration: String(seconds),
        to_number: outbound ? userNumber : agentNumber,
        from_number: outbound ? agentNumber : userNumber,
        recording_url: answered ? `https://api.bolna.ai/recordings/call/${id}` : "",
        hosted_telephony: true,
        provider_call_id: `CA${hex(hash32(this.seed, i, 6), 8)}${hex(hash32(this.seed, i, 7), 8)}${hex(hash32(this.seed, i, 8), 8)}`,
        call_type: outbound ? "outbound" : "inbound",
        provider,
        hangup_by: answered ? (random() < 0.5 ? "Caller" : "Callee") : "Carrier",
        hangup_reason: answered ? "Normal Hangup" : status === "busy" ? "Busy" : "No Answer",
        hangup_provider_code: answered ? 4000 : status === "busy" ? 3010 : 3020,
        ring_duration: ring,
        post_dial_delay: 1,
        to_number_carrier: null,
      },
      transfer_call_data: null,
      batch_run_details: null,
      extracted_data: answered
        ? { user_interested: random() < 0.6, delivery_slot: random() < 0.5 ? "tomorrow 10-12" : "saturday morning" }
        : null,
      context_details: { recipient_data: { name }, recipient_phone_number: userNumber },
      user_number: userNumber,
      agent_number: agentNumber,
      summary: answered ? `${name} confirmed the delivery slot and the address on file.` : null,
      provider,
      retry_count: 0,
      usage_breakdown: {
        synthesizer_characters: answered ? 200 + Math.floor(random() * 800) : 0,
        transcriber_duration: seconds,
        llmTokens: answered ? 800 + Math.floor(random() * 2000) : 0,
      },
    };
  }

  /** First index whose time is ≥ `us` (`count` if none). */
  #lowerBound(us: Micros): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timeUs(mid) < us) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Indices `first..last` (ascending time) of the records with from ≤ time ≤ to; `count` 0 when none. */
  range(from: Date | string | number, to: Date | string | number): { first: number; last: number; count: number } {
    const first = this.#lowerBound(toMillis(from, "from") * 1000);
    const last = this.#lowerBound(toMillis(to, "to") * 1000 + 1) - 1;
    return { first, last, count: Math.max(0, last - first + 1) };
  }

  /** The indices of [from, to] in listing order (created_at descending). */
  listingOrder(from: Date | string | number, to: Date | string | number): number[] {
    const { first, last } = this.range(from, to);
    const out: number[] = [];
    for (let i = last; i >= first; i--) out.push(i);
    return out;
  }
}
