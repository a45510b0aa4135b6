/**
 * The scheduler: runs an export's tasks in parallel within its memory bound and hands pages to the consumer.
 *
 * Contract:
 * - At most `concurrency` pages are requested or waiting to be consumed at any time (the one being consumed
 *   included), so memory holds about `concurrency × pageSize` records whatever the total. Each task has at most one
 *   request in flight; parallelism comes from many tasks over different stretches of time.
 * - Work is split adaptively: after a walk's page, the rest of its range is cut by time into as many walks as there
 *   are idle slots, as long as each part holds at least `MIN_PART_PAGES` pages by the page's `total` and the walk
 *   takes no more than its share of the slots (`concurrency` over the walks under way, itself included). A slot
 *   freed by a finished walk is taken by the next page of another, which then splits, so the work stays spread to
 *   the end. The share matters because every walk ends on a partly filled page: when the first window's first page
 *   took all idle slots, the other windows ran as single walks and split only when those parts ended, one wave of
 *   parts (and of partly filled last pages) per window.
 *   Re-reads go first: they settle regions, which keeps checkpoints small.
 * - Pages are handed out in the order they arrive (`next()`), each as a batch, possibly empty. The consumer reports
 *   each record it takes (`took`) and each batch it finished (`finished`).
 * - The first failure (an error from a page request, after the client's own retries, or a page the listing
 *   contradicts itself on) stops all requests; `next()` still hands out the batches already received, then throws
 *   that error. The caller's `signal` stops everything at once: `next()` throws `APIUserAbortError`. A request
 *   whose `fetchPage` ignores its signal is abandoned, not awaited.
 * - `remaining()` is, at any moment, what a resumed export must still read: every walk not finished and every
 *   open region (see `regions.ts`), with the ids already yielded in it.
 */
import { APIUserAbortError } from "../errors.js";
import type { RemainingRange } from "./checkpoint.js";
import {
  checkPage,
  describeQuery,
  ListingContradiction,
  type CheckedPage,
  type ListedItem,
  type PageQuery,
  type RecordId,
} from "./page-check.js";
import { listingQuery, type ExportPlan } from "./plan.js";
import { queryBounds, walkable, type KeyRange } from "./ranges.js";
import { restartTie, stepSnapshot, stepTie } from "./reread.js";
import { openRegion, skipOnResume, type Region } from "./regions.js";
import type { Outcome, Task } from "./tasks.js";
import { REREAD_BUDGET, stepWalk } from "./walk.js";

/** A part shorter than this many pages is not worth a walk of its own (its last page is seldom full). */
export const MIN_PART_PAGES = 4;

export type FetchPage = (query: Record<string, unknown>, signal: AbortSignal) => PromiseLike<unknown>;

export interface Batch<T> {
  readonly items: ReadonlyArray<ListedItem<T>>;
  readonly region: Region | undefined;
  readonly window: number;
}

export interface StartRange {
  readonly range: KeyRange;
  readonly window: number;
  readonly skip: ReadonlySet<RecordId>;
}

/** Why the export stopped, and on which request. */
export interface Failure {
  readonly error: unknown;
  readonly query: PageQuery | undefined;
}

function untilAborted<R>(promise: Promise<R>, signal: AbortSignal): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

export class Scheduler<T> {
  readonly #fetchPage: FetchPage;
  readonly #plan: ExportPlan;
  readonly #concurrency: number;
  readonly #signal: AbortSignal | undefined;
  readonly #ready: Task[] = [];
  readonly #inflight = new Map<Task, AbortController>();
  readonly #delivered: Array<Batch<T>> = [];
  readonly #open = new Set<Region>();
  /** Tasks whose first page's `total` counts towards their window's records (the export's starting ranges). */
  readonly #starting = new Set<Task>();
  /** Per window: the `total`s of its starting ranges, summed as they arrive. */
  readonly windowTotals = new Map<number, number>();
  #consuming: Batch<T> | undefined;
  #failure: Failure | undefined;
  #aborted = false;
  #closed = false;
  #wake: (() => void) | undefined;

