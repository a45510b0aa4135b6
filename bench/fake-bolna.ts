/**
 * A fake Bolna API on 127.0.0.1 for the export fault test (`test/unit/export-faults.test.ts`) and the benchmark
 * (`bench/run.ts`). Built on the test suite's fault-injecting server (`test/unit/support/fault-server.ts`), which
 * owns the sockets, resets, delays and bounds; the records come from `test/support/execution-dataset.ts`; this
 * module only decides what each request gets.
 *
 * Contract:
 * - `GET /v2/agent/{agent_id}/executions?from&to&page_number&page_size`: the records with
 *   from ≤ created_at ≤ to (both inclusive, microsecond precision), sorted by created_at descending, as
 *   `{ page_number, page_size, total, has_more, data }`. 400 `{detail}` for a missing or unparsable bound, from after
 *   to, a window over `maxWindowDays` (default 7), page_number < 1, page_size outside 1–50, or a filter (the
 *   export's filter names, not simulated: refused rather than ignored). Another agent's listing is empty. 403
 *   without a Bearer token.
 * - `live`: the agent keeps taking calls. Every `insertEvery`-th answered listing request first creates a call
 *   "now" on the server's clock, which starts at `clockStart` (default: the dataset's end) and runs in real time.
 *   New calls are listed with the dataset's; their ids end in `f` and 11 hex digits, never a dataset id.
 * - `GET /v2/agent/{agent_id}`: a small fixed agent object, answered at once (no latency, limit or faults): the
 *   control endpoint for per-request overhead. Anything else: 404.
 * - On the executions listing only, in this order: `latencyMs` is added to every answer (faults included); a
 *   sliding-window `rateLimit` counted at arrival answers 429 with `Retry-After` (whole seconds) and the exact
 *   `retry-after-ms`; `override` may script a fault for a query; `faults` injects 500/502/503/429/reset with a given
 *   probability. The injected fault depends only on (seed, query, how many times that query was asked before), so a
 *   run is reproducible whatever the interleaving of parallel requests.
 * - `stats` counts what was answered, so callers can check the fault rate they actually got.
 */
import { executionFilterNames } from "../src/extensions/export/plan.js";
import type { Execution } from "../src/generated/schema.js";
import {
  ExecutionDataset,
  hash32,
  hashString,
  naiveMicros,
  type DatasetOptions,
} from "../test/support/execution-dataset.js";
import {
  startFaultServer,
  type Fault,
  type FaultServer,
  type RecordedRequest,
} from "../test/unit/support/fault-server.js";

export { DEFAULT_AGENT_ID, ExecutionDataset, type DatasetOptions } from "../test/support/execution-dataset.js";

const DAY_MS = 86_400_000;
export const MAX_PAGE_SIZE = 50;

/** Whether an id is one of the calls `live` created (never a dataset id). */
export function isCreatedCall(id: string): boolean {
  return /-f[0-9a-f]{11}$/.test(id);
}

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
  /** Calls created while the listing is read (see the module comment). */
  live?: { insertEvery: number; clockStart?: string };
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
  /** Calls created by `live`. */
  inserted: number;
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
    inserted: 0,
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
  /** Calls created during the run (`live`), oldest first; all newer than the dataset's records. */
  const created: Array<{ us: number; record: Execution }> = [];
  const clockStartUs = options.live?.clockStart ? Date.parse(options.live.clockStart) * 1000 : dataset.toUs;
  const startedAt = performance.now();
  let answered = 0;

  function createCall(): void {
    const elapsedUs = Math.floor((performance.now() - startedAt) * 1000);
    const us = Math.max(clockStartUs + elapsedUs, (created.at(-1)?.us ?? clockStartUs) + 1);
    const n = created.length;
    const template = dataset.record(n % dataset.count);
    const id = `${template.id.slice(0, -12)}f${n.toString(16).padStart(11, "0")}`;
    created.push({ us, record: { ...template, id, created_at: naiveMicros(us), status: "queued" } });
    stats.inserted++;
  }

  const delayed = (fault: Fault): Fault =>
    "hang" in fault || latencyMs === 0 ? fault : { ...fault, delayMs: latencyMs };

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
        return {
          status: Number(kind),
          body: kind === "502" ? "<html><body>502 Bad Gateway</body></html>" : { detail: `Injected ${kind}` },
        };
    }
  }

  function parseQuery(request: RecordedRequest, agentId: string): ExecutionsQuery | Fault {
    const { query } = request;
    for (const name of executionFilterNames()) {
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
    const mine = query.agentId === dataset.agentId;
    const { first, last, count } = mine ? dataset.range(query.from, query.to) : { first: 0, last: -1, count: 0 };
    const [fromUs, toUs] = [Date.parse(query.from) * 1000, Date.parse(query.to) * 1000];
    // Newest first: calls created during the run (all newer than the dataset), then the dataset from `last` down.
    const fresh = mine ? created.filter((call) => call.us >= fromUs && call.us <= toUs).reverse() : [];
    const total = fresh.length + count;
    const skip = (query.pageNumber - 1) * query.pageSize;
    const data: Execution[] = fresh.slice(skip, skip + query.pageSize).map((call) => call.record);
    for (let i = last - Math.max(0, skip - fresh.length); i >= first && data.length < query.pageSize; i--) {
      data.push(dataset.record(i));
    }
    stats.pagesServed++;
    return {
      status: 200,
      body: {
        page_number: query.pageNumber,
        page_size: query.pageSize,
        total,
        has_more: skip + data.length < total,
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
    if (options.live && ++answered % options.live.insertEvery === 0) createCall();
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
