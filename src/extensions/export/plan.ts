/**
 * What an export lists and how it may ask: options checked and fixed into a plan before anything is sent.
 *
 * Contract:
 * - `planExport(options, resumed)` refuses bad options with a `BolnaInputError` naming the option and what is
 *   allowed, and returns the plan (agent, range, page size, window width, filters), the concurrency and the
 *   per-request retry settings. The filters and their rules come from the spec's `listAgentExecutions` metadata
 *   (every query parameter that is not the page, the page size or a window bound), so a new filter in the spec
 *   needs no code here; a request built from the plan is checked against the same metadata at once, so a bad
 *   filter value fails here and not on the first request.
 * - `to` defaults to the moment the export is created. When resuming, `to`, `pageSize` and `maxWindowDays` not
 *   given come from the checkpoint's plan, and the rest must match it (`assertSamePlan`).
 * - `windowsOf(plan)` cuts the range into windows no wider than Bolna allows, oldest first, as non-overlapping key
 *   ranges: a record on the instant two windows share belongs to the later one, `to` itself to the last.
 * - The metadata is read only when an export is planned or a request built (`executionFilterNames()` for the
 *   filters), never when the module loads, so a bundle that does not export leaves the operation table out.
 * - Retries belong to the client's transport: `retry.maxAttemptsPerPage` becomes the page request's `maxRetries`
 *   and `retry.maxDelayMs` its `maxRetryDelayMs` (the cap on backoff and on a 429's `Retry-After`).
 */
import { operationMetadata } from "../../generated/operations.js";
import type { operations } from "../../generated/schema.js";
import * as argumentRules from "../internal/argument-rules.js";
import { prepareArguments } from "../internal/arguments.js";
import type { OperationMetadata } from "../internal/metadata.js";
import { ALL_OPERATIONS } from "../internal/operation-table.js";
import { splitWindow, toUtcDate, toUtcIso } from "../datetime.js";
import { BolnaInputError } from "../errors.js";
import { MAX_TIMER_MS } from "../internal/rate-limit.js";
import { ceilMs, floorMs, isoMs, MICROS_PER_MS } from "./keys.js";
import type { KeyRange } from "./ranges.js";

type Listing = (typeof operationMetadata)["listAgentExecutions"];
type ListingQuery = NonNullable<operations["listAgentExecutions"]["parameters"]["query"]>;
type NotAFilter =
  | Listing["pagination"]["pageParam"]
  | Listing["pagination"]["sizeParam"]
  | Listing["maxWindow"]["from"]
  | Listing["maxWindow"]["to"];

/** The listing's filters (`status`, `call_type`, …), as the spec names and types them. */
export type ExecutionFilterName = Exclude<Extract<Listing["fields"][number], { in: "query" }>["name"], NotAFilter>;
export type ExecutionFilters = { [K in ExecutionFilterName]?: ListingQuery[K] | undefined };

let filterNames: readonly ExecutionFilterName[] | undefined;

/**
 * The listing's filters: every query parameter but the page, the page size and the window bounds. Worked out on
 * first use, like every read of the metadata here: bundlers keep top-level property reads (a getter could run), so
 * reading it when the module loads would put the operation table in a bundle that imports only an error class.
 */
export function executionFilterNames(): readonly ExecutionFilterName[] {
  if (filterNames !== undefined) return filterNames;
  const { fields, maxWindow, pagination } = operationMetadata.listAgentExecutions;
  const notFilters = new Set<string>([pagination.pageParam, pagination.sizeParam, maxWindow.from, maxWindow.to]);
  filterNames = fields
    .filter((field) => field.in === "query" && !notFilters.has(field.name))
    .map((field) => field.name as ExecutionFilterName);
  return filterNames;
}

export interface ExportRetryOptions {
  /** Attempts per page request, the first included (the request's `maxRetries` is one less). Default 4. */
  maxAttemptsPerPage?: number | undefined;
  /**
   * Cap on the wait before a retry: backoff, or a 429's `Retry-After` (a longer `Retry-After` fails the page and
   * the export stops with a checkpoint). Default: the client's `maxRetryDelayMs`.
   */
  maxDelayMs?: number | undefined;
  /** @deprecated Ignored: the client's transport owns the backoff (500 ms, doubling, up to 8 s). */
  initialDelayMs?: number | undefined;
}

/** What an export lists, fixed at its start. */
export interface ExportPlan extends ExecutionFilters {
  agent_id: string;
  from: string;
  to: string;
  pageSize: number;
  maxWindowDays: number;
}

/** Per-request settings of every page request. */
export interface PageRequestSettings {
  maxRetries: number;
  maxRetryDelayMs?: number;
}

export interface PlanOptions extends ExecutionFilters {
  agent_id: string;
  /**
   * Start of the range (inclusive): a `Date` or an ISO-8601 date and time in any form Bolna writes, such as a
   * record's `created_at` (`2026-01-28T13:17:50.116924`; no zone means UTC). Rounded down to the millisecond.
   */
  from: Date | string;
  /** End of the range (inclusive), in the same forms, rounded up. Default: the moment the export is created. */
  to?: Date | string | undefined;
  /** Pages requested and not yet consumed, at most: the parallelism and the memory bound. 1–16, default 4. */
  concurrency?: number | undefined;
  /** Records per page. 1–50, default 50. */
  pageSize?: number | undefined;
  /** Widest window one request may cover, in days. At most Bolna's 7 (the default). */
  maxWindowDays?: number | undefined;
  retry?: ExportRetryOptions | undefined;
}

