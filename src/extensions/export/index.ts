/**
 * `exportExecutions`: every execution of one agent over any date range, as one stream.
 *
 * The guarantee:
 * - every execution that exists when the export starts and whose `created_at` lies in `[from, to]` (both
 *   inclusive) is yielded exactly once, even while calls are created, re-run or deleted during the export (a call
 *   deleted before the export reaches it is not yielded; one whose status moves in or out of a `status` filter
 *   counts as created or deleted);
 * - calls created during the export are yielded at most once;
 * - when the server's answers are inconsistent in a way the export cannot repair (`page_number` ignored or
 *   jumping, a `total` that moves and re-reading does not reconcile, items out of the window asked for, `has_more`
 *   contradicting `total`, no end within a bounded number of pages), it throws an `ExportError` with a checkpoint
 *   instead of truncating or duplicating;
 * - memory stays bounded: about `concurrency × pageSize` records, whatever the total.
 * How, and why it holds against a listing sorted by last run or a skewed clock: `walk.ts`.
 *
 * Contract of the stream:
 * - Records come out in the order pages arrive: several stretches of time are read at once, each newest first.
 *   Sort afterwards if you need one order.
 * - `onProgress` is called after each page's records have all been yielded.
 * - Each page request goes through the client's `listAgentExecutions` with per-request `maxRetries` and
 *   `maxRetryDelayMs` (from `retry`): the client's transport retries, backs off and caps `Retry-After`. When a page
 *   still fails, or the listing contradicts itself, the consumer gets every record already received, then an
 *   `ExportError` with the cause and a JSON `checkpoint`; `resume: checkpoint` (same agent, range and filters)
 *   continues without repeating or losing a record. `.checkpoint` gives the same at any time: after a `break`, or
 *   while iterating (it then counts every record yielded so far, the one just yielded included).
 * - The caller's `signal` ends the export at once, mid-page or mid-request: it throws `APIUserAbortError`.
 */
import { APIUserAbortError, BolnaError, BolnaInputError, ExportError } from "../errors.js";
import type { OperationArgs } from "../operation-types.js";
import { makeCheckpoint, readCheckpoint, type ExportCheckpoint } from "./checkpoint.js";
import { describeQuery, ListingContradiction } from "./page-check.js";
import {
  assertSamePlan,
  planExport,
  windowsOf,
  type ExportPlan,
  type ExportWindow,
  type PageRequestSettings,
  type PlanOptions,
} from "./plan.js";
import { Scheduler, type Batch, type StartRange } from "./scheduler.js";

export type { CheckpointRange, ExportCheckpoint } from "./checkpoint.js";
// Its home is errors.ts, so that importing it does not load the export.
export { ExportError } from "../errors.js";
export type { ExecutionFilterName, ExecutionFilters, ExportPlan, ExportRetryOptions } from "./plan.js";

/** The query of one page request: `listAgentExecutions` arguments, page number and size always set. */
export type ExecutionListQuery = Omit<OperationArgs<"listAgentExecutions">, "from" | "to"> & {
  from: string;
  to: string;
  page_number: number;
  page_size: number;
};

/** Per-request options of a page request: the export's signal and its retry settings. */
export interface PageRequestInit extends PageRequestSettings {
  signal: AbortSignal;
}

/** Requests one page of the executions listing (the client passes its `listAgentExecutions`). */
export type ListExecutionsPage = (query: ExecutionListQuery, init: PageRequestInit) => PromiseLike<unknown>;

export interface ExportProgress {
  /** The window (a stretch of at most `maxWindowDays`) of the page just finished. */
  window: {
    /** 0-based, oldest first, of `overall.windowCount`. */
    index: number;
    from: string;
    to: string;
    /** Pages of this window finished by this run. */
    pagesDone: number;
    /** Pages this window is expected to take: `pagesDone` plus what its `total` says is left. */
    pagesTotal: number;
    /** Records yielded from this window by this run. */
    recordsDone: number;
    /** The server's `total` for the window (for a resumed export: for what was left of it). */
    recordsTotal: number;
  };
  overall: {
    windowsDone: number;
    windowCount: number;
    /** Pages finished by this run. */
    pagesDone: number;
    /** Records yielded, earlier runs of a resumed export included. */
    recordsDone: number;
    /** Sum of `recordsTotal` over the windows read so far. */
    recordsTotalKnown: number;
  };
}

