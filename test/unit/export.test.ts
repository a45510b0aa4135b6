import { afterEach, describe, expect, it, vi } from "vitest";
import { APIUserAbortError, BolnaInputError, createAPIError } from "../../src/extensions/errors.js";
import {
  ExportError,
  MAX_PAGES_BEYOND_TOTAL,
  exportExecutions,
  type ExecutionListQuery,
  type ExportCheckpoint,
  type ExportExecutionsOptions,
  type ExportProgress,
  type ListExecutionsPage,
} from "../../src/extensions/export.js";
import type { PageEnvelope } from "../../src/extensions/pagination.js";

interface Exec {
  id: string;
  created_at: string;
  status: string;
}

const HOUR = 3_600_000;
const FROM = "2026-01-01T00:00:00.000Z";
const TO = "2026-01-15T00:00:00.000Z";
const BOUNDARY = "2026-01-08T00:00:00.000Z";
const AGENT = "agent-1";
/** A range inside one window. */
const SHORT = "2026-01-01T04:00:00.000Z";

/** One execution every `everyMs` over [from, to], both ends included. */
function executions(from = FROM, to = TO, everyMs = HOUR): Exec[] {
  const out: Exec[] = [];
  for (let t = Date.parse(from), n = 0; t <= Date.parse(to); t += everyMs, n++) {
    out.push({ id: `e${n}`, created_at: new Date(t).toISOString(), status: n % 3 === 0 ? "failed" : "completed" });
  }
  return out;
}

interface Call {
  query: ExecutionListQuery;
  signal: AbortSignal | undefined;
  /** Settles a held call (manual mode). */
  release(): void;
  settled: boolean;
}

interface FakeOptions {
  /** Listing order within a window, by `created_at`. Default ascending. */
  order?: "asc" | "desc";
  /** Calls wait for `release()` instead of settling on their own. */
  manual?: boolean;
  /** An error to throw for this call, if any; `attempt` counts calls for the same window and page from 1. */
  failWith?: (query: ExecutionListQuery, attempt: number) => unknown;
  /** Replace the computed page (scripted servers). */
  rewrite?: (page: PageEnvelope<Exec>, query: ExecutionListQuery) => PageEnvelope<Exec>;
}

/** A stand-in for `GET /v2/agent/{id}/executions`: filters by inclusive [from, to] and status, then pages. */
function fakeApi(records: Exec[], options: FakeOptions = {}) {
  const calls: Call[] = [];
  const attempts = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;

  const listPage: ListExecutionsPage<Exec> = async (query, init) => {
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const call: Call = { query, signal: init.signal, release, settled: false };
    calls.push(call);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (options.manual) await held;
      else await new Promise((resolve) => setImmediate(resolve));
      init.signal?.throwIfAborted();
      const key = `${query.from}|${query.page_number}`;
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      const failure = options.failWith?.(query, attempt);
      if (failure !== undefined) throw failure;
      const from = Date.parse(query.from);
      const to = Date.parse(query.to);
      const matching = records
        .filter((r) => Date.parse(r.created_at) >= from && Date.parse(r.created_at) <= to)
        .filter((r) => query.status === undefined || r.status === query.status)
        .sort((a, b) => (options.order === "desc" ? -1 : 1) * a.created_at.localeCompare(b.created_at));
      const start = (query.page_number - 1) * query.page_size;
      const page: PageEnvelope<Exec> = {
        page_number: query.page_number,
        page_size: query.page_size,
        total: matching.length,
        has_more: start + query.page_size < matching.length,
        data: matching.slice(start, start + query.page_size),
      };
      return options.rewrite ? options.rewrite(page, query) : page;
    } finally {
      inFlight--;
      call.settled = true;
    }
  };
  return {
    listPage,
    calls,
    get maxInFlight() {
      return maxInFlight;
    },
    pagesRequested: (from: string, page: number) =>
      calls.filter((c) => c.query.from === from && c.query.page_number === page).length,
  };
}

