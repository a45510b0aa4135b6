/**
 * Auto-pagination for Bolna's envelope-paginated lists (`{ page_number, page_size, total, has_more, data }`).
 *
 * Contract of `PagePromise` (what a generated method for a paginated operation returns):
 * - `await list` gives the first page's envelope. It is requested lazily, once: iterating afterwards reuses it.
 * - `for await (const item of list)` gives items across pages; `.pages()` gives the envelopes; `.toArray({ limit })`
 *   collects at most `limit` (required, 1–10 000) items and stops requesting once it has them.
 * - A walk follows the server: the next page is the `page_number` the server echoed plus one. It stops after a page
 *   that says `has_more: false` or has an empty `data` (whatever `has_more` says), and throws a `BolnaError` instead of
 *   reading more than `maxPages` pages or when the server's `page_number` does not advance (a stateless mock such as
 *   Prism answers page 1 to every request, with `has_more: true`).
 * - Items are yielded at most once per walk by `id` (offset pagination repeats an item when records are inserted
 *   between two requests); items without an `id` are always yielded.
 * - Concurrent `next()` calls on one iterator are served in order, one page request at a time, each caller getting
 *   the next distinct item. Breaking out of `for await` sends nothing more. `signal` is passed to every request.
 */
import { BolnaError, BolnaInputError } from "./errors.js";

export interface PageEnvelope<T> {
  page_number: number;
  page_size: number;
  total: number;
  has_more: boolean;
  data: T[];
}

export type FetchPage<P> = (pageNumber: number, signal?: AbortSignal) => Promise<P>;

export interface PagePromiseOptions {
  /** The page to start at, passed to `fetchPage` as is. Default 1. */
  firstPage?: number | undefined;
  /** Pages one walk may read; a server still saying `has_more` after that is an error. Default 1 000. */
  maxPages?: number | undefined;
  signal?: AbortSignal | undefined;
}

export const DEFAULT_MAX_PAGES = 1_000;
/** Stripe's cap: past it, iterate instead of holding everything in memory. */
export const MAX_TO_ARRAY_LIMIT = 10_000;

/** A record's identity for de-duplication: its `id` when that is a string or a number. */
export type RecordId = string | number;

export function recordId(item: unknown): RecordId | undefined {
  if (typeof item !== "object" || item === null) return undefined;
  const { id } = item as { id?: unknown };
  return typeof id === "string" || typeof id === "number" ? id : undefined;
}

function isCount(value: unknown): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

/** Throws unless `page` has the envelope's fields with usable types; `pageNumber` is the page that was asked for. */
export function assertEnvelope<T>(page: unknown, pageNumber: number): asserts page is PageEnvelope<T> {
  const envelope = (typeof page === "object" && page !== null ? page : {}) as Record<string, unknown>;
  const problems = [
    Array.isArray(envelope["data"]) ? undefined : "`data` is not an array",
    typeof envelope["has_more"] === "boolean" ? undefined : "`has_more` is not a boolean",
    ...(["page_number", "page_size", "total"] as const).map((name) =>
      isCount(envelope[name]) ? undefined : `\`${name}\` is not a non-negative integer`,
    ),
  ].filter((problem) => problem !== undefined);
  if (problems.length > 0) {
    throw new BolnaError(`Unexpected response for page ${pageNumber}: ${problems.join(", ")}.`);
  }
}

export class PagePromise<P extends PageEnvelope<I>, I = P["data"][number]> implements PromiseLike<P>, AsyncIterable<I> {
  readonly #fetchPage: FetchPage<P>;
  readonly #firstPageNumber: number;
  readonly #maxPages: number;
  readonly #signal: AbortSignal | undefined;
  #firstPage: Promise<P> | undefined;

  constructor(fetchPage: FetchPage<P>, options: PagePromiseOptions = {}) {
    const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
    if (!Number.isInteger(maxPages) || maxPages < 1) {
      throw new BolnaInputError("maxPages", `maxPages must be a positive integer; got ${maxPages}.`);
    }
    this.#fetchPage = fetchPage;
    this.#firstPageNumber = options.firstPage ?? 1;
    this.#maxPages = maxPages;
    this.#signal = options.signal;
  }

  then<R1 = P, R2 = never>(
    onfulfilled?: ((page: P) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#first().then(onfulfilled, onrejected);
  }

  /** The page envelopes, starting with the (shared) first page. */
  async *pages(): AsyncGenerator<P, void, undefined> {
    let page = await this.#first();
    for (let read = 1; ; read++) {
      yield page;
      if (!page.has_more || page.data.length === 0) return;
      if (read >= this.#maxPages) {
        throw new BolnaError(
          `Stopped after reading ${read} pages (maxPages = ${this.#maxPages}): the server still said has_more: true. ` +
            `Raise maxPages or narrow the query.`,
        );
      }
      page = await this.#fetch(page.page_number + 1, page.page_number);
    }
  }

  /**
   * The items of every page, each `id` once. An async generator already queues concurrent `next()` calls and runs
   * its body for one of them at a time, which is exactly the coalescing a page boundary needs.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<I, void, undefined> {
    // One walk is bounded by maxPages × page_size items, so remembering every id of the walk is affordable here
    // (the bulk export, which is not bounded that way, keeps a bounded neighbourhood instead).
    const seen = new Set<RecordId>();
    for await (const page of this.pages()) {
      for (const item of page.data) {
        const id = recordId(item);
        if (id !== undefined) {
          if (seen.has(id)) continue;
          seen.add(id);
        }
        yield item;
      }
    }
  }

  /** Up to `limit` items; requests no page beyond the one that completes the limit. */
  async toArray(options: { limit: number }): Promise<I[]> {
    const limit = (options as { limit?: unknown } | undefined)?.limit;
    if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > MAX_TO_ARRAY_LIMIT) {
      throw new BolnaInputError(
        "limit",
        `toArray({ limit }) needs an integer limit from 1 to ${MAX_TO_ARRAY_LIMIT}; got ${String(limit)}. ` +
          `For more, iterate with for await instead of collecting.`,
      );
    }
    const items: I[] = [];
    for await (const item of this) {
      items.push(item);
      if (items.length >= limit) break;
    }
    return items;
  }

  #first(): Promise<P> {
    this.#firstPage ??= this.#fetch(this.#firstPageNumber);
    return this.#firstPage;
  }

  async #fetch(pageNumber: number, previous?: number): Promise<P> {
    const page = await this.#fetchPage(pageNumber, this.#signal);
    assertEnvelope<I>(page, pageNumber);
    if (previous !== undefined && page.page_number <= previous) {
      throw new BolnaError(
        `Asked for page ${pageNumber} but the server answered page ${page.page_number} again; ` +
          `stopping instead of looping (is this a stateless mock?).`,
      );
    }
    return page;
  }
}
