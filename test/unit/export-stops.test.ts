/**
 * How `exportExecutions` stops over a listing that does not change: after a page that keeps failing (every record
 * received, then `ExportError` with a checkpoint), on a break, on the caller's signal; and how it resumes from a
 * checkpoint without repeating or losing a record.
 */
import { describe, expect, it } from "vitest";
import { APIUserAbortError, BolnaInputError } from "../../src/extensions/errors.js";
import { createAPIError } from "../../src/extensions/internal/api-error.js";
import {
  ExportError,
  exportExecutions,
  type ExportCheckpoint,
  type ExportExecutionsOptions,
  type ListExecutionsPage,
} from "../../src/extensions/export/index.js";
import { StatefulListing, type FakeExecution } from "../support/stateful-listing.js";
import {
  AGENT,
  collect,
  expectExactlyOnce,
  FROM,
  hourly,
  instrument,
  options,
  settle,
  TO,
} from "./support/export-setup.js";

const failure = (status = 503) =>
  createAPIError(
    new Response(null, { status }),
    { message: "flaky" },
    { method: "GET", url: "https://api.bolna.ai/x" },
  );

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
