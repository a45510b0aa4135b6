/**
 * Re-reading a region, for when a count check found a page that may have hidden records, and reading a stretch of
 * at most a millisecond that holds more records than a page.
 *
 * Contract:
 * - A `snapshot` task asks for its range in one page. If the page is complete (nothing after it, `total` equal to
 *   what it lists) the range was seen whole at that moment: what the region has not handed out yet is handed out
 *   now. Otherwise the range is cut in two by time and each half is read the same way; a range that cannot be cut
 *   any more (about a millisecond) becomes a `tie` task.
 * - A `tie` task reads its range by offset pages, 1, 2, … (the only place the export uses `page_number` beyond 1).
 *   Inside one millisecond no new call can appear (calls are created "now") and a re-run does not move a record's
 *   `created_at`, so offsets only shift when a record is deleted. A pass counts: it is good when every page reports
 *   the same `total`, no id repeats and the last page completes `total`. Anything else (a moved `total`, a repeat,
 *   an answer for another page) starts a new pass; records already handed out are not handed out again.
 * - Limits, so a lying server cannot make the export run forever: a region's re-read may send `REREAD_BUDGET`
 *   requests (set by the caller); a pass may be `MAX_TIE_PAGES` long; `MAX_TIE_PASSES` passes. Past any of them the
 *   task throws a `ListingContradiction`.
 */
import { ListingContradiction, describeQuery, type CheckedPage, type PageQuery } from "./page-check.js";
import { splitByTime, type KeyRange } from "./ranges.js";
import { release, type Region } from "./regions.js";
import type { Outcome, SnapshotTask, TieTask } from "./tasks.js";

/** 50 000 records in one millisecond at 50 a page: beyond any real listing. */
export const MAX_TIE_PAGES = 1_000;
export const MAX_TIE_PASSES = 3;
export const TIE_BUDGET = MAX_TIE_PAGES * MAX_TIE_PASSES;

/** A pass over `range` from page 1; the caller's hold on the region passes to it. */
export function tieTask(range: KeyRange, region: Region): TieTask {
  return { kind: "tie", range, region, page: 1, total: undefined, seen: new Set(), passes: 1 };
}

/** A snapshot re-read of the whole region; the caller's hold on the region passes to it. */
export function rereadTask(region: Region, budget: number): SnapshotTask {
  region.budget = budget;
  return { kind: "snapshot", range: region.range, region };
}

export function stepSnapshot<T>(task: SnapshotTask, page: CheckedPage<T>, query: PageQuery): Outcome<T> {
  const { region } = task;
  if (page.complete) {
    region.holds--;
    return { batch: { items: release(region, page.items, task.range), region }, tasks: [] };
  }
  const halves = splitByTime(task.range, 2);
  if (halves.length === 1) {
    // This page is page 1 of the same query a tie pass starts with.
    return stepTie(tieTask(task.range, region), page, query);
  }
  region.holds += halves.length - 1;
  return {
    batch: { items: [], region: undefined },
    tasks: halves.map((range) => ({ kind: "snapshot", range, region })),
  };
}

/** Starts the pass over, or gives up after `MAX_TIE_PASSES`; `why` says what broke the pass. */
export function restartTie<T>(task: TieTask, query: PageQuery, why: string): Outcome<T> {
  if (++task.passes > MAX_TIE_PASSES) {
    throw new ListingContradiction(
      `Reading ${describeQuery(query)} page by page failed ${MAX_TIE_PASSES} times (last time: ${why}); ` +
        `the listing keeps changing under its page numbers or does not honour them.`,
    );
  }
  task.page = 1;
  task.total = undefined;
  task.seen = new Set();
  return { batch: { items: [], region: undefined }, tasks: [task] };
}

export function stepTie<T>(task: TieTask, page: CheckedPage<T>, query: PageQuery): Outcome<T> {
  if (task.page === 1) task.total = page.total;
  else if (page.total !== task.total) {
    return restartTie(task, query, `total went from ${String(task.total)} to ${page.total}`);
  }
  for (const entry of page.items) {
    if (task.seen.has(entry.id)) return restartTie(task, query, `id ${JSON.stringify(entry.id)} listed twice`);
    task.seen.add(entry.id);
  }
  const items = release(task.region, page.items, task.range);
  if (page.complete) {
    task.region.holds--;
    return { batch: { items, region: task.region }, tasks: [] };
  }
  if (task.page >= MAX_TIE_PAGES) {
    throw new ListingContradiction(
      `${describeQuery(query)} still had more after ${MAX_TIE_PAGES} pages of one millisecond; not believed.`,
    );
  }
  task.page++;
  return { batch: { items, region: task.region }, tasks: [task] };
}
