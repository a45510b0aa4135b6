/**
 * `exportExecutions` against an in-memory listing that does not change (`test/support/stateful-listing.ts`): what
 * it asks for, exactly-once over windows, bounds and ties, its memory and request bounds, failures and resume,
 * the caller's signal, progress. Changing and lying listings have their own files (`export-live`, `export-lies`).
 */
import { describe, expect, it } from "vitest";
import { APIUserAbortError, BolnaInputError, createAPIError } from "../../src/extensions/errors.js";
import {
  ExportError,
  exportExecutions,
  type ExecutionListQuery,
  type ExportCheckpoint,
  type ExportExecutionsOptions,
  type ExportProgress,
  type ListExecutionsPage,
  type PageRequestInit,
} from "../../src/extensions/export/index.js";
import { StatefulListing, type FakeExecution } from "../support/stateful-listing.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const FROM = "2026-01-01T00:00:00.000Z";
const TO = "2026-01-15T00:00:00.000Z";
const BOUNDARY = "2026-01-08T00:00:00.000Z";
const AGENT = "agent-1";

interface Recorded {
  query: ExecutionListQuery;
  init: PageRequestInit;
}

/** The listing's `listPage`, recording every request and how many are in flight. */
function instrument(listing: StatefulListing, gate?: () => Promise<void>) {
  const requests: Recorded[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const listPage: ListExecutionsPage = async (query, init) => {
    requests.push({ query, init });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await (gate?.() ?? new Promise((resolve) => setImmediate(resolve)));
      return await listing.listPage(query);
    } finally {
      inFlight--;
    }
  };
  return {
    listPage,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
  };
}

