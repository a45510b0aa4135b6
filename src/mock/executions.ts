/**
 * Makes the stateless Prism list an agent's executions the way the live API does, from the spec's example
 * executions, so that a `for await` walk or a bulk `exportExecutions` against the mock ends on its own.
 *
 * Prism answers every `GET /v2/agent/{agent_id}/executions` with the operation's first example whatever page or
 * window is asked for, and the examples are dated in the past: a walk would read page 1 forever, and an export,
 * which checks every answer against its question (records inside the window asked for, in order, `total` and
 * `has_more` agreeing), would rightly refuse the answers. So Prism still checks the request (auth, parameters) and,
 * when it accepts it, the mock answers the page itself:
 *  - the executions are those of the spec's page examples, moved in time (keeping their order) to one an hour, the
 *    newest `EXAMPLE_EXECUTIONS_AGE_MS` before the mock started: "recent", whatever day it runs, close enough
 *    together to share an export's window, and fixed for the life of the mock, so a resumed export sees what the
 *    stopped one saw;
 *  - like the live API, the listing keeps those with `from` ≤ `created_at` ≤ `to`, newest first, and answers page
 *    `page_number` of `page_size` with `total` and `has_more`.
 */
import { parseBolnaTimestamp } from "../extensions/datetime.js";

/** The newest example execution took place this long before the mock started, and each older one an hour earlier. */
export const EXAMPLE_EXECUTIONS_AGE_MS = 3_600_000;

const EXECUTIONS_LISTING = /^\/v2\/agent\/[^/]+\/executions\/?$/;
const PAGE_EXAMPLES = ["ExecutionPageFirst", "ExecutionPageLast"];
const DEFAULT_PAGE_SIZE = 20;

interface ExampleExecution {
  readonly id: string;
  readonly created_at: string;
  readonly updated_at?: string;
  readonly [field: string]: unknown;
}

export interface ExecutionsPage<T = ExampleExecution> {
  page_number: number;
  page_size: number;
  total: number;
  has_more: boolean;
  data: T[];
}

/** Microseconds since the epoch of a naive timestamp such as `2026-01-28T13:17:50.116924` (read as UTC). */
export function micros(timestamp: string): number {
  const fraction = /\.(\d+)$/.exec(timestamp)?.[1] ?? "";
  return parseBolnaTimestamp(timestamp).getTime() * 1000 + Number(fraction.slice(3, 6).padEnd(3, "0"));
}

/** `2026-01-28T13:17:50.116924`: the naive (UTC) microsecond form Bolna writes, of µs since the epoch. */
export function naiveMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  return `${new Date(ms).toISOString().slice(0, 23)}${String(us - ms * 1000).padStart(3, "0")}`;
}

/** A query bound in microseconds, `null` when absent, `undefined` when it is not a date-time. */
function bound(value: string | null): number | null | undefined {
  if (value === null) return null;
  try {
    return parseBolnaTimestamp(value).getTime() * 1000;
  } catch {
    return undefined;
  }
}

function positiveInteger(value: string | null, fallback: number): number | undefined {
  if (value === null) return fallback;
  return /^[1-9]\d{0,8}$/.test(value) ? Number(value) : undefined;
}

/** Page `pageNumber` of `pageSize` of all the `matching` records (newest first), in the live API's envelope. */
export function listingPage<T>(pageNumber: number, pageSize: number, matching: readonly T[]): ExecutionsPage<T> {
  return pageEnvelope(
    pageNumber,
    pageSize,
    matching.length,
    matching.slice((pageNumber - 1) * pageSize, pageNumber * pageSize),
  );
}

/** The envelope of one page that holds `data` out of `total` records. */
export function pageEnvelope<T>(pageNumber: number, pageSize: number, total: number, data: T[]): ExecutionsPage<T> {
  return {
    page_number: pageNumber,
    page_size: pageSize,
    total,
    has_more: (pageNumber - 1) * pageSize + data.length < total,
    data,
  };
}

export interface ListingQuery {
  /** Bounds in microseconds since the epoch; `null` when absent. */
  readonly from: number | null;
  readonly to: number | null;
  readonly pageNumber: number;
  readonly pageSize: number;
}

