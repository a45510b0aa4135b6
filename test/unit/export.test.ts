/**
 * `exportExecutions` against an in-memory listing that does not change (`test/support/stateful-listing.ts`): what
 * it asks for, exactly-once over windows, bounds and ties, its memory and request bounds, progress. Failures,
 * resume and the caller's signal are in `export-stops`; changing and lying listings have their own files
 * (`export-live`, `export-lies`).
 */
import { describe, expect, it } from "vitest";
import { BolnaInputError } from "../../src/extensions/errors.js";
import {
  exportExecutions,
  type ExportExecutionsOptions,
  type ExportProgress,
} from "../../src/extensions/export/index.js";
import { StatefulListing, type FakeExecution } from "../support/stateful-listing.js";
import {
  AGENT,
  BOUNDARY,
  collect,
  expectExactlyOnce,
  FROM,
  hourly,
  instrument,
  options,
  settle,
  TO,
} from "./support/export-setup.js";

const DAY = 86_400_000;

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
      [{ from: "2026-02-30T00:00:00" }, "from"],
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