function integerOption(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BolnaInputError(name, `${name} must be an integer from ${min} to ${max}; got ${String(value)}.`);
  }
  return value;
}

/** The listing query for one page of the plan (used for requests, and once up front to check the filters). */
export function listingQuery(
  plan: ExportPlan,
  fromMs: number,
  toMs: number,
  pageNumber: number,
): Record<string, unknown> {
  const { maxWindow, pagination } = operationMetadata.listAgentExecutions;
  const query: Record<string, unknown> = {
    agent_id: plan.agent_id,
    [maxWindow.from]: isoMs(fromMs),
    [maxWindow.to]: isoMs(toMs),
    [pagination.pageParam]: pageNumber,
    [pagination.sizeParam]: plan.pageSize,
  };
  for (const name of executionFilterNames()) if (plan[name] !== undefined) query[name] = plan[name];
  return query;
}

export function planExport(
  options: PlanOptions,
  resumed: ExportPlan | undefined,
): { plan: ExportPlan; concurrency: number; request: PageRequestSettings } {
  const { fields, maxWindow, pagination } = operationMetadata.listAgentExecutions;
  const widestWindow = maxWindow.maxDays;
  const maxPageSize = fields.find((field) => field.name === pagination.sizeParam)?.maximum ?? 50;
  const maxWindowDays = options.maxWindowDays ?? resumed?.maxWindowDays ?? widestWindow;
  if (!(typeof maxWindowDays === "number" && maxWindowDays > 0 && maxWindowDays <= widestWindow)) {
    throw new BolnaInputError(
      "maxWindowDays",
      `maxWindowDays must be a number of days above 0 and at most ${widestWindow} (Bolna's limit); ` +
        `got ${String(maxWindowDays)}.`,
    );
  }
  const to = options.to ?? resumed?.to;
  const plan: ExportPlan = {
    agent_id: options.agent_id,
    // Rounded outwards to the millisecond, so a record at a microsecond bound (`from: last.created_at`) is kept.
    from: toUtcIso(options.from, "from"),
    to: to === undefined ? new Date().toISOString() : toUtcIso(to, "to", "up"),
    pageSize: integerOption("pageSize", options.pageSize ?? resumed?.pageSize ?? maxPageSize, 1, maxPageSize),
    maxWindowDays,
  };
  for (const name of executionFilterNames()) {
    if (options[name] !== undefined) Object.assign(plan, { [name]: options[name] });
  }
  // The same checks every request gets, once, before anything is sent (agent_id, filter values, a window).
  const first = (windowsOf(plan)[0] as ExportWindow).range;
  const operation = ALL_OPERATIONS.find((entry) => entry.operationId === "listAgentExecutions") as OperationMetadata;
  prepareArguments(operation, listingQuery(plan, floorMs(first.lo), ceilMs(first.hi), 1), argumentRules);

  const retry = options.retry ?? {};
  const attempts = integerOption("retry.maxAttemptsPerPage", retry.maxAttemptsPerPage ?? 4, 1, 100);
  const request: PageRequestSettings = { maxRetries: attempts - 1 };
  if (retry.maxDelayMs !== undefined) {
    request.maxRetryDelayMs = integerOption("retry.maxDelayMs", retry.maxDelayMs, 0, MAX_TIMER_MS);
  }
  return { plan, concurrency: integerOption("concurrency", options.concurrency ?? 4, 1, 16), request };
}

/** A resumed export must list what the stopped one did, or the checkpoint's ranges would mean other records. */
export function assertSamePlan(plan: ExportPlan, resumed: ExportPlan): void {
  const mine = plan as unknown as Record<string, unknown>;
  const theirs = resumed as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(mine), ...Object.keys(theirs)])) {
    const now = JSON.stringify(mine[key]) ?? "unset";
    const then = JSON.stringify(theirs[key]) ?? "unset";
    if (now !== then) {
      throw new BolnaInputError(
        key,
        `resume: the checkpoint was made with ${key} = ${then}, but this export has ${key} = ${now}. ` +
          `Resume with the options of the export that stopped.`,
      );
    }
  }
}

export interface ExportWindow {
  readonly range: KeyRange;
  readonly from: string;
  readonly to: string;
}

export function windowsOf(plan: ExportPlan): ExportWindow[] {
  const cut = splitWindow(toUtcDate(plan.from, "from"), toUtcDate(plan.to, "to"), plan.maxWindowDays);
  return cut.map((window, index) => {
    const last = index === cut.length - 1;
    const hi = window.to.getTime() * MICROS_PER_MS - (last ? 0 : 1);
    const range = { lo: window.from.getTime() * MICROS_PER_MS, hi };
    return { range, from: window.from.toISOString(), to: window.to.toISOString() };
  });
}
