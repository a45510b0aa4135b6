/**
 * `exportExecutions`: every execution of one agent over any date range, as one ordered stream, each record once.
 *
 * Contract:
 * - The range [from, to] is fixed when the export is created (`to` defaults to that moment, so calls made during the
 *   export cannot shift its pages) and cut into windows of at most `maxWindowDays` (Bolna refuses wider ones).
 * - Per window, the first page reveals `total`; the remaining pages are then requested in parallel. Records come out
 *   in window order, page order and item order. At most `concurrency` pages are requested and not yet consumed at
 *   any time, the page being consumed included, so memory holds about `concurrency × pageSize` records whatever the
 *   total. When a window's pages are all requested, the next window's first page may start early.
 * - A window ends at a page that says `has_more: false` or is empty; if its last expected page still says
 *   `has_more: true`, pages are read one at a time beyond `total` (at most `MAX_PAGES_BEYOND_TOTAL` of them).
 * - Each page is retried (`retry`: attempts, exponential backoff with jitter, a 429's wait honoured) unless the error
 *   cannot heal (4xx other than 408/409/429, invalid input, abort). When a page still fails, the consumer gets every
 *   record before it, then an `ExportError` saying where it stopped, with the underlying error as `cause` and a
 *   JSON-serialisable `checkpoint`; `resume: checkpoint` (with the same agent and filters) continues from there
 *   without repeating or losing a record. `.checkpoint` on the export gives the same at any time (after a `break`).
 * - The caller's `signal` aborts everything at once; the export then throws `APIUserAbortError`.
 *
 * Why a bounded id memory is enough to yield each record once (rather than a set of every id ever seen):
 * - Within a window, a record repeats only when the offset pagination shifts between two requests: the last items of
 *   page n come again at the top of page n+1. Remembering the previous page's ids covers a shift of up to a page.
 * - Across windows, a record repeats only if its timestamp is exactly the shared boundary instant (both bounds are
 *   inclusive). Bolna sorts a listing by time, so such a record sits at one edge of each window: on the last page of
 *   the earlier window and the first page of the later one, or on the first page of the earlier and the last page of
 *   the later, depending on the direction. Remembering the first and last pages of the previous window covers both.
 * So the memory is at most about five pages of ids, and a checkpoint carries them to the resumed export.
 */
import { splitWindow, toUtcDate, toUtcIso } from "./datetime.js";
import {
  APIError,
  APIUserAbortError,
  BolnaError,
  BolnaInputError,
  ConfigurationError,
  RateLimitError,
} from "./errors.js";
import { assertEnvelope, recordId, type PageEnvelope, type RecordId } from "./pagination.js";
import { MAX_TIMER_MS, sleep } from "./rate-limit.js";

export interface ExecutionFilters {
  status?: string | undefined;
  call_type?: string | undefined;
  provider?: string | undefined;
  answered_by_voice_mail?: boolean | undefined;
  batch_id?: string | undefined;
}

export interface ExecutionListQuery {
  agent_id: string;
  from: string;
  to: string;
  page_number: number;
  page_size: number;
  status?: string;
  call_type?: string;
  provider?: string;
  answered_by_voice_mail?: boolean;
  batch_id?: string;
}

export type ListExecutionsPage<T> = (
  query: ExecutionListQuery,
  init: { signal?: AbortSignal },
) => Promise<PageEnvelope<T>>;

export interface ExportRetryOptions {
  /** Attempts per page, the first included. Default 4. */
  maxAttemptsPerPage?: number | undefined;
  /** Wait before the second attempt, doubled for each further one. Default 1 000. */
  initialDelayMs?: number | undefined;
  /** Cap on that wait. Default 30 000. */
  maxDelayMs?: number | undefined;
}