const serverError = (status = 500) =>
  createAPIError(new Response(null, { status }), { message: "flaky" }, { method: "GET", url: "https://api.bolna.ai/x" });

const base = (overrides: Partial<ExportExecutionsOptions> = {}): ExportExecutionsOptions => ({
  agent_id: AGENT,
  from: FROM,
  to: TO,
  pageSize: 10,
  retry: { initialDelayMs: 0 },
  ...overrides,
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Lets pending microtasks and immediates run, so requests that can start have started. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

const ids = (records: Exec[]) => records.map((r) => r.id);

function expectEachOnce(got: Exec[], expected: Exec[]): void {
  expect(new Set(ids(got)).size).toBe(got.length);
  expect([...ids(got)].sort()).toEqual([...ids(expected)].sort());
}

afterEach(() => {
  vi.useRealTimers();
});

describe("exportExecutions: windows and order", () => {
  it("covers the range in ≤ 7-day windows and yields every record once, in order, the boundary record once", async () => {
    const records = executions();
    const api = fakeApi(records);
    const got = await collect(exportExecutions(api.listPage, base()));
    // Ascending listing: the output is the records in time order, the one at the shared boundary included once.
    expect(ids(got)).toEqual(ids(records));
    expect(records.some((r) => r.created_at === BOUNDARY)).toBe(true);
    const windows = [...new Set(api.calls.map((c) => `${c.query.from}..${c.query.to}`))];
    expect(windows).toEqual([`${FROM}..${BOUNDARY}`, `${BOUNDARY}..${TO}`]);
  });

  it("drops the boundary repeat when the server lists newest first, too", async () => {
    const records = executions();
    const api = fakeApi(records, { order: "desc" });
    const got = await collect(exportExecutions(api.listPage, base()));
    const byTime = (list: Exec[]) => [...list].sort((a, b) => b.created_at.localeCompare(a.created_at));
    const first = records.filter((r) => r.created_at <= BOUNDARY);
    const second = records.filter((r) => r.created_at > BOUNDARY);
    // Window order, then the server's order inside each window; the boundary record stays in the first window.
    expect(ids(got)).toEqual([...ids(byTime(first)), ...ids(byTime(second))]);
  });

  it("remembers the last real window's edges across a window that added nothing", async () => {
    // A server that ignores from/to (like a stateless mock) lists the same records for every window: window 2
    // admits nothing, and window 3 must still know window 1's records.
    const same = executions(FROM, SHORT);
    const api = fakeApi(same, { rewrite: (page) => ({ ...page, total: same.length, has_more: false, data: same }) });
    const got = await collect(exportExecutions(api.listPage, base({ to: "2026-01-20T00:00:00.000Z", pageSize: 50 })));
    expect(new Set(api.calls.map((c) => c.query.from)).size).toBe(3);
    expect(ids(got)).toEqual(ids(same));
  });

  it("sends the agent, the filters and the page size with every request", async () => {
    const api = fakeApi(executions());
    const got = await collect(
      exportExecutions(
        api.listPage,
        base({ status: "failed", call_type: "outbound", provider: "twilio", answered_by_voice_mail: false, batch_id: "b1" }),
      ),
    );
    expect(got.every((r) => r.status === "failed")).toBe(true);
    for (const { query } of api.calls) {
      expect(query).toMatchObject({
        agent_id: AGENT,
        page_size: 10,
        status: "failed",
        call_type: "outbound",
        provider: "twilio",
        answered_by_voice_mail: false,
        batch_id: "b1",
      });
    }
  });

  it("freezes `to` at the start, so the clock moving during the export shifts nothing", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(TO));
    const records = executions();
    const api = fakeApi(records, {
      rewrite: (page) => {
        vi.setSystemTime(Date.now() + HOUR);
        return page;
      },
    });
    const run = exportExecutions(api.listPage, base({ to: undefined }));
    expect(run.checkpoint.plan.to).toBe(TO);
    expect(await collect(run)).toHaveLength(records.length);
    expect(Date.now()).toBeGreaterThan(Date.parse(TO));
    expect(new Set(api.calls.filter((c) => c.query.from === BOUNDARY).map((c) => c.query.to))).toEqual(new Set([TO]));
  });

  it("yields in order when later pages answer first", async () => {
    const records = executions(FROM, SHORT, 10 * 60_000); // 25 records, one window
    const api = fakeApi(records, { manual: true });
    const iterator = exportExecutions(api.listPage, base({ to: SHORT, concurrency: 4 }))[Symbol.asyncIterator]();
    const all = collect({ [Symbol.asyncIterator]: () => iterator });
    await settle();
    expect(api.calls.map((c) => c.query.page_number)).toEqual([1]);
    api.calls[0]?.release();
    await settle();
    expect(api.calls.map((c) => c.query.page_number)).toEqual([1, 2, 3]);
    api.calls[2]?.release();
    await settle();
    api.calls[1]?.release();
    expect(ids(await all)).toEqual(ids(records));
  });

  it("never has more than `concurrency` pages requested and not yet consumed, however slow the consumer", async () => {
    const records = executions(FROM, TO, 10 * 60_000); // 2 017 records, 2 windows of ~100 pages
    const api = fakeApi(records);
    let pagesDone = 0;
    let maxAhead = 0;
    const concurrency = 3;
    const wrapped: ListExecutionsPage<Exec> = (query, init) => {
      maxAhead = Math.max(maxAhead, api.calls.length + 1 - pagesDone);
      return api.listPage(query, init);
    };
    const run = exportExecutions(wrapped, base({ concurrency, onProgress: (p) => (pagesDone = p.overall.pagesDone) }));
    const got: Exec[] = [];
    for await (const record of run) {
      got.push(record);
      if (got.length % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(ids(got)).toEqual(ids(records));
    expect(maxAhead).toBe(concurrency);
    expect(api.maxInFlight).toBeLessThanOrEqual(concurrency);
    expect(api.maxInFlight).toBeGreaterThan(1);
  });

  it("requests pages one at a time with concurrency 1", async () => {
    const api = fakeApi(executions());
    await collect(exportExecutions(api.listPage, base({ concurrency: 1 })));
    expect(api.maxInFlight).toBe(1);
  });

  it("requests the next window's first page as soon as the current window's pages are all requested", async () => {
    const later = executions("2026-01-10T00:00:00.000Z", "2026-01-10T01:00:00.000Z").map((r) => ({ ...r, id: `late-${r.id}` }));
    const records = [...executions(FROM, SHORT, 10 * 60_000), ...later];
    const api = fakeApi(records, { manual: true });
    const all = collect(exportExecutions(api.listPage, base({ concurrency: 4 })));
    await settle();
    api.calls[0]?.release();
    await settle();
    // Window 1 has 3 pages: its pages 2 and 3 and window 2's first page start together, before any is consumed.
    expect(api.calls.map((c) => [c.query.from, c.query.page_number])).toEqual([
      [FROM, 1],
      [FROM, 2],
      [FROM, 3],
      [BOUNDARY, 1],
    ]);
    for (const call of api.calls.slice(1).reverse()) call.release();
    expect(ids(await all)).toEqual(ids(records));
  });

  it("keeps the id memory to a few pages, whatever the total", async () => {
    const records = executions("2025-10-01T00:00:00.000Z", TO, 30 * 60_000); // ~5 000 records, 16 windows
    const api = fakeApi(records);
    const run = exportExecutions(api.listPage, base({ from: "2025-10-01T00:00:00.000Z" }));
    let largest = 0;
    for await (const _ of run) largest = Math.max(largest, run.checkpoint.recentIds.length);
    expect(largest).toBeLessThanOrEqual(5 * 10);
    expect(run.checkpoint.recordsYielded).toBe(records.length);
  });
});

describe("exportExecutions: page rules", () => {
  it("keeps reading one page at a time while the last expected page still says has_more", async () => {
    const records = executions(FROM, SHORT, 10 * 60_000); // 25 records
    const api = fakeApi(records, {
      // Page 1 announces only 12 records (2 pages of 10); the server then keeps finding more.
      rewrite: (page) => (page.page_number === 1 ? { ...page, total: 12 } : page),
    });
    const got = await collect(exportExecutions(api.listPage, base({ to: SHORT, concurrency: 4 })));
    expect(ids(got)).toEqual(ids(records));
    expect(api.calls.map((c) => c.query.page_number)).toEqual([1, 2, 3]);
  });

  it("ends a window at an empty page even if total promised more, abandoning its later pages", async () => {
    const records = executions(FROM, SHORT, 10 * 60_000);
    const api = fakeApi(records, {
      rewrite: (page) => (page.page_number === 1 ? page : { ...page, data: [], has_more: true }),
    });
    const got = await collect(exportExecutions(api.listPage, base({ to: SHORT, concurrency: 4 })));
    expect(ids(got)).toEqual(ids(records.slice(0, 10)));
    expect(api.calls.map((c) => c.query.page_number)).toEqual([1, 2, 3]);
  });

  it("ends a window at a page that says has_more: false before total", async () => {
    const to = "2026-01-01T06:00:00.000Z";
    const records = executions(FROM, to, 10 * 60_000); // 37 records, 4 pages
    const api = fakeApi(records, {
      manual: true,
      rewrite: (page) => (page.page_number === 2 ? { ...page, has_more: false } : page),
    });
    const all = collect(exportExecutions(api.listPage, base({ to, concurrency: 4 })));
    await settle();
    api.calls[0]?.release();
    await settle();
    expect(api.calls.map((c) => c.query.page_number)).toEqual([1, 2, 3, 4]);
    api.calls[1]?.release();
    expect(ids(await all)).toEqual(ids(records.slice(0, 20)));
    expect(api.calls[2]?.signal?.aborted).toBe(true);
    expect(api.calls[3]?.signal?.aborted).toBe(true);
  });

  it("still remembers a window's last records when it ends on an empty page", async () => {
    const records = executions();
    const api = fakeApi(records, {
      // Window 1 has 169 records: page 17 is the last with data, and an empty page 18 ends the window.
      rewrite: (page, q) => (q.from === FROM && page.page_number === 17 ? { ...page, has_more: true } : page),
    });
    expect(ids(await collect(exportExecutions(api.listPage, base())))).toEqual(ids(records));
    expect(api.pagesRequested(FROM, 18)).toBe(1);
  });

  it("drops a record repeated at the top of the next page (records shifted between requests)", async () => {
    const records = executions(FROM, SHORT, 10 * 60_000);
    const api = fakeApi(records, {
      rewrite: (page) =>
        page.page_number === 2 ? { ...page, data: [records[8] as Exec, records[9] as Exec, ...page.data] } : page,
    });
    expectEachOnce(await collect(exportExecutions(api.listPage, base())), records);
  });

  it(`gives up after ${MAX_PAGES_BEYOND_TOTAL} pages beyond total from a server that always says has_more`, async () => {
    let n = 0;
    const endless: ListExecutionsPage<Exec> = async (query) => ({
      page_number: query.page_number,
      page_size: query.page_size,
      total: 1,
      has_more: true,
      data: [{ id: `x${n++}`, created_at: FROM, status: "completed" }],
    });
    const error = await collect(exportExecutions(endless, base({ to: BOUNDARY }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportError);
    expect((error as ExportError).cause).toBeInstanceOf(Error);
    expect((error as Error).message).toContain("still said has_more: true");
    expect(n).toBe(MAX_PAGES_BEYOND_TOTAL + 1);
  });

  it("refuses a malformed page", async () => {
    const broken = (async () => ({ data: [] })) as unknown as ListExecutionsPage<Exec>;
    const error = await collect(exportExecutions(broken, base({ retry: { maxAttemptsPerPage: 1 } }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportError);
    expect((error as Error).message).toContain("`has_more` is not a boolean");
  });
});

describe("exportExecutions: progress", () => {
  it("reports pages and records done of total, per window and overall", async () => {
    const records = executions();
    const api = fakeApi(records);
    const reports: ExportProgress[] = [];
    await collect(exportExecutions(api.listPage, base({ pageSize: 50, onProgress: (p) => reports.push(structuredClone(p)) })));
    // Window 1: [Jan 1, Jan 8] = 169 records = 4 pages; window 2: [Jan 8, Jan 15] = 169 records, one repeat.
    expect(reports.map((r) => [r.window.index, r.window.pagesDone, r.window.pagesTotal])).toEqual([
      [0, 1, 4],
      [0, 2, 4],
      [0, 3, 4],
      [0, 4, 4],
      [1, 1, 4],
      [1, 2, 4],
      [1, 3, 4],
      [1, 4, 4],
    ]);
    expect(reports[3]?.window).toMatchObject({ recordsDone: 169, recordsTotal: 169, from: FROM, to: BOUNDARY });
    expect(reports[3]?.overall).toMatchObject({ windowsDone: 1, windowCount: 2, pagesDone: 4, recordsDone: 169 });
    expect(reports.at(-1)?.window).toMatchObject({ recordsDone: 168, recordsTotal: 169 });
    expect(reports.at(-1)?.overall).toEqual({
      windowsDone: 2,
      windowCount: 2,
      pagesDone: 8,
      recordsDone: records.length,
      recordsTotalKnown: 338,
    });
  });
});

describe("exportExecutions: failures and resume", () => {
  it("retries a failing page and still yields every record once", async () => {
    const records = executions();
    const api = fakeApi(records, {
      failWith: (q, attempt) => (q.page_number === 3 && q.from === FROM && attempt <= 2 ? serverError(503) : undefined),
    });
    const got = await collect(exportExecutions(api.listPage, base()));
    expect(ids(got)).toEqual(ids(records));
    expect(api.pagesRequested(FROM, 3)).toBe(3);
  });

  it("does not retry an error that cannot heal (404)", async () => {
    const api = fakeApi(executions(), { failWith: () => serverError(404) });
    const error = await collect(exportExecutions(api.listPage, base())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportError);
    expect(api.calls).toHaveLength(1);
  });

  it("gives up with an error that says how far it got, and resumes from its checkpoint exactly once", async () => {
    const records = executions();
    let broken = true;
    const api = fakeApi(records, {
      failWith: (q) => (broken && q.from === BOUNDARY && q.page_number === 4 ? serverError(502) : undefined),
    });
    const firstRun: Exec[] = [];
    let failure: unknown;
    try {
      for await (const record of exportExecutions(api.listPage, base({ retry: { maxAttemptsPerPage: 3, initialDelayMs: 0 } }))) {
        firstRun.push(record);
      }
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ExportError);
    const exportError = failure as ExportError;
    expect(exportError.message).toContain(`window 2 of 2 (${BOUNDARY} to ${TO}) at page 4`);
    expect(exportError.message).toContain(`after ${firstRun.length} records`);
    expect(exportError.cause).toMatchObject({ status: 502 });
    expect(api.pagesRequested(BOUNDARY, 4)).toBe(3);
    // Everything before the failing page arrived: window 1 (169) and 3 pages of window 2 minus the boundary repeat.
    expect(firstRun).toHaveLength(169 + 30 - 1);
    expect(exportError.checkpoint).toMatchObject({ windowIndex: 1, page: 4, recordsYielded: firstRun.length });

    broken = false;
    const saved = JSON.parse(JSON.stringify(exportError.checkpoint)) as ExportCheckpoint;
    const secondRun = await collect(exportExecutions(api.listPage, base({ to: undefined, resume: saved })));
    expect([...ids(firstRun), ...ids(secondRun)]).toEqual(ids(records));
    expect(api.pagesRequested(BOUNDARY, 1)).toBe(1);
  });

  it("resumes after a break in the middle of a page without repeating or losing a record", async () => {
    const records = executions();
    const api = fakeApi(records, { order: "desc" });
    const run = exportExecutions(api.listPage, base());
    const firstRun: Exec[] = [];
    for await (const record of run) {
      firstRun.push(record);
      if (firstRun.length === 175) break;
    }
    const checkpoint = run.checkpoint;
    expect(checkpoint).toMatchObject({ windowIndex: 1, page: 1, recordsYielded: 175 });
    const secondRun = await collect(exportExecutions(api.listPage, base({ resume: checkpoint })));
    expect(firstRun.length + secondRun.length).toBe(records.length);
    expectEachOnce([...firstRun, ...secondRun], records);
  });

  it("refuses to resume a different export", () => {
    const run = exportExecutions(fakeApi([]).listPage, base());
    const error = (() => {
      try {
        exportExecutions(fakeApi([]).listPage, base({ agent_id: "agent-2", resume: run.checkpoint }));
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(BolnaInputError);
    expect((error as BolnaInputError).field).toBe("agent_id");
    expect((error as Error).message).toContain('"agent-1"');
    expect(() => exportExecutions(fakeApi([]).listPage, base({ resume: { version: 2 } as never }))).toThrow(
      "must be a checkpoint",
    );
  });

  it("stops at once when the caller aborts, with APIUserAbortError and no retry", async () => {
    const api = fakeApi(executions(), { manual: true });
    const controller = new AbortController();
    const all = collect(exportExecutions(api.listPage, base({ signal: controller.signal })));
    await settle();
    controller.abort();
    api.calls[0]?.release();
    await expect(all).rejects.toBeInstanceOf(APIUserAbortError);
    expect(api.calls).toHaveLength(1);
  });

  it("sends nothing more after a break, and cancels the pages it had started", async () => {
    const api = fakeApi(executions());
    for await (const record of exportExecutions(api.listPage, base({ to: SHORT, concurrency: 4 }))) {
      if (record.id === "e3") break;
    }
    const requested = api.calls.length;
    await settle();
    expect(api.calls).toHaveLength(requested);
    expect(api.calls.slice(1).every((c) => c.signal?.aborted)).toBe(true);
  });
});

describe("exportExecutions: options", () => {
  it.each<[string, Partial<ExportExecutionsOptions>, string]>([
    ["concurrency 0", { concurrency: 0 }, "concurrency"],
    ["concurrency 17", { concurrency: 17 }, "concurrency"],
    ["pageSize 51", { pageSize: 51 }, "pageSize"],
    ["a naive from", { from: "2026-01-01T00:00:00" }, "from"],
    ["from after to", { from: TO, to: FROM }, "from"],
    ["an empty agent_id", { agent_id: "" }, "agent_id"],
    ["maxWindowDays 0", { maxWindowDays: 0 }, "maxDays"],
  ])("refuses %s before sending anything", (_label, overrides, field) => {
    const api = fakeApi([]);
    let error: unknown;
    try {
      exportExecutions(api.listPage, base(overrides));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BolnaInputError);
    expect((error as BolnaInputError).field).toBe(field);
    expect(api.calls).toHaveLength(0);
  });

  it("can be iterated once", async () => {
    const run = exportExecutions(fakeApi([]).listPage, base());
    await collect(run);
    expect(() => run[Symbol.asyncIterator]()).toThrow("iterated once");
  });
});
