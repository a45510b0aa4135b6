/**
 * The walk: how one range of time is read so that every record in it comes out exactly once while calls are
 * created, re-run and deleted, or the export fails loudly.
 *
 * How: keyset pagination through the `from`/`to` filters. A walk always asks for page 1 of `[lo, to]`; after each
 * page it narrows `to` to a "pivot" just below the page's last record and hands out the records above it. Offset
 * pages over a changing list shift (an insert on page 1 pushes a record from page 3 to page 4, unread); a time
 * window does not, because `created_at` never changes. New calls are created "now", above every pivot, so they
 * cannot move what a walk has yet to read; a deleted record leaves no gap in a window asked for by time. The pivot
 * is on a whole millisecond because `from`/`to` go out with millisecond precision (see `pivotOf`), so on a normal
 * run no record is listed twice.
 *
 * Why it is exact, and how it is checked rather than assumed. Each page of `[lo, to]` comes with `total`. Let
 * `above` be the page's records later than the pivot. The queries that continue the walk (the rest `[lo, pivot]`,
 * or the parts it is split into) report their own totals; the page missed nothing later than the pivot exactly
 * when `total - above` equals what they count (minus records on their shared millisecond bounds, which their
 * first pages show). A mismatch means the listing changed below the pivot between the two requests (a delete, a
 * call whose status entered the filter) or that the page hid a record it should have shown; the export cannot
 * tell which, so it re-reads the page's stretch of time (`reread.ts`) and hands out whatever it had not. A
 * mismatch that re-reading cannot reconcile within a bounded number of requests fails the export.
 *
 * Sort order. Bolna documents the listing as "sorted by last run"; every observed listing, the docs' examples and
 * the live captures are newest first by `created_at`, and that is what the walk expects. It does not rely on it:
 * a record listed out of that order (a call re-run and moved to the top of a listing sorted by last run) is not
 * handed out from a page where it sits below the pivot; it is still inside the rest of the walk and is handed out
 * when the walk reaches its time. A listing sorted some other way shows up as count mismatches; re-reading
 * recovers what it hid, and a listing so far from time order that re-reading cannot reconcile it ends the export
 * with an `ExportError` instead of a shorter result.
 *
 * Clock skew. `to` is never compared with the client's clock: a `to` later than the server's clock (a client clock
 * ahead, or a future `to`) only lets calls created during the export into the range, at its top, where the walk
 * has already been or reads them once. So calls created during the export are yielded at most once, and nothing
 * that existed when it started depends on the clocks agreeing.
 *
 * Ties and bounds. Both bounds are inclusive and exact to the microsecond: ranges never overlap (see `ranges.ts`),
 * and a record on a shared bound belongs to exactly one of them. When a whole page sits on one instant (more calls
 * in one millisecond than a page holds), the walk reads that millisecond by offset pages instead (`reread.ts`,
 * a "tie") and carries on below it. The one case not checked by counts: a page whose every record is on the
 * pivot while the listing hides later ones, which only a listing in no time order at all could produce.
 */
import { ceilMs, floorMs, MICROS_PER_MS } from "./keys.js";
import type { CheckedPage, ListedItem } from "./page-check.js";
import { splitByTime } from "./ranges.js";
import { rereadTask, TIE_BUDGET, tieTask } from "./reread.js";
import { countCheck, openRegion, release, settle, type CountCheck } from "./regions.js";
import type { Outcome, SplitPolicy, Task, WalkTask } from "./tasks.js";

/** Requests a re-read of one page's stretch of time may make (a page's worth of records needs one). */
export const REREAD_BUDGET = 64;

function countAbove(items: ReadonlyArray<ListedItem<unknown>>, key: number): number {
  let count = 0;
  for (const entry of items) if (entry.key > key) count++;
  return count;
}

/** One covering query has answered `check`: settled and equal frees its region; unequal re-reads it. */
function answer(check: CountCheck, count: number, tasks: Task[]): void {
  const verdict = settle(check, count);
  if (verdict === "match") check.region.holds--;
  else if (verdict === "mismatch") tasks.push(rereadTask(check.region, REREAD_BUDGET));
}

/**
 * Where to cut a full page: records later than the pivot are handed out, the rest of the walk is `[lo, pivot]`.
 * Normally the last whole millisecond before the page's last record, so the rest's query (which ends on a whole
 * millisecond) does not list that record again. When the last record's millisecond holds other records of the
 * page, more of it may lie beyond the page: the pivot is then the end of that millisecond, leaving all of it to
 * the rest instead of to a count check that would fail.
 */
function pivotOf(items: ReadonlyArray<ListedItem<unknown>>): number {
  const cut = (items[items.length - 1] as ListedItem<unknown>).key;
  const millisecond = floorMs(cut);
  const crowded = items.filter((entry) => floorMs(entry.key) === millisecond).length > 1;
  return crowded ? (millisecond + 1) * MICROS_PER_MS - 1 : (ceilMs(cut) - 1) * MICROS_PER_MS;
}

/** Handles page 1 of `[task.range.lo, to]`: hands out what it settles and plans the rest. */
export function stepWalk<T>(task: WalkTask, page: CheckedPage<T>, split: SplitPolicy): Outcome<T> {
  const { range, window, skip } = task;
  const tasks: Task[] = [];
  // Records past the range's end (on its last millisecond, a neighbour's) are in `total` but not this range's.
  if (task.parent) answer(task.parent, page.total - countAbove(page.items, range.hi), tasks);

  if (page.complete) {
    const region = openRegion(range, window, skip, 0);
    return { batch: { items: release(region, page.items), region }, tasks };
  }

  const pivot = pivotOf(page.items);
  if (pivot >= range.hi) {
    // The page cannot narrow the range: more records share its last millisecond(s) than a page holds. Read them
    // by offset pages, from just after the whole millisecond before (which a query ending there cannot reach past
    // them), and walk on below.
    const below = (floorMs(pivot) - 1) * MICROS_PER_MS;
    const tie = { lo: Math.max(range.lo, below + 1), hi: range.hi };
    const region = openRegion(tie, window, skip, TIE_BUDGET);
    region.holds++;
    tasks.push(tieTask(tie, region));
    if (below >= range.lo) tasks.push({ kind: "walk", range: { lo: range.lo, hi: below }, window, skip });
    return { batch: { items: [], region: undefined }, tasks };
  }

  // The rest inherits `skip` whole: ids a stopped run yielded in this range may lie anywhere in it. What this page
  // hands out lies above the pivot, in the region, so a checkpoint keeps those ids with the region (`remaining`).
  const region = openRegion({ lo: pivot + 1, hi: range.hi }, window, skip, REREAD_BUDGET);
  const items = release(region, page.items);
  const expected = page.total - countAbove(page.items, pivot);
  const parts = splitByTime({ lo: range.lo, hi: pivot }, split(expected));
  const check = countCheck(region, expected, parts.length);
  for (const part of parts) tasks.push({ kind: "walk", range: part, window, skip, parent: check });
  return { batch: { items, region }, tasks };
}
