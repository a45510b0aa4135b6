/**
 * Resuming `exportExecutions` from `.checkpoint` taken after a `break` at any point: before-break plus resumed
 * output must be every record exactly once, wherever the break falls (inside the first page of a stretch, at a
 * page's end, inside the offset pages of a millisecond holding more records than a page, on a window boundary),
 * with one or several stretches read at once, with calls created between the break and the resume, and over
 * chains of breaks and resumes. Every checkpoint goes through JSON, as a user would store it.
 */
import { describe, expect, it } from "vitest";
import {
  exportExecutions,
  type ExportCheckpoint,
  type ExportExecutionsOptions,
} from "../../src/extensions/export/index.js";
import { ExecutionDataset } from "../support/execution-dataset.js";
import { StatefulListing, type FakeExecution } from "../support/stateful-listing.js";

const HOUR = 3_600_000;
const FROM = "2026-01-01T00:00:00.000Z";
const TO = "2026-01-04T00:00:00.000Z";
const PAGE = 4;

/**
 * About 40 records over three one-day windows, with every shape a break can land in: records on `from`, `to` and
 * both window boundaries; 11 records on one instant (a millisecond read by offset pages, three pages of 4); three
 * records in one millisecond at different microseconds (a page cut at the end of that millisecond); two records on
 * one microsecond; the rest spread out.
 */
function tricky(listing: StatefulListing): string[] {
  const at = (iso: string, micros = 0): number => Date.parse(iso) * 1000 + micros;
  const ids: FakeExecution[] = [
    ...listing.fill(20, Date.parse(FROM), Date.parse(TO)),
    listing.add(at(FROM)),
    listing.add(at("2026-01-02T00:00:00.000Z")),
    listing.add(at("2026-01-03T00:00:00.000Z")),
    listing.add(at(TO)),
    ...Array.from({ length: 11 }, () => listing.add(at("2026-01-02T15:00:00.123Z", 456))),
    ...[1, 2, 3].map((micros) => listing.add(at("2026-01-01T09:30:00.007Z", micros))),
    listing.add(at("2026-01-03T20:00:00.000Z", 999)),
    listing.add(at("2026-01-03T20:00:00.000Z", 999)),
  ];
  return ids.map((record) => record.id);
}

const base: ExportExecutionsOptions = { agent_id: "agent-1", from: FROM, to: TO, pageSize: PAGE, maxWindowDays: 1 };

interface Runs {
  /** Every record yielded, over all runs, in order. */
  ids: string[];
  /** How many runs it took. */
  runs: number;
}

/**
 * Runs the export until it finishes: run `i` breaks after `breaks[i]` records (every later run after the last
 * entry; `Infinity` never breaks), its `.checkpoint` goes through JSON and resumes the next run, after `between`.
 */
async function exportInRuns(
  listing: StatefulListing,
  breaks: readonly number[],
  overrides: Partial<ExportExecutionsOptions> = {},
  between?: () => void,
): Promise<Runs> {
  const ids: string[] = [];
  let resume: ExportCheckpoint | undefined;
  for (let runs = 1; ; runs++) {
    const limit = breaks[Math.min(runs, breaks.length) - 1] as number;
    const run = exportExecutions<FakeExecution>(listing.listPage, { ...base, ...overrides, resume });
    let taken = 0;
    for await (const record of run) {
      ids.push(record.id);
      if (++taken === limit) break;
    }
    resume = JSON.parse(JSON.stringify(run.checkpoint)) as ExportCheckpoint;
    expect(resume.recordsYielded).toBe(ids.length);
    if (taken < limit) {
      expect(resume.remaining).toEqual([]);
      return { ids, runs };
    }
    if (runs > 200) throw new Error("the export does not finish");
    between?.();
  }
}

/** The break positions (as `k`) where the run did not yield `wanted` exactly once, with what went wrong. */
function misses(k: number, got: readonly string[], wanted: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const id of got) counts.set(id, (counts.get(id) ?? 0) + 1);
  const twice = [...counts].filter(([, count]) => count > 1).length;
  const lost = wanted.filter((id) => !counts.has(id)).length;
  const extra = [...counts.keys()].filter((id) => !wanted.includes(id)).length;
  return twice + lost + extra === 0 ? [] : [`k=${k}: ${twice} twice, ${lost} lost, ${extra} extra`];
}