const options = (overrides: Partial<ExportExecutionsOptions> = {}): ExportExecutionsOptions => ({
  agent_id: AGENT,
  from: FROM,
  to: TO,
  ...overrides,
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Lets pending microtasks and immediates run, so requests that can start have started. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Each id once, and exactly the ids wanted. */
function expectExactlyOnce(got: ReadonlyArray<{ id: string }>, wanted: readonly string[]): void {
  const ids = got.map((record) => record.id);
  expect(ids.length - new Set(ids).size, "records yielded twice").toBe(0);
  expect([...ids].sort()).toEqual([...wanted].sort());
}

/** Records every hour on the hour over [FROM, TO], both ends and the window boundary included. */
function hourly(listing: StatefulListing): FakeExecution[] {
  const out: FakeExecution[] = [];
  for (let t = Date.parse(FROM); t <= Date.parse(TO); t += HOUR) {
    out.push(listing.add(t * 1000, t % (3 * HOUR) === 0 ? "failed" : "completed"));
  }
  return out;
}

const failure = (status = 503) =>
  createAPIError(
    new Response(null, { status }),
    { message: "flaky" },
    { method: "GET", url: "https://api.bolna.ai/x" },
  );

describe("exportExecutions: what it reads", () => {
  it("yields every record of a multi-window range once: from, to and the window boundary included, 1 µs outside not", async () => {
    const listing = new StatefulListing();
    const inside = hourly(listing);
    listing.add(Date.parse(FROM) * 1000 - 1);
    listing.add(Date.parse(TO) * 1000 + 1);
    const got = await collect(exportExecutions<FakeExecution>(instrument(listing).listPage, options()));
    expect(inside.map((r) => r.created_at)).toContain("2026-01-08T00:00:00.000000");
    expectExactlyOnce(
      got,
      inside.map((r) => r.id),
    );
  });

  it("asks page 1 of windows of at most 7 days, with the agent, the page size and the filters", async () => {
    const listing = new StatefulListing();
    const records = hourly(listing);
    const api = instrument(listing);
    const got = await collect(
      exportExecutions<FakeExecution>(api.listPage, options({ status: "failed", pageSize: 20 })),
    );
    expectExactlyOnce(
      got,
      records.filter((r) => r.status === "failed").map((r) => r.id),
    );
    expect(api.requests.length).toBeGreaterThan(2);
    for (const { query } of api.requests) {
      expect(query).toMatchObject({ agent_id: AGENT, status: "failed", page_number: 1, page_size: 20 });
      expect(Date.parse(query.to) - Date.parse(query.from)).toBeLessThanOrEqual(7 * DAY);
      expect(Date.parse(query.from)).toBeGreaterThanOrEqual(Date.parse(FROM));
      expect(Date.parse(query.to)).toBeLessThanOrEqual(Date.parse(TO));
    }
  });

  it("yields records sharing one instant or one millisecond beyond a page, each once", async () => {
    const listing = new StatefulListing();
    const instant = Date.parse("2026-01-03T12:00:00.000Z") * 1000;
    const records = [
      ...listing.fill(200, Date.parse(FROM), Date.parse(BOUNDARY)),
      ...Array.from({ length: 130 }, () => listing.add(instant)),
      ...Array.from({ length: 120 }, (_, n) => listing.add(instant + 5_000 + (n % 999) + 1)),
    ];
    const got = await collect(
      exportExecutions<FakeExecution>(instrument(listing).listPage, options({ concurrency: 3 })),
    );
    expectExactlyOnce(
      got,
      records.map((r) => r.id),
    );
  });

  it("refuses bad options before sending anything", () => {
    const cases: Array<[Partial<ExportExecutionsOptions>, string]> = [
      [{ concurrency: 0 }, "concurrency"],
      [{ concurrency: 17 }, "concurrency"],
      [{ pageSize: 51 }, "pageSize"],
      [{ maxWindowDays: 8 }, "maxWindowDays"],
      [{ from: "2026-01-01T00:00:00" }, "from"],
      [{ from: TO, to: FROM }, "from"],
      [{ agent_id: "" }, "agent_id"],
      [{ call_type: "sideways" as never }, "call_type"],
      [{ retry: { maxAttemptsPerPage: 0 } }, "retry.maxAttemptsPerPage"],
    ];
    const api = instrument(new StatefulListing());
    for (const [overrides, field] of cases) {
      let error: unknown;
      try {
        exportExecutions(api.listPage, options(overrides));
      } catch (caught) {
        error = caught;
      }
      expect(error, field).toBeInstanceOf(BolnaInputError);
      expect((error as BolnaInputError).field).toBe(field);
    }
    expect(api.requests).toHaveLength(0);
  });

  it("gives every page request the retry settings (maxRetries, maxRetryDelayMs) from the retry option", async () => {
    const listing = new StatefulListing();
    hourly(listing);
    const tuned = instrument(listing);
    await collect(exportExecutions(tuned.listPage, options({ retry: { maxAttemptsPerPage: 6, maxDelayMs: 2_000 } })));
    const defaults = instrument(listing);
    await collect(exportExecutions(defaults.listPage, options()));
    for (const { init } of tuned.requests) expect(init).toMatchObject({ maxRetries: 5, maxRetryDelayMs: 2_000 });
    for (const { init } of defaults.requests) {
      expect(init.maxRetries).toBe(3);
      expect(init.maxRetryDelayMs).toBeUndefined();
      expect(init.signal).toBeInstanceOf(AbortSignal);
    }
  });
});

describe("exportExecutions: parallelism and bounds", () => {
  it("reads up to `concurrency` stretches at once, and stays close to the fewest requests possible", async () => {
    const listing = new StatefulListing();
    const records = listing.fill(3_000, Date.parse(FROM), Date.parse(BOUNDARY));
    for (const concurrency of [1, 4]) {
      const api = instrument(listing);
      const got = await collect(exportExecutions<FakeExecution>(api.listPage, options({ to: BOUNDARY, concurrency })));
      expectExactlyOnce(
        got,
        records.map((r) => r.id),
      );
      expect(api.maxInFlight).toBe(concurrency);
      // 3 000 records are 60 full pages; splitting the range costs a few partly filled ones.
      expect(api.requests.length).toBeLessThanOrEqual(66);
    }
  });

  it("never has more than `concurrency` pages requested and not yet consumed, however slow the consumer", async () => {
    const listing = new StatefulListing();
    listing.fill(3_000, Date.parse(FROM), Date.parse(TO));
    const api = instrument(listing);
    const run = exportExecutions<FakeExecution>(api.listPage, options({ concurrency: 5 }));
    for await (const _record of run) {
      // The consumer holds the first page; at most 4 more may be requested (and answered) meanwhile.
      await settle();
      expect(api.requests.length).toBeLessThanOrEqual(5);
      break;
    }
    const requested = api.requests.length;
    await settle();
    expect(api.requests).toHaveLength(requested);
  });

  it("after a break, sends nothing more and aborts the requests in flight", async () => {
    const listing = new StatefulListing();
    listing.fill(3_000, Date.parse(FROM), Date.parse(TO));
    let answered = 0;
    // The first request is answered; the others hang until their signal aborts them.
    const api = instrument(listing, () => (answered++ === 0 ? Promise.resolve() : new Promise(() => undefined)));
    for await (const _record of exportExecutions<FakeExecution>(api.listPage, options({ concurrency: 4 }))) {
      await settle();
      break;
    }
    await settle();
    expect(api.requests.length).toBe(4);
    expect(api.requests.slice(1).every(({ init }) => init.signal.aborted)).toBe(true);
  });

  it("keeps its checkpoint small whatever the total: a few ranges, ids only where a page was half consumed", async () => {
    const listing = new StatefulListing();
    listing.fill(6_000, Date.parse(FROM), Date.parse(TO));
    const run = exportExecutions<FakeExecution>(instrument(listing).listPage, options({ concurrency: 4 }));
    let seen = 0;
    for await (const _record of run) if (++seen === 3_025) break;
    const { remaining } = run.checkpoint;
    expect(remaining.length).toBeLessThanOrEqual(3 * 4);
    expect(remaining.reduce((sum, range) => sum + range.skipIds.length, 0)).toBeLessThanOrEqual(50 * 4);
  });
});

describe("exportExecutions: failures and resume", () => {
  it("after a page that keeps failing: every record received, then ExportError; resume yields the rest once", async () => {
    const listing = new StatefulListing();
    const records = listing.fill(2_000, Date.parse(FROM), Date.parse(TO));
    let broken = true;
    let sent = 0;
    const listPage: ListExecutionsPage = async (query) => {
      if (broken && ++sent === 9) throw failure(502);
      return listing.listPage(query);
    };
    const first: FakeExecution[] = [];
    const error = await (async () => {
      for await (const record of exportExecutions<FakeExecution>(listPage, options())) first.push(record);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExportError);
    const { checkpoint, cause, message } = error as ExportError;
    expect(cause).toMatchObject({ status: 502 });
    expect(message).toContain(`Export stopped after ${first.length} records (at page 1 of`);
    expect(checkpoint).toMatchObject({
      version: 2,
      recordsYielded: first.length,
      plan: { agent_id: AGENT, from: FROM, to: TO },
    });
    expect(first.length).toBeGreaterThan(0);

    broken = false;
    const saved = JSON.parse(JSON.stringify(checkpoint)) as ExportCheckpoint;
    const resumed = exportExecutions<FakeExecution>(listPage, { agent_id: AGENT, from: FROM, resume: saved });
    const second = await collect(resumed);
    expectExactlyOnce(
      [...first, ...second],
      records.map((r) => r.id),
    );
    expect(resumed.checkpoint).toMatchObject({ recordsYielded: records.length, remaining: [] });
  });

  it("resumes again and again after a break mid-page, never repeating or losing a record", async () => {
    const listing = new StatefulListing();
    const records = listing.fill(1_500, Date.parse(FROM), Date.parse(TO));
    const got: FakeExecution[] = [];
    let resume: ExportCheckpoint | undefined;
    for (let runs = 1; ; runs++) {
      const run = exportExecutions<FakeExecution>(instrument(listing).listPage, options({ concurrency: 3, resume }));
      let taken = 0;
      for await (const record of run) {
        got.push(record);
        if (++taken === 137) break;
      }
      resume = JSON.parse(JSON.stringify(run.checkpoint)) as ExportCheckpoint;
      if (taken < 137) break;
      expect(runs).toBeLessThan(20);
    }
    expectExactlyOnce(
      got,
      records.map((r) => r.id),
    );
    expect(resume?.recordsYielded).toBe(records.length);
  });

  it("refuses a checkpoint of another export, of the page-numbered version 1, of an unknown version, or damaged", async () => {
    const listing = new StatefulListing();
    hourly(listing);
    const run = exportExecutions<FakeExecution>(instrument(listing).listPage, options());
    for await (const _record of run) break;
    const checkpoint = run.checkpoint;
    const attempt = (resume: unknown, overrides: Partial<ExportExecutionsOptions> = {}): unknown => {
      try {
        exportExecutions(instrument(listing).listPage, options({ ...overrides, resume: resume as ExportCheckpoint }));
      } catch (caught) {
        return caught;
      }
      return undefined;
    };
    const other = attempt(checkpoint, { agent_id: "agent-2" });
    expect(other).toBeInstanceOf(BolnaInputError);
    expect((other as Error).message).toContain('agent_id = "agent-1"');
    const old = { version: 1, plan: checkpoint.plan, windowIndex: 0, page: 2, recordsYielded: 5, recentIds: [] };
    expect((attempt(old) as Error).message).toContain("earlier version of exportExecutions");
    expect((attempt({ ...checkpoint, version: 3 }) as Error).message).toContain("checkpoint version 3");
    expect((attempt({ hello: "world" }) as Error).message).toContain("expected a checkpoint from exportExecutions");
    const outside = { ...checkpoint, remaining: [{ from: "2025-01-01T00:00:00.000000Z", to: TO, skipIds: [] }] };
    expect((attempt(outside) as Error).message).toContain("damaged");
    expect((attempt({ ...checkpoint, remaining: [{ from: FROM, to: TO, skipIds: [{}] }] }) as Error).message).toContain(
      "damaged",
    );
  });

  it("can be iterated once", async () => {
    const run = exportExecutions(instrument(new StatefulListing()).listPage, options());
    await collect(run);
    expect(() => run[Symbol.asyncIterator]()).toThrow("iterated once");
  });
});

describe("exportExecutions: the caller's signal", () => {
  it("ends the export at once while a request hangs, even one that ignores its signal", async () => {
    const listing = new StatefulListing();
    hourly(listing);
    const controller = new AbortController();
    let sent = 0;
    // Answers the first request, then never answers and never looks at its signal.
    const listPage: ListExecutionsPage = (query) =>
      ++sent === 1 ? listing.listPage(query) : new Promise(() => undefined);
    const run = exportExecutions<FakeExecution>(listPage, options({ signal: controller.signal, concurrency: 1 }));
    const got: FakeExecution[] = [];
    const ended = (async () => {
      for await (const record of run) got.push(record);
    })();
    await settle();
    expect(sent).toBe(2);
    controller.abort();
    await expect(ended).rejects.toBeInstanceOf(APIUserAbortError);
    expect(got.length).toBeGreaterThan(0);
  });

  it("ends the export between two records of a page, and sends nothing when aborted before the start", async () => {
    const listing = new StatefulListing();
    hourly(listing);
    const controller = new AbortController();
    const got: FakeExecution[] = [];
    const error = await (async () => {
      const run = exportExecutions<FakeExecution>(instrument(listing).listPage, options({ signal: controller.signal }));
      for await (const record of run) {
        got.push(record);
        if (got.length === 3) controller.abort();
      }
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(got).toHaveLength(3);

    const api = instrument(listing);
    const aborted = exportExecutions(api.listPage, options({ signal: AbortSignal.abort() }));
    await expect(collect(aborted)).rejects.toBeInstanceOf(APIUserAbortError);
    expect(api.requests).toHaveLength(0);
  });
});

describe("exportExecutions: progress", () => {
  it("reports pages and records per window and overall, the last report with every window done", async () => {
    const listing = new StatefulListing();
    const records = listing.fill(900, Date.parse(FROM), Date.parse(TO));
    const reports: ExportProgress[] = [];
    const got = await collect(
      exportExecutions(instrument(listing).listPage, options({ onProgress: (p) => reports.push(p) })),
    );
    expect(got).toHaveLength(records.length);
    const last = reports.at(-1) as ExportProgress;
    expect(last.overall).toMatchObject({ windowsDone: 2, windowCount: 2, recordsDone: 900, recordsTotalKnown: 900 });
    expect(last.overall.pagesDone).toBe(reports.length);
    const before = records.filter((r) => Date.parse(`${r.created_at}Z`) < Date.parse(BOUNDARY)).length;
    for (const [index, from, to, count] of [
      [0, FROM, BOUNDARY, before],
      [1, BOUNDARY, TO, 900 - before],
    ] as const) {
      const final = reports.filter((p) => p.window.index === index).at(-1) as ExportProgress;
      expect(final.window).toMatchObject({ from, to, recordsDone: count, pagesTotal: final.window.pagesDone });
    }
    const done = reports.map((p) => p.overall.recordsDone);
    expect(done).toEqual([...done].sort((a, b) => a - b));
  });
});