export interface ExportProgress {
  /** The window whose page just finished. */
  window: {
    /** 0-based, of `overall.windowCount`. */
    index: number;
    from: string;
    to: string;
    /** The page just finished, i.e. pages done in this window. */
    pagesDone: number;
    /** Pages the window is expected to have: from its `total`, plus any the server added with `has_more`. */
    pagesTotal: number;
    /** Records yielded from this window by this run (a resumed window does not count the earlier run's). */
    recordsDone: number;
    /** The server's `total` for the window. */
    recordsTotal: number;
  };
  overall: {
    windowsDone: number;
    windowCount: number;
    /** Pages finished by this run. */
    pagesDone: number;
    /** Records yielded, earlier runs of a resumed export included. */
    recordsDone: number;
    /** Sum of `total` over the windows this run has read so far; final once the last window has started. */
    recordsTotalKnown: number;
  };
}

export interface ExportExecutionsOptions extends ExecutionFilters {
  agent_id: string;
  /** Start of the range (inclusive): a `Date` or an ISO-8601 string with `Z` or an offset. */
  from: Date | string;
  /** End of the range (inclusive). Default: the moment the export is created. */
  to?: Date | string | undefined;
  /** Pages requested and not yet consumed, at most. 1–16, default 4. */
  concurrency?: number | undefined;
  /** Records per page. 1–50, default 50. */
  pageSize?: number | undefined;
  /** Widest window one request may cover. Default 7 (Bolna's limit). */
  maxWindowDays?: number | undefined;
  retry?: ExportRetryOptions | undefined;
  /** Called after each page's records have all been yielded. */
  onProgress?: ((progress: ExportProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** A checkpoint from an earlier run of the same export (`ExportError.checkpoint` or `.checkpoint`). */
  resume?: ExportCheckpoint | undefined;
}

/** What an export lists, fixed at its start; page numbers and windows follow from it. */
export interface ExportPlan extends ExecutionFilters {
  agent_id: string;
  from: string;
  to: string;
  pageSize: number;
  maxWindowDays: number;
}

export interface ExportCheckpoint {
  version: 1;
  plan: ExportPlan;
  /** 0-based window, and page in it, holding the next record not yet yielded. */
  windowIndex: number;
  page: number;
  /** Records yielded up to this point, over every run of the export. */
  recordsYielded: number;
  /** Ids that may be listed again after this point (see the module comment); the resumed export skips them. */
  recentIds: RecordId[];
}

export interface ExecutionExport<T> extends AsyncIterable<T> {
  /** Where the export stands: pass it as `resume` to continue after the last record yielded. */
  readonly checkpoint: ExportCheckpoint;
}

/** The export gave up on a page; `checkpoint` resumes it, `cause` is the last error. */
export class ExportError extends BolnaError {
  override name = "ExportError";
  readonly checkpoint: ExportCheckpoint;

  constructor(message: string, checkpoint: ExportCheckpoint, cause: unknown) {
    super(message, { cause });
    this.checkpoint = checkpoint;
  }
}

/** Pages read beyond what a window's `total` announced before the server's `has_more: true` is not believed. */
export const MAX_PAGES_BEYOND_TOTAL = 100;

const FILTERS = ["status", "call_type", "provider", "answered_by_voice_mail", "batch_id"] as const;

/** Statuses below 500 that a later attempt can fix. */
const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 409, 429]);

export function exportExecutions<T extends { id?: string }>(
  listPage: ListExecutionsPage<T>,
  options: ExportExecutionsOptions,
): ExecutionExport<T> {
  return new ExportRun(listPage, options);
}

function integerOption(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BolnaInputError(name, `${name} must be an integer from ${min} to ${max}; got ${value}.`);
  }
  return value;
}

function isCount(value: unknown, min: number): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= min;
}

/** Refuses something that is not a checkpoint, e.g. a hand-edited or truncated one read back from storage. */
function assertCheckpoint(value: unknown): asserts value is ExportCheckpoint {
  const checkpoint = (typeof value === "object" && value !== null ? value : {}) as Partial<
    Record<keyof ExportCheckpoint, unknown>
  >;
  const valid =
    checkpoint.version === 1 &&
    typeof checkpoint.plan === "object" &&
    checkpoint.plan !== null &&
    isCount(checkpoint.windowIndex, 0) &&
    isCount(checkpoint.page, 1) &&
    isCount(checkpoint.recordsYielded, 0) &&
    Array.isArray(checkpoint.recentIds) &&
    checkpoint.recentIds.every((id) => typeof id === "string" || typeof id === "number");
  if (!valid) throw new BolnaInputError("resume", "resume must be a checkpoint from exportExecutions (version 1).");
}