describe("exportExecutions: resuming from .checkpoint after a break", () => {
  it("holds the records its tests rely on: a tie over a page, a crowded millisecond, window boundaries", async () => {
    const listing = new StatefulListing();
    const wanted = tricky(listing);
    const pages: number[] = [];
    const listPage: typeof listing.listPage = (query) => {
      pages.push(query.page_number);
      return listing.listPage(query);
    };
    const ids: string[] = [];
    for await (const record of exportExecutions<FakeExecution>(listPage, base)) ids.push(record.id);
    expect(misses(0, ids, wanted)).toEqual([]);
    expect(wanted).toHaveLength(40);
    // The 11 records on one instant are read by offset pages: page 3 of one query is asked for.
    expect(pages).toContain(3);
  });

  for (const concurrency of [1, 3]) {
    it(`yields every record once after a break at any position, then a resume (concurrency ${concurrency})`, async () => {
      const wanted = tricky(new StatefulListing());
      const failures: string[] = [];
      for (let k = 1; k <= wanted.length; k++) {
        const listing = new StatefulListing();
        tricky(listing);
        const { ids } = await exportInRuns(listing, [k, Infinity], { concurrency });
        failures.push(...misses(k, ids, wanted));
      }
      expect(failures).toEqual([]);
    });
  }

  it("yields every record once over two breaks at any pair of positions", async () => {
    const wanted = tricky(new StatefulListing());
    const failures: string[] = [];
    for (let first = 1; first < wanted.length; first++) {
      for (let second = 1; first + second < wanted.length; second++) {
        const listing = new StatefulListing();
        tricky(listing);
        const { ids } = await exportInRuns(listing, [first, second, Infinity], { concurrency: 2 });
        failures.push(...misses(first * 1000 + second, ids, wanted));
      }
    }
    expect(failures).toEqual([]);
  });

  it("resumes exactly from a checkpoint taken while iterating on (as a periodic save does), not only after a break", async () => {
    const wanted = tricky(new StatefulListing());
    const failures: string[] = [];
    for (const concurrency of [1, 3]) {
      for (let k = 1; k <= wanted.length; k++) {
        const listing = new StatefulListing();
        tricky(listing);
        const run = exportExecutions<FakeExecution>(listing.listPage, { ...base, concurrency });
        const before: string[] = [];
        let saved = "";
        // The run goes on to the end; what it yields after the save is what a crash would lose.
        for await (const record of run) {
          before.push(record.id);
          if (before.length === k) saved = JSON.stringify(run.checkpoint);
        }
        const resume = JSON.parse(saved) as ExportCheckpoint;
        expect(resume.recordsYielded).toBe(k);
        const ids = before.slice(0, k);
        for await (const record of exportExecutions<FakeExecution>(listing.listPage, { ...base, resume })) {
          ids.push(record.id);
        }
        failures.push(...misses(k, ids, wanted));
      }
    }
    expect(failures).toEqual([]);
  });

  it("yields every record once when every run stops after one record (a resume per record)", async () => {
    for (const concurrency of [1, 4]) {
      const listing = new StatefulListing();
      const wanted = tricky(listing);
      const { ids, runs } = await exportInRuns(listing, [1], { concurrency });
      expect(misses(1, ids, wanted)).toEqual([]);
      expect(runs).toBe(wanted.length + 1);
    }
  });

  it("yields every record once, and a call created between break and resume at most once", async () => {
    // A fourth window, [TO, LATER], holds one record (on TO) and the server's clock: calls created between two
    // runs land there, more than a page of them, so a stretch whose first page was whole becomes longer than a page.
    const later = "2026-01-05T00:00:00.000Z";
    const skewMs = Date.parse(later) - HOUR - Date.now();
    const wanted = tricky(new StatefulListing());
    const failures: string[] = [];
    let createdSeen = 0;
    for (const concurrency of [1, 3]) {
      for (let k = 1; k <= wanted.length; k++) {
        const listing = new StatefulListing({ skewMs });
        tricky(listing);
        const between = (): void => {
          for (let n = 0; n <= PAGE; n++) listing.insertNow("completed");
        };
        const { ids } = await exportInRuns(listing, [k, 3, Infinity], { to: later, concurrency }, between);
        const created = ids.filter((id) => listing.created.has(id));
        createdSeen += created.length;
        failures.push(
          ...misses(
            k,
            ids.filter((id) => !listing.created.has(id)),
            wanted,
          ),
        );
        if (new Set(created).size !== created.length) failures.push(`k=${k}: a created call came twice`);
      }
    }
    expect(failures).toEqual([]);
    // The calls created between runs are inside the range, so the resumed runs do meet them.
    expect(createdSeen).toBeGreaterThan(0);
  });

  it("yields the 1,333 records of an 18.5-day range with a record on every whole hour once, wherever it breaks", async () => {
    // The data set on which a break inside a window's first page used to give one record twice.
    const dataset = new ExecutionDataset({
      count: 1_440,
      from: "2026-01-01T00:00:00Z",
      to: "2026-01-21T00:00:00Z",
      seed: 11,
      alignMs: HOUR,
    });
    const from = "2026-01-01T06:00:00.000Z";
    const to = "2026-01-19T18:00:00.000Z";
    const failures: string[] = [];
    for (const k of [1, 5, 49, 50, 51, 100, 519, 520, 521, 1_000, 1_332]) {
      const listing = new StatefulListing();
      for (const index of dataset.listingOrder(from, to))
        listing.add(dataset.timeUs(index), "completed", dataset.id(index));
      const wanted = listing.ids();
      const { ids } = await exportInRuns(listing, [k, Infinity], { from, to, pageSize: 50, maxWindowDays: 7 });
      failures.push(...misses(k, ids, wanted));
      expect(wanted).toHaveLength(1_333);
    }
    expect(failures).toEqual([]);
  });
});
