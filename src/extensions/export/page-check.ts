/**
 * Reads one page of the executions listing and refuses any answer the export cannot trust.
 *
 * Contract: `checkPage(body, query)` returns the page's items with their ids and time keys, or throws a
 * `ListingContradiction` (a `BolnaError`) naming what is wrong. A page is refused when
 * - it is not the `{ page_number, page_size, total, has_more, data }` envelope with usable types;
 * - `page_number` is not the page asked for (a server that ignores or jumps `page_number`);
 * - it holds more items than asked for, an item without a string or number `id`, the same `id` twice, or an item
 *   without a readable `created_at`;
 * - an item lies outside the queried `[from, to]` (a stray record). A record in the same millisecond as a bound is
 *   let through: `from`/`to` go out with millisecond precision and a server may compare at that precision;
 * - `has_more` and `total` disagree with the page: `has_more: true` on a page that is not full or that reaches
 *   `total`, or `has_more: false` where the pages up to this one do not hold exactly `total` records (which also
 *   catches an empty page while `has_more` is true, and a `total` that shrank).
 * A page that passes with `has_more: false` is `complete`: it and the pages before it are the whole listing.
 */
import { BolnaError } from "../errors.js";
import { createdAtKey, isoMs, MICROS_PER_MS } from "./keys.js";

export type RecordId = string | number;

export interface ListedItem<T> {
  readonly item: T;
  readonly id: RecordId;
  /** `created_at` in microseconds. */
  readonly key: number;
}

export interface PageQuery {
  readonly fromMs: number;
  readonly toMs: number;
  readonly pageNumber: number;
  readonly pageSize: number;
}

export interface CheckedPage<T> {
  readonly items: ReadonlyArray<ListedItem<T>>;
  readonly total: number;
  readonly hasMore: boolean;
  readonly complete: boolean;
}

/** The listing contradicted itself or the request; the message says how. */
export class ListingContradiction extends BolnaError {
  override name = "ListingContradiction";
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

export function describeQuery(query: PageQuery): string {
  return `page ${query.pageNumber} of ${isoMs(query.fromMs)} to ${isoMs(query.toMs)}`;
}

export function checkPage<T>(body: unknown, query: PageQuery): CheckedPage<T> {
  const refuse = (why: string): never => {
    throw new ListingContradiction(`The executions listing answered ${describeQuery(query)} with ${why}.`);
  };
  const envelope = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const { data, has_more: hasMore, total, page_number: pageNumber } = envelope;
  if (!Array.isArray(data)) refuse("no `data` array");
  if (typeof hasMore !== "boolean") refuse("a `has_more` that is not a boolean");
  if (!isCount(total)) refuse("a `total` that is not a non-negative integer");
  if (pageNumber !== query.pageNumber) refuse(`page_number ${JSON.stringify(pageNumber)}`);
  const rows = data as unknown[];
  if (rows.length > query.pageSize) refuse(`${rows.length} items for a page size of ${query.pageSize}`);

  const ids = new Set<RecordId>();
  const low = (query.fromMs - 1) * MICROS_PER_MS;
  const high = (query.toMs + 1) * MICROS_PER_MS;
  const items = rows.map((row, index): ListedItem<T> => {
    const id = (row as { id?: unknown } | null)?.id;
    if (typeof id !== "string" && typeof id !== "number") return refuse(`item ${index} without a usable id`);
    if (ids.has(id)) refuse(`the id ${JSON.stringify(id)} twice`);
    ids.add(id);
    const key = createdAtKey(row);
    if (key === undefined) return refuse(`item ${JSON.stringify(id)} without a readable created_at`);
    if (key <= low || key >= high) refuse(`item ${JSON.stringify(id)}, created outside the window asked for`);
    return { item: row as T, id, key };
  });

  const before = (query.pageNumber - 1) * query.pageSize;
  const listed = before + items.length;
  if (hasMore === true && (items.length < query.pageSize || listed >= (total as number))) {
    refuse(`has_more: true after ${listed} of total ${String(total)} records on a page of ${items.length}`);
  }
  if (hasMore === false && listed !== total) {
    refuse(`has_more: false, but the pages up to it hold ${listed} records and total says ${String(total)}`);
  }
  return { items, total: total as number, hasMore: hasMore as boolean, complete: hasMore === false };
}