/** The plan from the options; when resuming, unset `to`/`pageSize`/`maxWindowDays` come from the checkpoint. */
function planFor(options: ExportExecutionsOptions, resumed: ExportPlan | undefined): ExportPlan {
  if (typeof options.agent_id !== "string" || options.agent_id === "") {
    throw new BolnaInputError("agent_id", "agent_id must be a non-empty string.");
  }
  const to = options.to ?? resumed?.to;
  const plan: ExportPlan = {
    agent_id: options.agent_id,
    from: toUtcIso(options.from, "from"),
    // Frozen now: records created while the export runs fall outside the range and cannot shift its pages.
    to: to === undefined ? new Date().toISOString() : toUtcIso(to, "to"),
    pageSize: integerOption("pageSize", options.pageSize ?? resumed?.pageSize ?? 50, 1, 50),
    maxWindowDays: options.maxWindowDays ?? resumed?.maxWindowDays ?? 7,
  };
  for (const name of FILTERS) {
    const value = options[name];
    if (value !== undefined) Object.assign(plan, { [name]: value });
  }
  return plan;
}

/** A resumed export must list exactly what the failed one did, or its page numbers mean other records. */
function assertSamePlan(plan: ExportPlan, resumed: ExportPlan): void {
  const mine = plan as unknown as Record<string, unknown>;
  const theirs = resumed as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(mine), ...Object.keys(theirs)])) {
    const now = JSON.stringify(mine[key]) ?? "unset";
    const then = JSON.stringify(theirs[key]) ?? "unset";
    if (now !== then) {
      throw new BolnaInputError(
        key,
        `resume: the checkpoint was made with ${key} = ${then}, but this export has ${key} = ${now}. ` +
          `Resume with the options of the export that stopped.`,
      );
    }
  }
}

function isRetryable(error: unknown): boolean {
  if (error instanceof APIUserAbortError || error instanceof BolnaInputError || error instanceof ConfigurationError) {
    return false;
  }
  return !(error instanceof APIError) || error.status >= 500 || TRANSIENT_STATUSES.has(error.status);
}

/**
 * The ids that may still come back, and only those (see the module comment): the first and last pages of the
 * previous window, this window's first page, the previous page and the page being yielded.
 */
class RecentIds {
  #previousWindowEdges: Set<RecordId>;
  #windowFirstPage: Set<RecordId>;
  #previousPage = new Set<RecordId>();
  #currentPage = new Set<RecordId>();

  /** Restored ids stand for the edges of the window they were saved in, whatever page that was. */
  constructor(restored: readonly RecordId[]) {
    this.#previousWindowEdges = new Set(restored);
    this.#windowFirstPage = new Set(restored);
  }

