/**
 * `exportExecutions` against a listing that changes while it is read (`test/support/stateful-listing.ts`): calls
 * created during the export (also with the client's clock ahead of the server's, and `to` in the future), calls
 * re-run in a listing sorted by last run, calls deleted, statuses moving under a filter, and all of it at once.
 * Every case checks the guarantee: each record that existed at the start, lies in the range and was not deleted
 * comes out exactly once; calls created during the export come out at most once.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { exportExecutions, type ExportExecutionsOptions } from "../../src/extensions/export/index.js";
import { StatefulListing, type FakeExecution, type StatefulListingOptions } from "../support/stateful-listing.js";

const DAY = 86_400_000;
const MINUTE = 60_000;
/** How far the clock moves while the server answers one page. */
const MS_PER_REQUEST = 7;

// Only `Date` is faked: both clocks (the export's default `to`, the listing's "now") read it, and it moves by
// MS_PER_REQUEST per page read instead of with the machine's speed, so a loaded machine runs the same scenario.
beforeEach(() => void vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-06-01T12:00:00.000Z") }));
afterEach(() => void vi.useRealTimers());

interface Scenario {
  order?: StatefulListingOptions["order"];
  skewMs?: number;
  /** Ms from now; default: the client's clock at the start (the export's default). */
  toAheadMs?: number;
  records?: number;
  concurrency?: number;
  status?: ExportExecutionsOptions["status"];
  /** Changes made before answering request `n`. */
  change?: (n: number, listing: StatefulListing) => void;
}

interface Result {
  pre: FakeExecution[];
  got: FakeExecution[];
  listing: StatefulListing;
  /** The export's `to`. */
  to: string;
}

/** Fills the last 10 days (server time) with records, runs the export over them while `change` runs. */
async function run(scenario: Scenario): Promise<Result> {
  const listing = new StatefulListing({
    order: scenario.order,
    skewMs: scenario.skewMs,
    onRequest: (n, _query, l) => {
      vi.setSystemTime(Date.now() + MS_PER_REQUEST);
      scenario.change?.(n, l);
    },
  });
  const now = Date.now() + (scenario.skewMs ?? 0);
  const pre = listing.fill(scenario.records ?? 1_500, now - 10 * DAY, now - MINUTE, (n) =>
    n % 4 === 0 ? "failed" : "completed",
  );
  const options: ExportExecutionsOptions = {
    agent_id: "agent-1",
    from: new Date(Date.now() - 11 * DAY),
    concurrency: scenario.concurrency ?? 4,
    status: scenario.status,
  };
  if (scenario.toAheadMs !== undefined) options.to = new Date(Date.now() + scenario.toAheadMs);
  const exported = exportExecutions<FakeExecution>(listing.listPage, options);
  const got: FakeExecution[] = [];
  for await (const record of exported) got.push(record);
  return { pre, got, listing, to: exported.checkpoint.plan.to };
}

/**
 * Pre-existing records in the range and not deleted: exactly once. Records created during the export: at most
 * once. Nothing else.
 */
function expectGuarantee(result: Result, keep: (record: FakeExecution) => boolean = () => true): void {
  const { listing } = result;
  const ids = result.got.map((record) => record.id);
  expect(ids.length - new Set(ids).size, "records yielded twice").toBe(0);
  const inRange = (record: FakeExecution) => Date.parse(`${record.created_at}Z`) <= Date.parse(result.to);
  const wanted = result.pre.filter((record) => keep(record) && inRange(record) && !listing.removed.has(record.id));
  const got = new Set(ids);
  expect(
    wanted.filter((record) => !got.has(record.id)),
    "pre-existing records never yielded",
  ).toEqual([]);
  const known = new Set([...result.pre.map((record) => record.id), ...listing.created]);
  expect(
    ids.filter((id) => !known.has(id)),
    "records that are neither pre-existing nor created",
  ).toEqual([]);
}

describe("exportExecutions while the listing changes", () => {
  it("calls created in the window during the export, one per request, the client's clock 2 minutes ahead", async () => {
    const result = await run({ skewMs: -2 * MINUTE, change: (_n, listing) => void listing.insertNow() });
    expectGuarantee(result);
    // The export's `to` (the client's clock) is ahead of the server's, so new calls did land inside the range.
    expect(result.listing.created.size).toBeGreaterThan(20);
    expect(result.got.some((record) => result.listing.created.has(record.id))).toBe(true);
  });

  it("`to` a day in the future, with bursts of new calls larger than a page between two page reads", async () => {
    const result = await run({
      toAheadMs: DAY,
      change: (n, listing) => {
        if (n % 3 === 1) for (let i = 0; i < 80; i++) listing.insertNow();
      },
    });
    expectGuarantee(result);
    expect(result.listing.created.size).toBeGreaterThan(400);
  });

  it("a listing sorted by last run, with calls re-run during the export", async () => {
    for (const burst of [1, 60]) {
      const result = await run({
        order: "last-run",
        change: (n, listing) => {
          const ids = listing.ids();
          for (let i = 0; i < burst; i++) listing.rerun(ids[(n * 7_919 + i * 104_729) % ids.length] as string);
        },
      });
      expectGuarantee(result);
    }
  });

  it("calls deleted during the export, from stretches already read and not yet read", async () => {
    const result = await run({
      change: (n, listing) => {
        const ids = listing.ids();
        for (let i = 0; i < 3; i++) listing.remove(ids[(n * 7_919 + i * 31) % ids.length] as string);
      },
    });
    expectGuarantee(result);
    expect(result.listing.removed.size).toBeGreaterThan(50);
  });

  it("statuses moving into a status filter during the export", async () => {
    const result = await run({
      status: "completed",
      change: (n, listing) => {
        const ids = listing.ids();
        for (let i = 0; i < 5; i++) listing.setStatus(ids[(n * 7_919 + i * 613) % ids.length] as string, "completed");
      },
    });
    // Records completed from the start stay completed: exactly once. The others may come once, never twice.
    expectGuarantee(result, (record) => record.status === "completed");
    expect(result.got.every((record) => record.status === "completed")).toBe(true);
  });

  it("everything at once: inserts, re-runs in last-run order, deletes, a skewed clock; at several concurrencies", async () => {
    for (const [concurrency, skewMs] of [
      [1, 2 * MINUTE],
      [4, -2 * MINUTE],
      [16, 0],
    ] as const) {
      const result = await run({
        order: "last-run",
        skewMs,
        concurrency,
        records: 2_000,
        change: (n, listing) => {
          listing.insertNow();
          const ids = listing.ids();
          listing.rerun(ids[(n * 7_919) % ids.length] as string);
          if (n % 2 === 0) listing.remove(ids[(n * 104_729) % ids.length] as string);
        },
      });
      expectGuarantee(result);
      expect(result.listing.removed.size).toBeGreaterThan(0);
    }
  });

  it("a listing in no time order at all: still each record once, at a bounded cost", async () => {
    const listing = new StatefulListing({ order: "last-run" });
    const now = Date.now();
    const records = listing.fill(2_000, now - 10 * DAY, now - MINUTE);
    // Re-running every record in a scrambled order leaves the "last run" order unrelated to creation time.
    const ids = listing.ids();
    for (let i = 0; i < ids.length; i++) listing.rerun(ids[(i * 7_919) % ids.length] as string);
    const got: FakeExecution[] = [];
    const options = { agent_id: "agent-1", from: new Date(now - 10 * DAY - MINUTE), concurrency: 4 };
    for await (const record of exportExecutions<FakeExecution>(listing.listPage, options)) got.push(record);
    expectGuarantee({ pre: records, got, listing, to: new Date(now).toISOString() });
    // 40 pages' worth of records; re-reading what the order hid costs more, but not without bound.
    expect(listing.requests).toBeLessThan(400);
  });
});
