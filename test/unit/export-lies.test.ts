/**
 * `exportExecutions` against broken or lying listings (`test/support/lying-listings.ts`): each lie must end the
 * export with an `ExportError` (never a shorter or doubled result), within a bounded number of requests, and its
 * checkpoint must resume against the honest listing without repeating or losing a record.
 */
import { describe, expect, it } from "vitest";
import { BolnaError } from "../../src/extensions/errors.js";
import { ExportError, exportExecutions, type ExportCheckpoint } from "../../src/extensions/export/index.js";
import { LIES, lying, type Lie, type ListPage } from "../support/lying-listings.js";
import { naiveMicros } from "../../src/mock/executions.js";
import { StatefulListing, type FakeExecution } from "../support/stateful-listing.js";

const FROM = "2026-01-01T00:00:00.000Z";
const TO = "2026-01-15T00:00:00.000Z";
const options = { agent_id: "agent-1", from: FROM, to: TO, concurrency: 4 };

/** 600 records over two windows, plus (with `ties`) 130 records on one instant, more than two pages. */
function honestListing(ties = false): { listing: StatefulListing; records: FakeExecution[] } {
  const listing = new StatefulListing();
  const records = listing.fill(600, Date.parse(FROM), Date.parse(TO));
  if (ties) {
    const instant = Date.parse("2026-01-10T08:00:00.000Z") * 1000;
    for (let n = 0; n < 130; n++) records.push(listing.add(instant));
  }
  return { listing, records };
}

interface Outcome {
  got: FakeExecution[];
  error: unknown;
  requests: number;
}

async function exportFrom(listPage: ListPage): Promise<Outcome> {
  let requests = 0;
  const got: FakeExecution[] = [];
  const counted: ListPage = (query) => {
    requests++;
    return listPage(query);
  };
  try {
    for await (const record of exportExecutions<FakeExecution>(counted, options)) got.push(record);
    return { got, error: undefined, requests };
  } catch (error) {
    return { got, error, requests };
  }
}

/** The checkpoint, stored as JSON and resumed against the honest listing, completes the export exactly once. */
async function expectResumable(outcome: Outcome, listing: StatefulListing, records: FakeExecution[]): Promise<void> {
  const { checkpoint } = outcome.error as ExportError;
  expect(checkpoint.recordsYielded).toBe(outcome.got.length);
  const saved = JSON.parse(JSON.stringify(checkpoint)) as ExportCheckpoint;
  const rest: FakeExecution[] = [];
  for await (const record of exportExecutions<FakeExecution>(listing.listPage, { ...options, resume: saved }))
    rest.push(record);
  const ids = [...outcome.got, ...rest].map((record) => record.id);
  expect(ids.length - new Set(ids).size, "records yielded twice").toBe(0);
  expect([...ids].sort()).toEqual(records.map((record) => record.id).sort());
}

describe("exportExecutions against a lying listing", () => {
  const loud = LIES.filter((lie) => lie !== "ignoresPageNumber");

  describe.each(loud.flatMap((lie) => [0, 3].map((after) => ({ lie, after }))))(
    "$lie (from answer $after on)",
    ({ lie, after }: { lie: Lie; after: number }) => {
      it("fails loudly with a checkpoint that resumes exactly once, within a bounded number of requests", async () => {
        const { listing, records } = honestListing();
        const outcome = await exportFrom(lying(lie, listing.listPage, after));
        expect(outcome.error).toBeInstanceOf(ExportError);
        expect((outcome.error as ExportError).cause).toBeInstanceOf(BolnaError);
        expect((outcome.error as Error).message).toMatch(/^Export stopped after \d+ records/);
        // What came out before the failure was real and unrepeated.
        const real = new Set(records.map((record) => record.id));
        expect(outcome.got.every((record) => real.has(record.id))).toBe(true);
        // 600 records are 12 pages; a lie must not make the export wander.
        expect(outcome.requests).toBeLessThan(40);
        await expectResumable(outcome, listing, records);
      });
    },
  );

  it("ignored page_number: harmless while every page is page 1, loud once ties need page 2", async () => {
    const plain = honestListing();
    const fine = await exportFrom(lying("ignoresPageNumber", plain.listing.listPage));
    expect(fine.error).toBeUndefined();
    expect(fine.got.map((record) => record.id).sort()).toEqual(plain.records.map((record) => record.id).sort());

    const tied = honestListing(true);
    const outcome = await exportFrom(lying("ignoresPageNumber", tied.listing.listPage));
    expect(outcome.error).toBeInstanceOf(ExportError);
    expect((outcome.error as Error).message).toContain("page by page failed");
    await expectResumable(outcome, tied.listing, tied.records);
  });

  it("page_number jumping (asked for 2, answered 5) while reading ties", async () => {
    const { listing, records } = honestListing(true);
    // Honest for page 1, which every walk asks for; a jump on the pages only a tie reads.
    const jumps = lying("jumpsPageNumber", listing.listPage);
    const jumping: ListPage = (query) => (query.page_number === 1 ? listing.listPage(query) : jumps(query));
    const outcome = await exportFrom(jumping);
    expect(outcome.error).toBeInstanceOf(ExportError);
    expect((outcome.error as Error).message).toContain("page_number 5");
    await expectResumable(outcome, listing, records);
  });

  it("a listing that invents new records on every request: stopped within a bounded number of requests", async () => {
    let invented = 0;
    // Every page is full, says has_more, and lists records never seen before, spread over the window asked for.
    const inventing: ListPage = async (query) => {
      const [from, to] = [Date.parse(query.from) * 1000, Date.parse(query.to) * 1000];
      const data = Array.from({ length: query.page_size }, (_, n) => ({
        id: `invented-${invented++}`,
        created_at: naiveMicros(Math.floor(to - ((to - from) * (n + 0.5)) / query.page_size)),
        status: "completed",
      }));
      return {
        page_number: query.page_number,
        page_size: query.page_size,
        total: 100 * query.page_size,
        has_more: true,
        data,
      };
    };
    const outcome = await exportFrom(inventing);
    expect(outcome.error).toBeInstanceOf(ExportError);
    expect((outcome.error as Error).message).toContain("did not reconcile the listing's counts");
    expect(outcome.requests).toBeLessThan(150);
  });
});