  /** False for an id seen in the neighbourhood; otherwise remembers it. Items without an id always pass. */
  admit(id: RecordId | undefined): boolean {
    if (id === undefined) return true;
    if (this.#seen(id)) return false;
    this.#currentPage.add(id);
    return true;
  }

  endPage(firstOfWindow: boolean): void {
    if (firstOfWindow) this.#windowFirstPage = this.#currentPage;
    // A page that added nothing (empty, or all repeats) does not push the last real page out of memory.
    if (this.#currentPage.size > 0) this.#previousPage = this.#currentPage;
    this.#currentPage = new Set();
  }

  endWindow(): void {
    // A window that admitted nothing (empty, or only repeats) has no edges of its own: the last real window's
    // edges stay the neighbourhood, or the next window could repeat them.
    if (this.#windowFirstPage.size > 0 || this.#previousPage.size > 0) {
      this.#previousWindowEdges = new Set([...this.#windowFirstPage, ...this.#previousPage]);
    }
    this.#windowFirstPage = new Set();
    this.#previousPage = new Set();
  }

  snapshot(): RecordId[] {
    return [
      ...new Set([...this.#previousWindowEdges, ...this.#windowFirstPage, ...this.#previousPage, ...this.#currentPage]),
    ];
  }

  #seen(id: RecordId): boolean {
    return (
      this.#currentPage.has(id) ||
      this.#previousPage.has(id) ||
      this.#windowFirstPage.has(id) ||
      this.#previousWindowEdges.has(id)
    );
  }
}

interface WindowState {
  index: number;
  from: string;
  to: string;
  /** First page this run reads: 1, or the checkpoint's page in the resumed window. */
  start: number;
  /** Last page expected; 0 until the start page arrives, then grows while the server keeps saying `has_more`. */
  last: number;
  /** The server's `total`, 0 until the start page arrives. */
  total: number;
  pagesBeyondTotal: number;
  recordsDone: number;
}

/** A page requested and not yet consumed. */
interface Slot<T> {
  state: WindowState;
  page: number;
  controller: AbortController;
  result: Promise<PageEnvelope<T>>;
}

interface Position {
  window: number;
  page: number;
}

class ExportRun<T> implements ExecutionExport<T> {
  readonly #listPage: ListExecutionsPage<T>;
  readonly #plan: ExportPlan;
  readonly #windows: WindowState[];
  readonly #concurrency: number;
  readonly #maxAttempts: number;
  readonly #initialDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #onProgress: ((progress: ExportProgress) => void) | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #ids: RecentIds;
  readonly #recordsBefore: number;

  /** Requested, not yet consumed, in yield order; `[0]` is the page being consumed. */
  #queue: Array<Slot<T>> = [];
  /** The next page to request in yield order (pages beyond `total` are requested separately, see `#pendingTail`). */
  #cursor: Position;
  /** A window whose page beyond `total` must be requested next, ahead of the cursor. */
  #pendingTail: WindowState | undefined;
  /** The page holding the next record not yet yielded: what a checkpoint resumes from. */
  #position: Position;
  #records = 0;
  #pagesDone = 0;
  #windowsDone: number;
  #recordsTotalKnown = 0;
  #started = false;
  #closed = false;

  constructor(listPage: ListExecutionsPage<T>, options: ExportExecutionsOptions) {
    const { resume } = options;
    if (resume !== undefined) assertCheckpoint(resume);
    this.#plan = planFor(options, resume?.plan);
    if (resume !== undefined) assertSamePlan(this.#plan, resume.plan);
    const retry = options.retry ?? {};
    this.#listPage = listPage;
    this.#concurrency = integerOption("concurrency", options.concurrency ?? 4, 1, 16);
    this.#maxAttempts = integerOption("retry.maxAttemptsPerPage", retry.maxAttemptsPerPage ?? 4, 1, 100);
    this.#initialDelayMs = integerOption("retry.initialDelayMs", retry.initialDelayMs ?? 1_000, 0, MAX_TIMER_MS);
    this.#maxDelayMs = integerOption("retry.maxDelayMs", retry.maxDelayMs ?? 30_000, 0, MAX_TIMER_MS);
    this.#onProgress = options.onProgress;
    this.#signal = options.signal;

    const from = toUtcDate(this.#plan.from, "from");
    const to = toUtcDate(this.#plan.to, "to");
    this.#windows = splitWindow(from, to, this.#plan.maxWindowDays).map((window, index) => ({
      index,
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      start: 1,
      last: 0,
      total: 0,
      pagesBeyondTotal: 0,
      recordsDone: 0,
    }));
    const position = { window: resume?.windowIndex ?? 0, page: resume?.page ?? 1 };
    const resumedWindow = this.#windows[position.window];
    if (resumedWindow) resumedWindow.start = position.page;
    else if (position.window > this.#windows.length) {
      throw new BolnaInputError("resume", `resume: window ${position.window} is past this export's ${this.#windows.length}.`);
    }
    this.#position = position;
    this.#cursor = { ...position };
    this.#windowsDone = position.window;
    this.#ids = new RecentIds(resume?.recentIds ?? []);
    this.#recordsBefore = resume?.recordsYielded ?? 0;
  }

  get checkpoint(): ExportCheckpoint {
    return {
      version: 1,
      plan: { ...this.#plan },
      windowIndex: this.#position.window,
      page: this.#position.page,
      recordsYielded: this.#recordsBefore + this.#records,
      recentIds: this.#ids.snapshot(),
    };
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#started) {
      throw new BolnaError("An export can be iterated once; start another (or resume from its checkpoint).");
    }
    this.#started = true;
    return this.#run();
  }

  async *#run(): AsyncGenerator<T, void, undefined> {
    try {
      this.#pump();
      for (let slot = this.#queue[0]; slot !== undefined; slot = this.#queue[0]) {
        const page = await this.#settle(slot);
        this.#planAfter(slot, page);
        for (const item of page.data) {
          if (!this.#ids.admit(recordId(item))) continue;
          this.#records++;
          slot.state.recordsDone++;
          yield item;
        }
        this.#finish(slot);
      }
    } finally {
      this.#close();
    }
  }

  /** The slot's page, or the error the consumer should see in its place. */
  async #settle(slot: Slot<T>): Promise<PageEnvelope<T>> {
    try {
      this.#signal?.throwIfAborted();
      return await slot.result;
    } catch (error) {
      throw this.#failure(error, slot);
    }
  }

  /** Applies the stop rules to the page about to be consumed, and asks for the page after `total` if needed. */
  #planAfter(slot: Slot<T>, page: PageEnvelope<T>): void {
    const { state } = slot;
    if (!page.has_more || page.data.length === 0) {
      state.last = slot.page;
      this.#queue = this.#queue.filter((other) => {
        const beyond = other.state === state && other.page > slot.page;
        if (beyond) other.controller.abort();
        return !beyond;
      });
    } else if (slot.page === state.last) {
      if (++state.pagesBeyondTotal > MAX_PAGES_BEYOND_TOTAL) {
        const reason = new BolnaError(
          `The server still said has_more: true ${MAX_PAGES_BEYOND_TOTAL} pages after the window's total ` +
            `(${state.total}) was reached.`,
        );
        throw this.#failure(reason, slot);
      }
      state.last = slot.page + 1;
      this.#pendingTail = state;
    } else {
      return;
    }
    // The window's remaining pages are now known exactly; the cursor must not request any more of them.
    if (this.#cursor.window === state.index) this.#cursor = { window: state.index + 1, page: 1 };
  }