export interface ExportExecutionsOptions extends PlanOptions {
  /** Called after each page's records have all been yielded. */
  onProgress?: ((progress: ExportProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** A checkpoint from an earlier run of the same export (`ExportError.checkpoint` or `.checkpoint`). */
  resume?: ExportCheckpoint | undefined;
}

export interface ExecutionExport<T> extends AsyncIterable<T> {
  /** Where the export stands: pass it as `resume` to continue after the records yielded so far. */
  readonly checkpoint: ExportCheckpoint;
}

export function exportExecutions<T>(
  listPage: ListExecutionsPage,
  options: ExportExecutionsOptions,
): ExecutionExport<T> {
  return new ExportRun<T>(listPage, options);
}

/** The window holding a range from a checkpoint (ranges never straddle windows). */
function windowOf(windows: readonly ExportWindow[], range: StartRange["range"]): number {
  const index = windows.findIndex((window) => window.range.lo <= range.lo && range.hi <= window.range.hi);
  if (index === -1) {
    throw new BolnaInputError("resume", "resume: the checkpoint is damaged: a range spans two windows.");
  }
  return index;
}

class ExportRun<T> implements ExecutionExport<T> {
  readonly #plan: ExportPlan;
  readonly #windows: ExportWindow[];
  readonly #scheduler: Scheduler<T>;
  readonly #onProgress: ExportExecutionsOptions["onProgress"];
  readonly #signal: AbortSignal | undefined;
  readonly #recordsBefore: number;
  readonly #windowDone: Array<{ pages: number; records: number }>;
  #records = 0;
  #pages = 0;
  #started = false;

  constructor(listPage: ListExecutionsPage, options: ExportExecutionsOptions) {
    const resumed = options.resume === undefined ? undefined : readCheckpoint(options.resume);
    const { plan, concurrency, request } = planExport(options, resumed?.checkpoint.plan);
    if (resumed !== undefined) assertSamePlan(plan, resumed.checkpoint.plan);
    this.#plan = plan;
    this.#windows = windowsOf(plan);
    this.#onProgress = options.onProgress;
    this.#signal = options.signal;
    this.#recordsBefore = resumed?.checkpoint.recordsYielded ?? 0;
    this.#windowDone = this.#windows.map(() => ({ pages: 0, records: 0 }));
    const start: StartRange[] =
      resumed?.ranges.map(({ range, skip }) => ({ range, skip, window: windowOf(this.#windows, range) })) ??
      this.#windows.map((window, index) => ({ range: window.range, window: index, skip: new Set() }));
    this.#scheduler = new Scheduler<T>(
      (query, signal) => listPage(query as ExecutionListQuery, { ...request, signal }),
      plan,
      concurrency,
      options.signal,
      start,
    );
  }

  get checkpoint(): ExportCheckpoint {
    return makeCheckpoint(this.#plan, this.#recordsBefore + this.#records, this.#scheduler.remaining());
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#started) {
      throw new BolnaError("An export can be iterated once; start another (or resume from its checkpoint).");
    }
    this.#started = true;
    return this.#run();
  }

  async *#run(): AsyncGenerator<T, void, undefined> {
    this.#scheduler.start();
    try {
      for (let batch = await this.#next(); batch !== undefined; batch = await this.#next()) {
        for (const entry of batch.items) {
          if (this.#signal?.aborted) throw this.#abortError();
          this.#scheduler.took(batch, entry);
          this.#records++;
          (this.#windowDone[batch.window] as { records: number }).records++;
          yield entry.item;
        }
        this.#scheduler.finished(batch);
        this.#pages++;
        (this.#windowDone[batch.window] as { pages: number }).pages++;
        this.#onProgress?.(this.#progress(batch));
      }
    } finally {
      this.#scheduler.close();
    }
  }

  async #next(): Promise<Batch<T> | undefined> {
    try {
      return await this.#scheduler.next();
    } catch (error) {
      if (error instanceof APIUserAbortError || this.#signal?.aborted) throw this.#abortError(error);
      // A contradiction names its query itself; for a failed request, say which page it was.
      const query = error instanceof ListingContradiction ? undefined : this.#scheduler.failure?.query;
      const where = query ? ` (at ${describeQuery(query)})` : "";
      const why = (error instanceof Error ? error.message : String(error)).replace(/\.?$/, ".");
      const checkpoint = this.checkpoint;
      throw new ExportError(
        `Export stopped after ${checkpoint.recordsYielded} records${where}: ${why} Pass this error's checkpoint as ` +
          `the resume option to continue without repeating or losing a record.`,
        checkpoint,
        error,
      );
    }
  }

  #abortError(error?: unknown): APIUserAbortError {
    if (error instanceof APIUserAbortError) return error;
    return new APIUserAbortError("exportExecutions was aborted", { cause: this.#signal?.reason });
  }

  #progress(batch: Batch<T>): ExportProgress {
    const window = this.#windows[batch.window] as ExportWindow;
    const done = this.#windowDone[batch.window] as { pages: number; records: number };
    const recordsTotal = this.#scheduler.windowTotals.get(batch.window) ?? 0;
    const busy = this.#scheduler.windowsWithWork();
    const pagesLeft = busy.has(batch.window)
      ? Math.ceil(Math.max(0, recordsTotal - done.records) / this.#plan.pageSize)
      : 0;
    let recordsTotalKnown = 0;
    for (const total of this.#scheduler.windowTotals.values()) recordsTotalKnown += total;
    return {
      window: {
        index: batch.window,
        from: window.from,
        to: window.to,
        pagesDone: done.pages,
        pagesTotal: done.pages + pagesLeft,
        recordsDone: done.records,
        recordsTotal,
      },
      overall: {
        windowsDone: this.#windows.length - busy.size,
        windowCount: this.#windows.length,
        pagesDone: this.#pages,
        recordsDone: this.#recordsBefore + this.#records,
        recordsTotalKnown,
      },
    };
  }
}
