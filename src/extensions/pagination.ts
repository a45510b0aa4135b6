/**
 * Auto-pagination for Bolna's paginated lists, whatever their envelope. The spec's `x-bolna-pagination` names the
 * envelope's properties (`EnvelopeShape`); Bolna uses three: `{page_number, page_size, total, has_more, data}`,
 * `{data, total, limit, offset, has_more}` and `{items}`.
 *
 * Contract of `PagePromise` (what a generated method for a paginated operation returns):
 * - `await list` gives the first page's envelope. It is requested lazily, once: iterating afterwards reuses it.
 *   `PagePromise` is a real `Promise` (`.catch`, `.finally`, `instanceof Promise`); its `then`/`catch`/`finally`
 *   return plain promises. `.withResponse()` gives the first page with its HTTP `Response`.
 * - `for await (const item of list)` gives items across pages; `.pages()` gives the envelopes; `.toArray({ limit })`
 *   collects at most `limit` (required, 1–10 000) items and stops requesting once it has them.
 * - A walk asks for page n + 1 after page n. It ends after a page that says `has_more: false` or, for an envelope
 *   without `has_more`, at the first empty page (a short page is not trusted to be the last: the server may cap the
 *   page size below the one asked for).
 * - Whatever contradicts that is a `BolnaError`, never a shorter or repeated result: a malformed envelope; during a
 *   walk, a page that is not the one asked for (its echoed page number differs, or its offset is not
 *   (n − 1) × limit: a server that skipped pages, or one that ignores the page parameter, such as a stateless mock);
 *   an empty page that says `has_more: true`; for an envelope that does not say where it is, a page repeating the
 *   previous page's records; more than `maxPages` pages.
 * - Items are yielded at most once per walk by `id` (offset pagination repeats an item when records are inserted
 *   between two requests); items without an `id` are always yielded.
 * - Concurrent `next()` calls on one iterator are served in order, one page request at a time, each caller getting
 *   the next distinct item. Breaking out of `for await` sends nothing more. `signal` is passed to every request.
 */
import { isIntegerIn, isObject } from "./internal/guards.js";
import { APIPromise, type WithResponse } from "./api-promise.js";
import { BolnaError, BolnaInputError } from "./errors.js";
import type { EnvelopeShape } from "./internal/metadata.js";
import type { PageWalk } from "./internal/page-walk.js";

/** Walking the pages (for `for await`, `.pages()`, `.toArray()`), loaded the first time a list is walked. */
let walker: Promise<typeof import("./internal/page-walk.js")> | undefined;

function loadWalk(): Promise<typeof import("./internal/page-walk.js")> {
  walker ??= import("./internal/page-walk.js");
  return walker;
}

/** The envelope of the executions listing (`listAgentExecutions`). */
export interface PageEnvelope<T> {
  page_number: number;
  page_size: number;
  total: number;
  has_more: boolean;
  data: T[];
}

/** `PageEnvelope`'s shape: records in `data`, `has_more`, and the page number echoed as `page_number`. */
export const PAGE_NUMBER_ENVELOPE: EnvelopeShape = {
  items: "data",
  hasMore: "has_more",
  position: { page: "page_number" },
};

/** Fetches one page; an `APIPromise` (what the generated methods return) also makes `.withResponse()` work. */
export type FetchPage<P> = (pageNumber: number, signal?: AbortSignal) => Promise<P>;

export interface PagePromiseOptions {
  /** The page to start at, passed to `fetchPage` as is. Default 1. */
  firstPage?: number | undefined;
  /** Pages one walk may read; a list that has not ended after that is an error. Default 1 000. */
  maxPages?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Where the envelope keeps its records, `has_more` and position. Default `PAGE_NUMBER_ENVELOPE`. */
  envelope?: EnvelopeShape | undefined;
}

export const DEFAULT_MAX_PAGES = 1_000;

export type Fields = Readonly<Record<string, unknown>>;

export function fieldsOf(page: unknown): Fields {
  return isObject(page) ? page : {};
}

function isCount(value: unknown): boolean {
  return isIntegerIn(value, 0);
}

function positionFields(shape: EnvelopeShape): string[] {
  const { position } = shape;
  if (position === null) return [];
  return "page" in position ? [position.page] : [position.offset, position.limit];
}

/** What is wrong with the types of the envelope's declared properties; empty when it is usable. */
function shapeProblems(shape: EnvelopeShape, fields: Fields): string[] {
  return [
    Array.isArray(fields[shape.items]) ? undefined : `\`${shape.items}\` is not an array`,
    shape.hasMore === null || typeof fields[shape.hasMore] === "boolean"
      ? undefined
      : `\`${shape.hasMore}\` is not a boolean`,
    ...positionFields(shape).map((name) =>
      isCount(fields[name]) ? undefined : `\`${name}\` is not a non-negative integer`,
    ),
  ].filter((problem) => problem !== undefined);
}

