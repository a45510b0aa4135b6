/**
 * Regions and count checks: how the export knows a stretch of time was read completely, and what a checkpoint must
 * still cover.
 *
 * Contract:
 * - A `Region` is a key range whose records have been (or are being) handed to the consumer. It stays open while
 *   anything could still add to it or while the consumer has not taken all of it: `holds` counts those things
 *   (batches not fully yielded, a count check not yet settled, re-reads in progress). An open region goes into a
 *   checkpoint as a range to read again, skipping the ids already yielded from it.
 * - `release(region, items, within, skip)` picks, from listed items, those the region should hand out: inside
 *   `within` (a part of the region), not excluded by `skip`, not already handed out by this region. Ids are
 *   remembered per region only, and a region is at most a few pages, so memory stays bounded.
 * - A `CountCheck` verifies one page of a walk after the fact (see `walk.ts`): the page's `total` minus the
 *   records it showed above the walk's cut must equal what the queries covering the rest count. `settle` says
 *   whether every such query has answered and whether the counts agree.
 */
import type { ListedItem, RecordId } from "./page-check.js";
import { contains, type KeyRange } from "./ranges.js";

export interface Region {
  readonly range: KeyRange;
  /** Index of the export window it lies in (for progress). */
  readonly window: number;
  /** Ids the region must not hand out (yielded by an earlier run, according to the checkpoint). */
  readonly skip: ReadonlySet<RecordId>;
  /** Ids handed to the consumer, yielded or not yet. */
  readonly released: Set<RecordId>;
  /** Ids the consumer has taken. */
  readonly yielded: Set<RecordId>;
  holds: number;
  /** Requests a re-read of this region may still make before the export gives up on reconciling it. */
  budget: number;
}

export function openRegion(range: KeyRange, window: number, skip: ReadonlySet<RecordId>, budget: number): Region {
  return { range, window, skip, released: new Set(), yielded: new Set(), holds: 0, budget };
}

export function release<T>(
  region: Region,
  items: ReadonlyArray<ListedItem<T>>,
  within: KeyRange = region.range,
): Array<ListedItem<T>> {
  const out: Array<ListedItem<T>> = [];
  for (const entry of items) {
    if (!contains(within, entry.key) || region.skip.has(entry.id) || region.released.has(entry.id)) continue;
    region.released.add(entry.id);
    out.push(entry);
  }
  return out;
}

/** The ids a resumed export must not yield again in this region's range. */
export function skipOnResume(region: Region): RecordId[] {
  return [...new Set([...region.skip, ...region.yielded])];
}

export interface CountCheck {
  /** The region whose completeness the check decides; it holds the region open until settled. */
  readonly region: Region;
  readonly expected: number;
  waiting: number;
  sum: number;
}

export function countCheck(region: Region, expected: number, waiting: number): CountCheck {
  region.holds++;
  return { region, expected, waiting, sum: 0 };
}

/** Adds one covering query's count; once all have answered, whether they add up. */
export function settle(check: CountCheck, count: number): "waiting" | "match" | "mismatch" {
  check.sum += count;
  check.waiting--;
  if (check.waiting > 0) return "waiting";
  return check.sum === check.expected ? "match" : "mismatch";
}