  constructor(
    fetchPage: FetchPage,
    plan: ExportPlan,
    concurrency: number,
    signal: AbortSignal | undefined,
    start: StartRange[],
  ) {
    this.#fetchPage = fetchPage;
    this.#plan = plan;
    this.#concurrency = concurrency;
    this.#signal = signal;
    for (const { range, window, skip } of start) {
      let task: Task;
      if (walkable(range)) task = { kind: "walk", range, window, skip };
      else {
        // A checkpoint's region (it starts mid-millisecond): read again whole, in parts that fit a page.
        const region = openRegion(range, window, skip, REREAD_BUDGET);
        region.holds++;
        this.#open.add(region);
        task = { kind: "snapshot", range, region };
      }
      this.#starting.add(task);
      this.#ready.push(task);
    }
  }

  start(): void {
    if (this.#signal?.aborted) this.#abort();
    this.#signal?.addEventListener("abort", this.#abort, { once: true });
    this.#pump();
  }

  /** The next batch in arrival order; `undefined` when the export is done. */
  async next(): Promise<Batch<T> | undefined> {
    this.#consuming = undefined;
    for (;;) {
      if (this.#aborted) {
        throw new APIUserAbortError("exportExecutions was aborted", { cause: this.#signal?.reason });
      }
      const batch = this.#delivered.shift();
      if (batch !== undefined) {
        this.#consuming = batch;
        return batch;
      }
      if (this.#failure !== undefined) throw this.#failure.error;
      if (this.#ready.length === 0 && this.#inflight.size === 0) return undefined;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  get failure(): Failure | undefined {
    return this.#failure;
  }

  took(batch: Batch<T>, entry: ListedItem<T>): void {
    batch.region?.yielded.add(entry.id);
  }

  finished(batch: Batch<T>): void {
    this.#consuming = undefined;
    if (batch.region !== undefined) batch.region.holds--;
    this.#closeSettled();
    this.#pump();
  }

  /** What is left to read, for a checkpoint. */
  remaining(): RemainingRange[] {
    const out: RemainingRange[] = [];
    for (const task of [...this.#ready, ...this.#inflight.keys()]) {
      if (task.kind === "walk") out.push({ range: task.range, skip: task.skip });
    }
    for (const region of this.#open) out.push({ range: region.range, skip: new Set(skipOnResume(region)) });
    return out;
  }

  /** Windows that still have something to read or to hand out. */
  windowsWithWork(): Set<number> {
    const windows = new Set<number>();
    for (const task of [...this.#ready, ...this.#inflight.keys()]) {
      windows.add(task.kind === "walk" ? task.window : task.region.window);
    }
    for (const region of this.#open) windows.add(region.window);
    for (const batch of this.#delivered) windows.add(batch.window);
    return windows;
  }

  close(): void {
    this.#closed = true;
    this.#signal?.removeEventListener("abort", this.#abort);
    for (const controller of this.#inflight.values()) controller.abort();
  }

  readonly #abort = (): void => {
    this.#aborted = true;
    this.close();
    this.#wake?.();
  };

  #slotsUsed(): number {
    return this.#inflight.size + this.#delivered.length + (this.#consuming ? 1 : 0);
  }

  /** How many walks the rest of a range should become (see the module comment). */
  readonly #split = (expectedRecords: number): number => {
    const idle = this.#concurrency - this.#slotsUsed() - this.#ready.length;
    const byWork = Math.floor(expectedRecords / (MIN_PART_PAGES * this.#plan.pageSize));
    let walks = 1; // the walk being split: its request is no longer in flight
    for (const task of [...this.#ready, ...this.#inflight.keys()]) if (task.kind === "walk") walks++;
    const share = Math.ceil(this.#concurrency / walks);
    return Math.max(1, Math.min(idle, byWork, share));
  };

  #pump(): void {
    while (!this.#closed && this.#failure === undefined && this.#ready.length > 0) {
      if (this.#slotsUsed() >= this.#concurrency) return;
      this.#issue(this.#ready.shift() as Task);
    }
  }

  #queryOf(task: Task): PageQuery {
    const { fromMs, toMs } = queryBounds(task.range);
    return { fromMs, toMs, pageNumber: task.kind === "tie" ? task.page : 1, pageSize: this.#plan.pageSize };
  }

  #issue(task: Task): void {
    const query = this.#queryOf(task);
    if (task.kind !== "walk" && task.region.budget-- <= 0) {
      const error = new ListingContradiction(
        `Re-reading the stretch of ${describeQuery(query)} did not reconcile the listing's counts within the ` +
          `requests allowed; its totals do not add up.`,
      );
      this.#fail(task, error, query, false);
      return;
    }
    const controller = new AbortController();
    this.#inflight.set(task, controller);
    const signal = this.#signal ? AbortSignal.any([controller.signal, this.#signal]) : controller.signal;
    const request = listingQuery(this.#plan, query.fromMs, query.toMs, query.pageNumber);
    untilAborted(
      Promise.resolve().then(() => this.#fetchPage(request, signal)),
      signal,
    ).then(
      (body) => this.#answer(task, query, body),
      (error: unknown) => this.#fail(task, error, query),
    );
  }

  #answer(task: Task, query: PageQuery, body: unknown): void {
    if (this.#closed || !this.#inflight.delete(task)) return;
    let outcome: Outcome<T>;
    try {
      outcome = this.#step(task, query, body);
    } catch (error) {
      this.#fail(task, error, query, false);
      return;
    }
    const { items, region } = outcome.batch;
    if (region !== undefined) {
      region.holds++;
      this.#open.add(region);
    }
    this.#delivered.push({ items, region, window: task.kind === "walk" ? task.window : task.region.window });
    for (const next of outcome.tasks) {
      if (next.kind === "walk") this.#ready.push(next);
      else {
        this.#open.add(next.region);
        this.#ready.unshift(next);
      }
    }
    this.#closeSettled();
    this.#pump();
    this.#wake?.();
  }

  #step(task: Task, query: PageQuery, body: unknown): Outcome<T> {
    let page: CheckedPage<T>;
    try {
      page = checkPage<T>(body, query);
    } catch (error) {
      // Past page 1 of a tie pass, a page that disagrees with the pass's first one means the records moved.
      if (task.kind === "tie" && task.page > 1 && error instanceof ListingContradiction) {
        return restartTie(task, query, error.message);
      }
      throw error;
    }
    if (this.#starting.delete(task)) {
      const window = task.kind === "walk" ? task.window : task.region.window;
      this.windowTotals.set(window, (this.windowTotals.get(window) ?? 0) + page.total);
    }
    if (task.kind === "walk") return stepWalk(task, page, this.#split);
    return task.kind === "snapshot" ? stepSnapshot(task, page, query) : stepTie(task, page, query);
  }

  /** Stops the export at its first failure; the task's range stays in `remaining()`. */
  #fail(task: Task, error: unknown, query: PageQuery, requested = true): void {
    if (this.#closed) return;
    if (requested && !this.#inflight.delete(task)) return;
    if (this.#failure === undefined) this.#failure = { error, query };
    this.#ready.unshift(task);
    // Requests in flight stay as tasks (so their ranges stay in the checkpoint); their answers are ignored.
    for (const [pending, controller] of this.#inflight) {
      controller.abort();
      this.#ready.push(pending);
    }
    this.#inflight.clear();
    this.#wake?.();
  }

  #closeSettled(): void {
    for (const region of this.#open) if (region.holds <= 0) this.#open.delete(region);
  }
}
