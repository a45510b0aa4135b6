/**
 * The kinds of work an export schedules, and what handling one page of each produces.
 *
 * - `walk` (`walk.ts`): read a range newest first, one page at a time, narrowing `to` after each page.
 * - `snapshot` (`reread.ts`): read a region again, in parts small enough to come back whole in one page each.
 * - `tie` (`reread.ts`): read, page by page, a stretch of at most one millisecond too full for one page.
 * A handler gets the checked page and returns the items to hand out (with the region they belong to) and the
 * follow-up tasks; it updates the regions' holds and the count checks itself.
 */
import type { ListedItem, RecordId } from "./page-check.js";
import type { KeyRange } from "./ranges.js";
import type { CountCheck, Region } from "./regions.js";

export interface WalkTask {
  readonly kind: "walk";
  readonly range: KeyRange;
  readonly window: number;
  /** Ids in the range yielded by an earlier run. */
  readonly skip: ReadonlySet<RecordId>;
  /** The check this walk's first page answers (as one of the queries covering the rest of a page). */
  readonly parent?: CountCheck | undefined;
}

export interface SnapshotTask {
  readonly kind: "snapshot";
  readonly range: KeyRange;
  readonly region: Region;
}

export interface TieTask {
  readonly kind: "tie";
  readonly range: KeyRange;
  readonly region: Region;
  /** The page to ask for next, from 1. */
  page: number;
  /** `total` from this pass's first page. */
  total: number | undefined;
  /** Ids seen in this pass (a pass must list each record once). */
  seen: Set<RecordId>;
  /** Passes started, this one included. */
  passes: number;
}

export type Task = WalkTask | SnapshotTask | TieTask;

export interface Outcome<T> {
  /** What this page hands to the consumer; `items` may be empty (the page is still counted as read). */
  readonly batch: { readonly items: Array<ListedItem<T>>; readonly region: Region | undefined };
  readonly tasks: Task[];
}

/** Decides into how many walks the rest of a range is cut, from how many records it holds (see `scheduler.ts`). */
export type SplitPolicy = (expectedRecords: number) => number;