/** The window and page a listing request asks for, or `undefined` when the query is one Prism refuses anyway. */
export function readListingQuery(url: URL): ListingQuery | undefined {
  const query = url.searchParams;
  const from = bound(query.get("from"));
  const to = bound(query.get("to"));
  const pageNumber = positiveInteger(query.get("page_number"), 1);
  const pageSize = positiveInteger(query.get("page_size"), DEFAULT_PAGE_SIZE);
  if (from === undefined || to === undefined || pageNumber === undefined || pageSize === undefined) return undefined;
  return { from, to, pageNumber, pageSize };
}

/** Whether a record created at `createdAtUs` (µs) is inside the query's window, bounds included. */
export function insideWindow(query: ListingQuery, createdAtUs: number): boolean {
  return (query.from === null || createdAtUs >= query.from) && (query.to === null || createdAtUs <= query.to);
}

/** The parts of an execution the listing's filters compare. */
interface Filterable {
  readonly status?: unknown;
  readonly provider?: unknown;
  readonly answered_by_voice_mail?: unknown;
  readonly batch_id?: unknown;
  readonly telephony_data?: { readonly call_type?: unknown; readonly provider?: unknown } | null;
}

/** The execution listing's filters, each read from the field of the execution it names. */
const FILTERS: ReadonlyArray<readonly [string, (execution: Filterable) => unknown]> = [
  ["status", (e) => e.status],
  ["call_type", (e) => e.telephony_data?.call_type],
  ["provider", (e) => e.telephony_data?.provider ?? e.provider],
  ["answered_by_voice_mail", (e) => String(e.answered_by_voice_mail)],
  ["batch_id", (e) => e.batch_id],
];

/** The filters the query gives, by name: what the live API echoes back as `filters`. */
export function givenFilters(url: URL): Record<string, string> {
  return Object.fromEntries(
    FILTERS.flatMap(([name]) => {
      const value = url.searchParams.get(name);
      return value === null ? [] : [[name, value]];
    }),
  );
}

/** Whether `execution` passes every filter the query gives (a value is compared as the text the query holds). */
export function matchesFilters(url: URL, execution: Filterable): boolean {
  return FILTERS.every(([name, read]) => !url.searchParams.has(name) || read(execution) === url.searchParams.get(name));
}

/** Whether the mock answers this request's page itself (once Prism has accepted the request). */
export function isExecutionsListing(method: string, url: URL): boolean {
  return method.toUpperCase() === "GET" && EXECUTIONS_LISTING.test(url.pathname);
}

/**
 * The listing of the spec's example executions (read from the bundled spec's page examples), shifted so the newest
 * took place `EXAMPLE_EXECUTIONS_AGE_MS` before `startedAt`.
 */
export function createExecutionsListing(spec: unknown, startedAt: number) {
  const examples = (spec as { components?: { examples?: Record<string, { value?: { data?: ExampleExecution[] } }> } })
    .components?.examples;
  const byId = new Map<string, ExampleExecution>();
  for (const name of PAGE_EXAMPLES) {
    for (const item of examples?.[name]?.value?.data ?? []) byId.set(item.id, item);
  }
  const newestFirst = [...byId.values()].sort((a, b) => micros(b.created_at) - micros(a.created_at));
  const executions = newestFirst.map((item, index) => {
    const shift = (startedAt - EXAMPLE_EXECUTIONS_AGE_MS * (index + 1)) * 1000 - micros(item.created_at);
    return {
      ...item,
      created_at: naiveMicros(micros(item.created_at) + shift),
      ...(item.updated_at === undefined ? {} : { updated_at: naiveMicros(micros(item.updated_at) + shift) }),
    };
  });

  /** The page the live API would answer, or `undefined` when the query is one Prism refuses anyway. */
  return function page(url: URL): ExecutionsPage | undefined {
    const query = readListingQuery(url);
    if (query === undefined) return undefined;
    const matching = executions.filter(
      (item) => insideWindow(query, micros(item.created_at)) && matchesFilters(url, item as Filterable),
    );
    return listingPage(query.pageNumber, query.pageSize, matching);
  };
}
