/**
 * An in-memory executions listing that changes while an export reads it: the stand-in for a live agent that keeps
 * taking calls.
 *
 * Contract:
 * - Records have an `id`, a `created_at` in Bolna's naive microsecond form (`2026-01-28T13:17:50.116924`), a `status`
 *   and a last-run instant (its creation, until `rerun` moves it to "now").
 * - `listPage(query)` answers like `GET /v2/agent/{agent_id}/executions`: the records with
 *   from ≤ created_at ≤ to (exact to the microsecond, both inclusive) and the `status` filter, sorted newest first by
 *   `created_at`, or by last run (`order: "last-run"`, Bolna's documented wording), ties broken by id; then the page
 *   `page_number` of `page_size`, with `total` and `has_more`. Each answer is one consistent snapshot. A query the
 *   spec refuses (`listing-query.ts`) throws: a test bug, not a server answer.
 * - The server's clock is the real clock plus `skewMs`, strictly increasing by at least 1 µs per reading, so
 *   `insertNow()` creates calls "now" the way the server would, ahead of or behind the client's clock.
 * - `onRequest(n, query, listing)` runs before each answer (n from 0): tests insert, re-run and delete there.
 * - `requests` counts answers; `snapshot(from, to)` lists what is in a range now (ids, newest first);
 *   `created` and `removed` list the ids `insertNow` created and `remove` deleted.
 */
import { listingPage, naiveMicros, type ExecutionsPage } from "../../src/mock/executions.js";
import { isRefusal, readListingQuery } from "./listing-query.js";

export interface FakeExecution {
  id: string;
  created_at: string;
  status: string;
}

interface Row {
  record: FakeExecution;
  createdUs: number;
  lastRunUs: number;
}

/** A page request as the export makes it: the listing's query parameters, by name. */
export interface ListingRequest {
  agent_id: string;
  from: string;
  to: string;
  page_number: number;
  page_size: number;
  status?: string;
}

export type ListingPage = ExecutionsPage<FakeExecution>;

export interface StatefulListingOptions {
  order?: "created" | "last-run" | undefined;
  /** The server's clock minus the client's, in ms. Default 0. */
  skewMs?: number | undefined;
  onRequest?: ((n: number, query: ListingRequest, listing: StatefulListing) => void) | undefined;
}

function parseBound(value: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`fake listing: bad bound ${value}`);
  return ms * 1000;
}

export class StatefulListing {
  readonly #rows = new Map<string, Row>();
  readonly #order: "created" | "last-run";
  readonly #skewMs: number;
  readonly #onRequest: StatefulListingOptions["onRequest"];
  #lastNowUs = 0;
  #nextId = 0;
  requests = 0;
  readonly created = new Set<string>();
  readonly removed = new Set<string>();

  constructor(options: StatefulListingOptions = {}) {
    this.#order = options.order ?? "created";
    this.#skewMs = options.skewMs ?? 0;
    this.#onRequest = options.onRequest;
  }

  /** The server's clock, in µs. */
  now(): number {
    this.#lastNowUs = Math.max(this.#lastNowUs + 1, (Date.now() + this.#skewMs) * 1000);
    return this.#lastNowUs;
  }

  /** Adds a record created at `createdUs` (µs since the epoch). */
  add(createdUs: number, status = "completed", id = `exec-${String(this.#nextId++).padStart(6, "0")}`): FakeExecution {
    const record = { id, created_at: naiveMicros(createdUs), status };
    this.#rows.set(id, { record, createdUs, lastRunUs: createdUs });
    return record;
  }

  /** `count` records spread evenly over [fromMs, toMs), with a deterministic sub-interval jitter. */
  fill(count: number, fromMs: number, toMs: number, status?: (n: number) => string): FakeExecution[] {
    const stepUs = ((toMs - fromMs) * 1000) / count;
    const out: FakeExecution[] = [];
    for (let n = 0; n < count; n++) {
      const jitter = Math.floor((((n * 7919) % 997) / 997) * Math.max(0, stepUs - 2));
      out.push(this.add(fromMs * 1000 + Math.floor(n * stepUs) + jitter, status?.(n)));
    }
    return out;
  }

  insertNow(status = "queued"): FakeExecution {
    const record = this.add(this.now(), status);
    this.created.add(record.id);
    return record;
  }

  /** The call runs again: in a listing sorted by last run it moves to the top. */
  rerun(id: string): void {
    const row = this.#rows.get(id);
    if (row) row.lastRunUs = this.now();
  }

  remove(id: string): boolean {
    if (!this.#rows.delete(id)) return false;
    this.removed.add(id);
    return true;
  }

  setStatus(id: string, status: string): void {
    const row = this.#rows.get(id);
    if (row) row.record = { ...row.record, status };
  }

  ids(): string[] {
    return [...this.#rows.keys()];
  }

  /** Ids in [from, to] (ISO bounds with a zone) right now, newest first by created_at. */
  snapshot(from: string, to: string): string[] {
    return this.#matching(parseBound(from), parseBound(to), undefined, "created").map((row) => row.record.id);
  }

  #matching(fromUs: number, toUs: number, status: string | undefined, order: "created" | "last-run"): Row[] {
    const rows = [...this.#rows.values()].filter(
      (row) =>
        row.createdUs >= fromUs && row.createdUs <= toUs && (status === undefined || row.record.status === status),
    );
    const key = (row: Row): number => (order === "created" ? row.createdUs : row.lastRunUs);
    return rows.sort((a, b) => key(b) - key(a) || (a.record.id < b.record.id ? 1 : -1));
  }

  readonly listPage = async (request: ListingRequest): Promise<ListingPage> => {
    this.#onRequest?.(this.requests, request, this);
    this.requests++;
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(request)) {
      if (name !== "agent_id" && value !== undefined) params.set(name, String(value));
    }
    const query = readListingQuery(request.agent_id, params, ["status"]);
    if (isRefusal(query)) throw new Error(`fake listing: ${query.detail}`);
    const rows = this.#matching(parseBound(query.from), parseBound(query.to), query.filters["status"], this.#order);
    return listingPage(
      query.page_number,
      query.page_size,
      rows.map((row) => row.record),
    );
  };
}
