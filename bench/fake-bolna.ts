/**
 * A fake Bolna API on 127.0.0.1 for the export fault test (`test/unit/export-faults.test.ts`) and the benchmark
 * (`bench/run.ts`). Built on the test suite's fault-injecting server (`test/unit/support/fault-server.ts`), which
 * owns the sockets, resets, delays and bounds; this module only decides what each request gets.
 *
 * Contract:
 * - `ExecutionDataset`: `count` executions of one agent spread evenly over [from, to), generated lazily and
 *   deterministically from their index and a seed (nothing is stored, so 100 000 records cost no server memory).
 *   Record `i` is a Bolna-shaped execution of about 1–2 KB: a dashed v4-looking UUID `id` (unique: it embeds `i`),
 *   transcript, cost_breakdown, telephony_data with a string `duration`, naive microsecond timestamps. Creation
 *   times strictly increase with the index; a record whose evenly spread time falls on a multiple of `alignMs`
 *   keeps that instant exactly (no microsecond jitter), so window bounds on whole hours or days can hit records.
 * - `GET /v2/agent/{agent_id}/executions?from&to&page_number&page_size`: the dataset's records with
 *   from ≤ created_at ≤ to (both inclusive, microsecond precision), sorted by created_at descending, as
 *   `{ page_number, page_size, total, has_more, data }`. 400 `{detail}` for a missing or unparsable bound, from after
 *   to, a window over `maxWindowDays` (default 7), page_number < 1, page_size outside 1–50, or a filter (status,
 *   call_type, …: not simulated, refused rather than ignored). Another agent's listing is empty. 403 without a
 *   Bearer token.
 * - `GET /v2/agent/{agent_id}`: a small fixed agent object, answered at once (no latency, limit or faults): the
 *   control endpoint for per-request overhead. Anything else: 404.
 * - On the executions listing only, in this order: `latencyMs` is added to every answer (faults included); a
 *   sliding-window `rateLimit` counted at arrival answers 429 with `Retry-After` (whole seconds) and the exact
 *   `retry-after-ms`; `override` may script a fault for a query; `faults` injects 500/502/503/429/reset with a given
 *   probability. The injected fault depends only on (seed, query, how many times that query was asked before), so a
 *   run is reproducible whatever the interleaving of parallel requests.
 * - `stats` counts what was answered, so callers can check the fault rate they actually got.
 */
import type { Execution } from "../src/generated/schema.js";
import {
  startFaultServer,
  type Fault,
  type FaultServer,
  type RecordedRequest,
} from "../test/unit/support/fault-server.js";

const DAY_MS = 86_400_000;
export const MAX_PAGE_SIZE = 50;
export const DEFAULT_AGENT_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

// ---------------------------------------------------------------------------------------------------------------
// Deterministic randomness

/** murmur3's 32-bit finaliser: a good avalanche for sequential inputs. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of small non-negative integers (an index above 2^32 folds its high part in). */
export function hash32(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = fmix32(h ^ fmix32(part >>> 0) ^ Math.imul(Math.floor(part / 0x1_0000_0000) >>> 0, 0x27d4eb2f));
  }
  return h;
}