function unexpected(pageNumber: number, problems: string[]): BolnaError {
  return new BolnaError(`Unexpected response for page ${pageNumber}: ${problems.join(", ")}.`);
}

/** Throws unless `page` is a usable executions envelope; `pageNumber` is the page that was asked for. */
export function assertEnvelope<T>(page: unknown, pageNumber: number): asserts page is PageEnvelope<T> {
  const fields = fieldsOf(page);
  const problems = [
    ...shapeProblems(PAGE_NUMBER_ENVELOPE, fields),
    ...(["page_size", "total"] as const)
      .filter((name) => !isCount(fields[name]))
      .map((name) => `\`${name}\` is not a non-negative integer`),
  ];
  if (problems.length > 0) throw unexpected(pageNumber, problems);
}

/** A fetched page and, when the page fetcher gave one, the response it came from. */
interface FetchedPage<P> {
  data: P;
  response: Response | undefined;
}

export class PagePromise<P, I = P extends PageEnvelope<infer T> ? T : unknown>
  extends Promise<P>
  implements AsyncIterable<I>
{
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  readonly #fetchPage: FetchPage<P>;
  readonly #firstPageNumber: number;
  readonly #maxPages: number;
  readonly #signal: AbortSignal | undefined;
  readonly #shape: EnvelopeShape;
  #firstFetched: Promise<FetchedPage<P>> | undefined;
  #firstPage: Promise<P> | undefined;

  constructor(fetchPage: FetchPage<P>, options: PagePromiseOptions = {}) {
    // The base promise is never observed: every reaction goes through the lazily fetched first page.
    super((resolve) => resolve(undefined as P));
    const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
    if (!isIntegerIn(maxPages, 1)) {
      throw new BolnaInputError("maxPages", `maxPages must be a positive integer; got ${maxPages}.`);
    }
    this.#fetchPage = fetchPage;
    this.#firstPageNumber = options.firstPage ?? 1;
    this.#maxPages = maxPages;
    this.#signal = options.signal;
    this.#shape = options.envelope ?? PAGE_NUMBER_ENVELOPE;
  }

  override then<R1 = P, R2 = never>(
    onfulfilled?: ((page: P) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#first().then(onfulfilled, onrejected);
  }

  override catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<P | R> {
    return this.#first().catch(onrejected);
  }

  override finally(onfinally?: (() => void) | null): Promise<P> {
    return this.#first().finally(onfinally);
  }

  /** The first page (the same single request `await` and iteration use) with the `Response` it came from. */
  async withResponse(): Promise<WithResponse<P>> {
    const { data, response } = await this.#fetchFirst();
    if (response === undefined) {
      throw new BolnaError(
        "This PagePromise's page fetcher returns no Response; return an APIPromise to use withResponse().",
      );
    }
    return { data, response };
  }

  /** The page envelopes, starting with the (shared) first page; each is checked to be the page asked for. */
  async *pages(): AsyncGenerator<P, void, undefined> {
    yield* (await loadWalk()).walkPages(this.#walk());
  }

  /** The items of every page, each `id` once (see `page-walk.ts`). */
  async *[Symbol.asyncIterator](): AsyncGenerator<I, void, undefined> {
    yield* (await loadWalk()).walkItems<P, I>(this.#walk());
  }

  /** Up to `limit` items; requests no page beyond the one that completes the limit. */
  async toArray(options: { limit: number }): Promise<I[]> {
    return (await loadWalk()).collectItems<P, I>(this.#walk(), options);
  }

  #walk(): PageWalk<P> {
    return {
      first: () => this.#first(),
      fetch: (pageNumber) => this.#fetch(pageNumber),
      firstPageNumber: this.#firstPageNumber,
      maxPages: this.#maxPages,
      shape: this.#shape,
    };
  }

  #fetchFirst(): Promise<FetchedPage<P>> {
    this.#firstFetched ??= this.#fetchWithResponse(this.#firstPageNumber);
    return this.#firstFetched;
  }

  #first(): Promise<P> {
    this.#firstPage ??= this.#fetchFirst().then(({ data }) => data);
    return this.#firstPage;
  }

  async #fetch(pageNumber: number): Promise<P> {
    return (await this.#fetchWithResponse(pageNumber)).data;
  }

  async #fetchWithResponse(pageNumber: number): Promise<FetchedPage<P>> {
    const pending = this.#fetchPage(pageNumber, this.#signal);
    const { data, response } =
      pending instanceof APIPromise
        ? ((await pending.withResponse()) as { data: P; response: Response })
        : { data: await pending, response: undefined };
    const problems = shapeProblems(this.#shape, fieldsOf(data));
    if (problems.length > 0) throw unexpected(pageNumber, problems);
    return { data, response };
  }
}
