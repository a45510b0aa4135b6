/**
 * Walking a paginated list page by page: what `PagePromise`'s `for await`, `.pages()` and `.toArray()` (with its
 * limit check) run, loaded the first time a list is walked (`await list` alone, the first page, does not need it).
 * The contract is `PagePromise`'s (see `pagination.ts`): ask for page n + 1 after page n, stop where the envelope
 * says the list ends, and refuse a page that is not the one asked for, an empty page that says more follow, a
 * repeated page, or more than `maxPages` pages.
 */
import { BolnaError, BolnaInputError } from "../errors.js";
import { fieldsOf, type Fields } from "../pagination.js";
import { isIntegerIn, isObject } from "./guards.js";
import type { EnvelopeShape } from "./metadata.js";

/** What a walk needs of its `PagePromise`: the shared first page, a page fetcher and the settings. */
export interface PageWalk<P> {
  first(): Promise<P>;
  fetch(pageNumber: number): Promise<P>;
  firstPageNumber: number;
  maxPages: number;
  shape: EnvelopeShape;
}

/** A record's identity for de-duplication: its `id` when that is a string or a number. */
export type RecordId = string | number;

export function recordId(item: unknown): RecordId | undefined {
  if (!isObject(item)) return undefined;
  const { id } = item;
  return typeof id === "string" || typeof id === "number" ? id : undefined;
}

/** How `fields` contradicts being page `asked`, or `undefined` when it is that page (or does not say). */
function misplacement(shape: EnvelopeShape, fields: Fields, asked: number): string | undefined {
  const { position } = shape;
  if (position === null) return undefined;
  if ("page" in position) {
    const served = fields[position.page];
    return served === asked ? undefined : `the server answered page ${String(served)}`;
  }
  const offset = fields[position.offset] as number;
  const limit = fields[position.limit] as number;
  const expected = (asked - 1) * limit;
  return offset === expected
    ? undefined
    : `the server answered \`${position.offset}\` ${offset} (at \`${position.limit}\` ${limit}, page ${asked} starts at ${expected})`;
}

function itemsOf<I>(shape: EnvelopeShape, page: unknown): I[] {
  return fieldsOf(page)[shape.items] as I[];
}

/** The page envelopes, starting with the (shared) first page; each is checked to be the page asked for. */
export async function* walkPages<P>(walk: PageWalk<P>): AsyncGenerator<P, void, undefined> {
  const { shape, maxPages } = walk;
  let asked = walk.firstPageNumber;
  let page = await walk.first();
  for (let read = 1; ; read++) {
    assertPlaced(shape, page, asked);
    yield page;
    if (!continues(shape, page, asked)) return;
    if (read >= maxPages) {
      const still =
        shape.hasMore === null
          ? "the list had not ended (no empty page yet)"
          : `the server still said ${shape.hasMore}: true`;
      throw new BolnaError(
        `Stopped after reading ${read} pages (maxPages = ${maxPages}): ${still}. Raise maxPages or narrow the query.`,
      );
    }
    const previous = page;
    asked += 1;
    page = await walk.fetch(asked);
    if (shape.position === null) assertNotRepeated(shape, previous, page, asked);
  }
}

/**
 * The items of every page, each `id` once. An async generator already queues concurrent `next()` calls and runs
 * its body for one of them at a time, which is exactly the coalescing a page boundary needs.
 */
export async function* walkItems<P, I>(walk: PageWalk<P>): AsyncGenerator<I, void, undefined> {
  // One walk is bounded by maxPages × page size items, so remembering every id of the walk is affordable here
  // (the bulk export, which is not bounded that way, keeps a bounded neighbourhood instead).
  const seen = new Set<RecordId>();
  for await (const page of walkPages(walk)) {
    for (const item of itemsOf<I>(walk.shape, page)) {
      const id = recordId(item);
      if (id !== undefined) {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      yield item;
    }
  }
}

/** Stripe's cap: past it, iterate instead of holding everything in memory. */
export const MAX_TO_ARRAY_LIMIT = 10_000;

/** `toArray({ limit })`: up to `limit` items; requests no page beyond the one that completes the limit. */
export async function collectItems<P, I>(walk: PageWalk<P>, options: { limit: number }): Promise<I[]> {
  const limit = (options as { limit?: unknown } | undefined)?.limit;
  if (!isIntegerIn(limit, 1, MAX_TO_ARRAY_LIMIT)) {
    throw new BolnaInputError(
      "limit",
      `toArray({ limit }) needs an integer limit from 1 to ${MAX_TO_ARRAY_LIMIT}; got ${String(limit)}. ` +
        `For more, iterate with for await instead of collecting.`,
    );
  }
  const items: I[] = [];
  for await (const item of walkItems<P, I>(walk)) {
    items.push(item);
    if (items.length >= limit) break;
  }
  return items;
}

/** Whether the walk goes on after `page` (page `asked`). */
function continues(shape: EnvelopeShape, page: unknown, asked: number): boolean {
  const empty = itemsOf(shape, page).length === 0;
  const { hasMore } = shape;
  if (hasMore === null) return !empty;
  if (fieldsOf(page)[hasMore] !== true) return false;
  if (empty) {
    throw new BolnaError(
      `Page ${asked} is empty but says ${hasMore}: true; stopping instead of returning fewer records than the ` +
        `server says there are.`,
    );
  }
  return true;
}

function assertPlaced(shape: EnvelopeShape, page: unknown, asked: number): void {
  const why = misplacement(shape, fieldsOf(page), asked);
  if (why === undefined) return;
  throw new BolnaError(
    `Asked for page ${asked} but ${why}; stopping instead of skipping or repeating records ` +
      `(a server that ignores the page parameter, such as a stateless mock, answers page 1 every time).`,
  );
}

/** Without a position in the envelope, a page identical to the previous one means the page parameter was ignored. */
function assertNotRepeated(shape: EnvelopeShape, previous: unknown, page: unknown, asked: number): void {
  const ids = itemsOf(shape, page).map(recordId);
  const before = itemsOf(shape, previous).map(recordId);
  const same =
    ids.length > 0 && ids.length === before.length && ids.every((id, i) => id !== undefined && id === before[i]);
  if (same) {
    throw new BolnaError(
      `Asked for page ${asked} but the server answered the records of page ${asked - 1} again; stopping instead of ` +
        `looping (does it ignore the page parameter?).`,
    );
  }
}
