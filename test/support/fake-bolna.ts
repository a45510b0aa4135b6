/**
 * A fake Bolna API on 127.0.0.1 for the export's fault tests, the CLI's export tests and the benchmark: the
 * test suite's fault-injecting server (`fault-server.ts`) answering from a generated dataset
 * (`execution-dataset.ts`). This module only decides what each request gets; each decision lives in its own module.
 *
 * Contract:
 * - `GET /v2/agent/{agent_id}/executions`: a query the spec refuses gets 400 `{detail}` (`listing-query.ts`: types,
 *   bounds, enums, required bounds, the widest window, and filters, which the fake does not simulate). Otherwise the
 *   records with from ≤ created_at ≤ to (both inclusive, microsecond precision), newest first, as
 *   `{ page_number, page_size, total, has_more, data }`. Another agent's listing is empty.
 * - `live`: the agent keeps taking calls (`created-calls.ts`): every `insertEvery`-th answered listing request
 *   first creates one "now", listed with the dataset's records.
 * - `GET /v2/agent/{agent_id}`: the spec's example agent with the id asked for, answered at once (no latency,
 *   limit or faults): the control endpoint for per-request overhead. Any other path: 404; any other operation of
 *   the spec: 405. Without a Bearer token: 403.
 * - On the executions listing only, in this order: `latencyMs` is added to every answer (faults included);
 *   `rateLimit` answers 429 (`rate-window.ts`); `override` may script a fault for a query; `faults` injects
 *   500/502/503/429/reset (`injected-faults.ts`), reproducibly whatever the interleaving of parallel requests.
 * - `stats` counts what was answered, so callers can check the fault rate they actually got.
 */
import type { Execution } from "../../src/generated/schema.js";
import { pageEnvelope } from "../../src/mock/executions.js";
import { CreatedCalls } from "./created-calls.js";
import { ExecutionDataset, type DatasetOptions } from "./execution-dataset.js";
import { startFaultServer, type Fault, type FaultServer, type RecordedRequest } from "./fault-server.js";
import { createFaultInjector, type FaultKind, type InjectedFaultOptions } from "./injected-faults.js";
import { isRefusal, readListingQuery, type ListingQuery } from "./listing-query.js";
import { createRateWindow, type RateWindowOptions } from "./rate-window.js";
import { successExample } from "./spec-examples.js";
import { routeRequest } from "./spec-route.js";

export interface AnsweredQuery extends ListingQuery {
  /** How many times this exact query was answered (not rate-limited) before: 0 on the first attempt. */
  attempt: number;
}

export interface FakeBolnaOptions {
  dataset: ExecutionDataset | DatasetOptions;
  /** Added to every answer of the executions listing. Default 0. */
  latencyMs?: number;
  /** Sliding-window limit on the executions listing, counted at arrival. Default: none. */
  rateLimit?: RateWindowOptions;
  faults?: InjectedFaultOptions;
  /** A scripted fault for a query, checked before the random ones (e.g. a page that always fails). */
  override?: (query: AnsweredQuery) => Fault | undefined;
  /** Calls created while the listing is read (see the module comment). */
  live?: { insertEvery: number; clockStart?: string };
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

const AGENT = successExample("/v2/agent/{agent_id}") as object;

export async function startFakeBolna(options: FakeBolnaOptions): Promise<FakeBolna> {
  const dataset = options.dataset instanceof ExecutionDataset ? options.dataset : new ExecutionDataset(options.dataset);
  const latencyMs = options.latencyMs ?? 0;
  const attempts = new Map<string, number>();
  let stats = emptyStats();
  const rateLimited = options.rateLimit ? createRateWindow(options.rateLimit) : () => undefined;
  const injected = options.faults
    ? createFaultInjector(options.faults, (kind) => stats.injected[kind]++)
    : () => undefined;
  const created = new CreatedCalls(dataset, options.live?.clockStart);
  let answered = 0;

  const delayed = (fault: Fault): Fault =>
    "hang" in fault || latencyMs === 0 ? fault : { ...fault, delayMs: latencyMs };

  function page(query: ListingQuery): Fault {
    const mine = query.agent_id === dataset.agentId;
    const { first, last, count } = mine ? dataset.range(query.from, query.to) : { first: 0, last: -1, count: 0 };
    // Newest first: calls created during the run (all newer than the dataset), then the dataset from `last` down.
    const fresh = mine ? created.between(Date.parse(query.from) * 1000, Date.parse(query.to) * 1000) : [];
    const skip = (query.page_number - 1) * query.page_size;
    const data: Execution[] = fresh.slice(skip, skip + query.page_size);
    for (let i = last - Math.max(0, skip - fresh.length); i >= first && data.length < query.page_size; i--) {
      data.push(dataset.record(i));
    }
    stats.pagesServed++;
    return { status: 200, body: pageEnvelope(query.page_number, query.page_size, fresh.length + count, data) };
  }

  function listExecutions(request: RecordedRequest, agentId: string): Fault {
    stats.listRequests++;
    const limited = rateLimited();
    if (limited !== undefined) {
      stats.rateLimited++;
      return limited;
    }
    const parsed = readListingQuery(agentId, request.query);
    if (isRefusal(parsed)) {
      stats.rejected++;
      return { status: parsed.status, body: { detail: parsed.detail } };
    }
    const key = `${parsed.agent_id}|${parsed.from}|${parsed.to}|${parsed.page_number}|${parsed.page_size}`;
    const attempt = attempts.get(key) ?? 0;
    attempts.set(key, attempt + 1);
    if (options.live && ++answered % options.live.insertEvery === 0) {
      created.create();
      stats.inserted++;
    }
    const scripted = options.override?.({ ...parsed, attempt });
    if (scripted !== undefined) {
      stats.scripted++;
      return scripted;
    }
    return injected(key, attempt) ?? page(parsed);
  }

  const server = await startFaultServer(
    (request) => {
      const route = routeRequest(request.method, request.path);
      if (route === undefined) return { status: 404, body: { detail: "Not Found" } };
      if (!/^Bearer \S+/.test(String(request.headers.authorization ?? ""))) {
        return { status: 403, body: { detail: "Invalid API key: no Bearer token" } };
      }
      const agentId = route.params["agent_id"] as string;
      if (route.operationId === "listAgentExecutions") return delayed(listExecutions(request, agentId));
      if (route.operationId === "getAgent") {
        stats.agentRequests++;
        return { status: 200, body: { ...AGENT, id: agentId } };
      }
      return { status: 405, body: { detail: `this fake does not answer ${route.operationId}` } };
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