  #finish(slot: Slot<T>): void {
    const { state } = slot;
    this.#queue.shift();
    this.#ids.endPage(slot.page === 1);
    this.#pagesDone++;
    if (slot.page === state.last) {
      this.#ids.endWindow();
      this.#windowsDone++;
      this.#position = { window: state.index + 1, page: 1 };
    } else {
      this.#position = { window: state.index, page: slot.page + 1 };
    }
    this.#onProgress?.({
      window: {
        index: state.index,
        from: state.from,
        to: state.to,
        pagesDone: slot.page,
        pagesTotal: state.last,
        recordsDone: state.recordsDone,
        recordsTotal: state.total,
      },
      overall: {
        windowsDone: this.#windowsDone,
        windowCount: this.#windows.length,
        pagesDone: this.#pagesDone,
        recordsDone: this.#recordsBefore + this.#records,
        recordsTotalKnown: this.#recordsTotalKnown,
      },
    });
    this.#pump();
  }

  /** Requests pages in yield order while fewer than `concurrency` are requested and not yet consumed. */
  #pump(): void {
    while (!this.#closed && this.#queue.length < this.#concurrency) {
      const next = this.#nextToRequest();
      if (next === undefined) return;
      this.#request(next.state, next.page);
    }
  }

  #nextToRequest(): { state: WindowState; page: number } | undefined {
    const tail = this.#pendingTail;
    if (tail !== undefined) {
      this.#pendingTail = undefined;
      return { state: tail, page: tail.last };
    }
    for (;;) {
      const { window, page } = this.#cursor;
      const state = this.#windows[window];
      if (state === undefined) return undefined;
      // Until the start page tells the window's size, nothing more of it (or after it) can be planned.
      if (page !== state.start && state.last === 0) return undefined;
      if (page === state.start || page <= state.last) {
        this.#cursor = { window, page: page + 1 };
        return { state, page };
      }
      this.#cursor = { window: window + 1, page: 1 };
    }
  }

  #request(state: WindowState, page: number): void {
    const controller = new AbortController();
    const signal = this.#signal ? AbortSignal.any([controller.signal, this.#signal]) : controller.signal;
    const result = this.#fetchWithRetry(state, page, signal);
    // Only a consumer that reaches this page sees its failure; a page dropped or abandoned must not be unhandled.
    result.catch(() => undefined);
    const slot: Slot<T> = { state, page, controller, result };
    // A page beyond `total` can be requested after later windows' first pages; keep the queue in yield order.
    const at = this.#queue.findIndex(
      (other) => other.state.index > state.index || (other.state === state && other.page > page),
    );
    this.#queue.splice(at === -1 ? this.#queue.length : at, 0, slot);
  }

  async #fetchWithRetry(state: WindowState, page: number, signal: AbortSignal): Promise<PageEnvelope<T>> {
    const query: ExecutionListQuery = {
      agent_id: this.#plan.agent_id,
      from: state.from,
      to: state.to,
      page_number: page,
      page_size: this.#plan.pageSize,
    };
    for (const name of FILTERS) {
      const value = this.#plan[name];
      if (value !== undefined) Object.assign(query, { [name]: value });
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.#listPage(query, { signal });
        assertEnvelope<T>(result, page);
        if (page === state.start) this.#learnSize(state, result);
        return result;
      } catch (error) {
        if (signal.aborted || attempt >= this.#maxAttempts || !isRetryable(error)) throw error;
        await sleep(this.#backoffMs(attempt, error), signal);
      }
    }
  }

  /** The start page tells how many pages the window has, so the rest can be requested in parallel. */
  #learnSize(state: WindowState, page: PageEnvelope<T>): void {
    state.total = page.total;
    state.last =
      page.has_more && page.data.length > 0 ? Math.max(state.start, Math.ceil(page.total / this.#plan.pageSize)) : state.start;
    this.#recordsTotalKnown += page.total;
    this.#pump();
  }

  #backoffMs(attempt: number, error: unknown): number {
    const base = Math.min(this.#initialDelayMs * 2 ** (attempt - 1), this.#maxDelayMs);
    // Jitter spreads out pages that failed together; a 429's requested wait is a floor.
    const jittered = base * (0.5 + Math.random() / 2);
    const requested = error instanceof RateLimitError ? (error.retryAfterMs ?? 0) : 0;
    return Math.min(Math.max(jittered, requested), MAX_TIMER_MS);
  }

  #failure(error: unknown, slot: Slot<T>): Error {
    if (this.#signal?.aborted) {
      return error instanceof APIUserAbortError
        ? error
        : new APIUserAbortError("exportExecutions was aborted", { cause: this.#signal.reason });
    }
    const checkpoint = this.checkpoint;
    const { state } = slot;
    const why = error instanceof Error ? error.message : String(error);
    return new ExportError(
      `Export stopped in window ${state.index + 1} of ${this.#windows.length} (${state.from} to ${state.to}) ` +
        `at page ${slot.page}, after ${checkpoint.recordsYielded} records (pass this error's checkpoint as the ` +
        `resume option to continue from there): ${why}`,
      checkpoint,
      error,
    );
  }

  #close(): void {
    this.#closed = true;
    for (const slot of this.#queue) slot.controller.abort();
    this.#queue = [];
  }
}