/** FNV-1a over a string's UTF-16 code units. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** mulberry32: a small seeded PRNG giving floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

function hex(value: number, digits: number): string {
  return (value >>> 0).toString(16).padStart(8, "0").slice(-digits);
}

// ---------------------------------------------------------------------------------------------------------------
// Dataset

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
type Micros = number;

function toMillis(value: Date | string | number, name: string): number {
  const ms = typeof value === "number" ? value : value instanceof Date ? value.getTime() : Date.parse(value);
  if (!Number.isFinite(ms)) throw new Error(`fake-bolna: ${name} is not a date: ${String(value)}`);
  return ms;
}

/** `2026-01-28T13:17:50.116924`: naive (UTC) with microseconds, as the live API sends it. */
export function naiveMicros(us: Micros): string {
  const ms = Math.floor(us / 1000);
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(us % 1_000_000).padStart(6, "0")}`;
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
    if (!Number.isInteger(options.count) || options.count < 1) throw new Error("fake-bolna: count must be ≥ 1");
    if (toMs <= fromMs) throw new Error("fake-bolna: to must be after from");
    this.agentId = options.agentId ?? DEFAULT_AGENT_ID;
    this.count = options.count;
    this.seed = options.seed ?? 1;
    this.fromUs = fromMs * 1000;
    this.toUs = toMs * 1000;
    this.#stepUs = (this.toUs - this.fromUs) / this.count;
    // Keeps times strictly increasing: consecutive base times differ by at least floor(step) (±1 for rounding).
    this.#jitterUs = Math.max(0, Math.floor(this.#stepUs) - 2);
    if (this.#stepUs < 3) throw new Error("fake-bolna: too many records for the time span");
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

// ---------------------------------------------------------------------------------------------------------------
// Server

export type FaultKind = "500" | "502" | "503" | "429" | "reset";

export interface ExecutionsQuery {
  agentId: string;
  from: string;
  to: string;
  pageNumber: number;
  pageSize: number;
  /** How many times this exact query was answered (not rate-limited) before: 0 on the first attempt. */
  attempt: number;
}

export interface FakeBolnaOptions {
  dataset: ExecutionDataset | DatasetOptions;
  /** Added to every answer of the executions listing. Default 0. */
  latencyMs?: number;
  /** Sliding-window limit on the executions listing, counted at arrival. Default: none. */
  rateLimit?: { limit: number; windowMs: number };
  faults?: {
    /** Probability in [0, 1] that an answered query gets an injected fault. */
    rate: number;
    seed?: number;
    /** Relative weights. Default: all five equally. */
    kinds?: Partial<Record<FaultKind, number>>;
    /** `retry-after-ms` sent with an injected 429 (its `Retry-After` is the same rounded up to seconds). Default 20. */
    retryAfterMs?: number;
  };
  /** A scripted fault for a query, checked before the random ones (e.g. a page that always fails). */
  override?: (query: ExecutionsQuery) => Fault | undefined;
  /** Widest from/to window accepted. Default 7. */
  maxWindowDays?: number;
  /** Passed to the fault server. Default 200 000 requests, 10 minutes. */
  maxRequests?: number;
  lifetimeMs?: number;
}

export interface FakeBolnaStats {
  /** Requests to the executions listing, whatever the answer. */
  listRequests: number;
  /** Listing pages served with 200. */
  pagesServed: number;
  /** 429s from the server's own rate limit. */
  rateLimited: number;
  /** Injected random faults, by kind. */
  injected: Record<FaultKind, number>;
  /** Faults from `override`. */
  scripted: number;
  /** 400s (bad query). */
  rejected: number;
  /** Requests to `GET /v2/agent/{id}`. */
  agentRequests: number;
}

export interface FakeBolna {
  url: string;
  dataset: ExecutionDataset;
  stats: FakeBolnaStats;
  /** Every request, as the fault server recorded it. */
  requests: FaultServer["requests"];
  handlerErrors: FaultServer["handlerErrors"];
  /** Clears `stats` (not the fault attempts nor the rate-limit window). */
  resetStats(): void;
  close(): Promise<void>;
}

const EXECUTIONS_PATH = /^\/v2\/agent\/([^/]+)\/executions\/?$/;
const AGENT_PATH = /^\/v2\/agent\/([^/]+)\/?$/;
const FILTERS = ["status", "call_type", "provider", "answered_by_voice_mail", "batch_id"];
const FAULT_KINDS: readonly FaultKind[] = ["500", "502", "503", "429", "reset"];
/** An instant with `Z` or a numeric offset, as the client sends `from`/`to`. */
const ZONED = /(?:[Zz]|[+-]\d{2}:\d{2})$/;

function emptyStats(): FakeBolnaStats {
  return {
    listRequests: 0,
    pagesServed: 0,
    rateLimited: 0,
    injected: { "500": 0, "502": 0, "503": 0, "429": 0, reset: 0 },
    scripted: 0,
    rejected: 0,
    agentRequests: 0,
  };
}

function agentBody(agentId: string): object {
  return {
    id: agentId,
    agent_name: "Delivery confirmations",
    agent_type: "other",
    agent_status: "processed",
    created_at: "2026-01-02T09:14:03.512233",
    updated_at: "2026-03-11T17:40:22.004817",
    tasks: [
      {
        task_type: "conversation",
        tools_config: {
          llm_agent: { agent_type: "simple_llm_agent", llm_config: { provider: "openai", model: "gpt-4.1-mini" } },
          synthesizer: { provider: "elevenlabs", stream: true, buffer_size: 250, audio_format: "wav" },
          transcriber: { provider: "deepgram", model: "nova-3", language: "en", stream: true },
          input: { provider: "twilio", format: "wav" },
          output: { provider: "twilio", format: "wav" },
        },
        toolchain: { execution: "parallel", pipelines: [["transcriber", "llm", "synthesizer"]] },
        task_config: { hangup_after_silence: 10, call_terminate: 300, backchanneling: false },
      },
    ],
    agent_prompts: { task_1: { system_prompt: "You are Maya, a courteous delivery assistant for Acme Logistics." } },
  };
}

function badRequest(detail: string): Fault {
  return { status: 400, body: { detail } };
}

export async function startFakeBolna(options: FakeBolnaOptions): Promise<FakeBolna> {
  const dataset = options.dataset instanceof ExecutionDataset ? options.dataset : new ExecutionDataset(options.dataset);
  const latencyMs = options.latencyMs ?? 0;
  const maxWindowMs = (options.maxWindowDays ?? 7) * DAY_MS;
  const faults = options.faults;
  const faultSeed = faults?.seed ?? 7;
  const weights = FAULT_KINDS.map((kind) => Math.max(0, faults?.kinds?.[kind] ?? (faults?.kinds ? 0 : 1)));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const retryAfterMs = faults?.retryAfterMs ?? 20;
  const attempts = new Map<string, number>();
  /** Arrival times inside the rate-limit window, oldest first (a ring would do; the limit is small). */
  const arrivals: number[] = [];
  let stats = emptyStats();

  const delayed = (fault: Fault): Fault => ("hang" in fault || latencyMs === 0 ? fault : { ...fault, delayMs: latencyMs });

  function rateLimited(): Fault | undefined {
    const limit = options.rateLimit;
    if (limit === undefined) return undefined;
    const now = performance.now();
    while (arrivals.length > 0 && (arrivals[0] as number) + limit.windowMs <= now) arrivals.shift();
    if (arrivals.length < limit.limit) {
      arrivals.push(now);
      return undefined;
    }
    const waitMs = Math.max(1, Math.ceil((arrivals[arrivals.length - limit.limit] as number) + limit.windowMs - now));
    return {
      status: 429,
      headers: { "retry-after": String(Math.ceil(waitMs / 1000)), "retry-after-ms": String(waitMs) },
      body: { detail: `Rate limit exceeded: ${limit.limit} requests per ${limit.windowMs} ms` },
    };
  }

  function injected(key: string, attempt: number): Fault | undefined {
    if (faults === undefined || faults.rate <= 0 || weightSum === 0) return undefined;
    const roll = hash32(faultSeed, hashString(key), attempt) / 0x1_0000_0000;
    if (roll >= faults.rate) return undefined;
    let pick = (hash32(faultSeed, hashString(key), attempt, 1) / 0x1_0000_0000) * weightSum;
    let kind: FaultKind = "reset";
    for (let k = 0; k < FAULT_KINDS.length; k++) {
      pick -= weights[k] as number;
      if (pick < 0) {
        kind = FAULT_KINDS[k] as FaultKind;
        break;
      }
    }
    stats.injected[kind]++;
    switch (kind) {
      case "reset":
        return { reset: true };
      case "429":
        return {
          status: 429,
          headers: { "retry-after": String(Math.ceil(retryAfterMs / 1000)), "retry-after-ms": String(retryAfterMs) },
          body: { detail: "Too many requests (injected)" },
        };
      default:
        return { status: Number(kind), body: kind === "502" ? "<html><body>502 Bad Gateway</body></html>" : { detail: `Injected ${kind}` } };
    }
  }

  function parseQuery(request: RecordedRequest, agentId: string): ExecutionsQuery | Fault {
    const { query } = request;
    for (const name of FILTERS) {
      if (query.has(name)) return badRequest(`fake-bolna does not simulate the ${name} filter`);
    }
    const from = query.get("from");
    const to = query.get("to");
    if (from === null || to === null) return badRequest("from and to are required");
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    if (!ZONED.test(from) || !ZONED.test(to) || Number.isNaN(fromMs) || Number.isNaN(toMs)) {
      return badRequest("from and to must be ISO-8601 date-times with Z or an offset");
    }
    if (fromMs > toMs) return badRequest("from must not be after to");
    if (toMs - fromMs > maxWindowMs) return badRequest(`The window may span at most ${maxWindowMs / DAY_MS} days`);
    const pageNumber = Number(query.get("page_number") ?? "1");
    const pageSize = Number(query.get("page_size") ?? "20");
    if (!Number.isInteger(pageNumber) || pageNumber < 1) return badRequest("page_number must be an integer ≥ 1");
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      return badRequest(`page_size must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    return { agentId, from, to, pageNumber, pageSize, attempt: 0 };
  }

  function page(query: ExecutionsQuery): Fault {
    const { first, last, count } =
      query.agentId === dataset.agentId ? dataset.range(query.from, query.to) : { first: 0, last: -1, count: 0 };
    const skip = (query.pageNumber - 1) * query.pageSize;
    const data: Execution[] = [];
    // Descending: the newest record (index `last`) comes first.
    for (let i = last - skip; i >= first && data.length < query.pageSize; i--) data.push(dataset.record(i));
    stats.pagesServed++;
    return {
      status: 200,
      body: {
        page_number: query.pageNumber,
        page_size: query.pageSize,
        total: count,
        has_more: skip + data.length < count,
        data,
      },
    };
  }

  function listExecutions(request: RecordedRequest, agentId: string): Fault {
    stats.listRequests++;
    const limited = rateLimited();
    if (limited !== undefined) {
      stats.rateLimited++;
      return limited;
    }
    const parsed = parseQuery(request, agentId);
    if (!("agentId" in parsed)) {
      stats.rejected++;
      return parsed;
    }
    const key = `${parsed.agentId}|${parsed.from}|${parsed.to}|${parsed.pageNumber}|${parsed.pageSize}`;
    const attempt = attempts.get(key) ?? 0;
    attempts.set(key, attempt + 1);
    const query = { ...parsed, attempt };
    const scripted = options.override?.(query);
    if (scripted !== undefined) {
      stats.scripted++;
      return scripted;
    }
    return injected(key, attempt) ?? page(query);
  }

  const server = await startFaultServer(
    (request) => {
      if (request.method !== "GET") return { status: 405, body: { detail: "Method Not Allowed" } };
      if (!/^Bearer \S+/.test(String(request.headers.authorization ?? ""))) {
        return { status: 403, body: { detail: "Invalid API key: no Bearer token" } };
      }
      const list = EXECUTIONS_PATH.exec(request.path);
      if (list !== null) return delayed(listExecutions(request, decodeURIComponent(list[1] as string)));
      const agent = AGENT_PATH.exec(request.path);
      if (agent !== null) {
        stats.agentRequests++;
        return { status: 200, body: agentBody(decodeURIComponent(agent[1] as string)) };
      }
      return { status: 404, body: { detail: "Not Found" } };
    },
    { maxRequests: options.maxRequests ?? 200_000, lifetimeMs: options.lifetimeMs ?? 600_000 },
  );

  return {
    url: server.url,
    dataset,
    get stats() {
      return stats;
    },
    requests: server.requests,
    handlerErrors: server.handlerErrors,
    resetStats() {
      stats = emptyStats();
    },
    close: () => server.close(),
  };
}
