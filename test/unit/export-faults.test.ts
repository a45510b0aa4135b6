/**
 * The bulk export through the real client against a loopback fake Bolna (`bench/fake-bolna.ts`) that fails a
 * sizeable share of requests: every record of the range must arrive exactly once and in listing order, and a page
 * that keeps failing must end the export with a checkpoint that `resume` completes without repeats or gaps.
 *
 * The range spans 18.5 days (three windows of at most 7 days). The dataset puts a record exactly on every whole hour,
 * so the records on the two window boundaries are listed by both windows (Bolna's bounds are inclusive) and the
 * records on `from` and `to` themselves are in range. Expected output is computed here, independently of the client:
 * window k covers [from + 7k days, min(from + 7(k+1) days, to)], each listed newest first, a record listed twice
 * kept at its first appearance.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExecutionDataset, startFakeBolna, type FakeBolna } from "../../bench/fake-bolna.js";
import { APIConnectionError, APIError } from "../../src/extensions/errors.js";
import { createBolnaClient, ExportError, type ExportCheckpoint, type ExportProgress } from "../../src/index.js";
import type { Fault } from "./support/fault-server.js";

const DAY = 86_400_000;
const PAGE_SIZE = 50;
const FROM = "2026-01-01T06:00:00.000Z";
const TO = "2026-01-19T18:00:00.000Z";
/** One record every 120 s over 20 days, from 2026-01-01T00:00Z; every 30th sits exactly on a whole hour. */
const dataset = new ExecutionDataset({
  count: 14_400,
  from: "2026-01-01T00:00:00Z",
  to: "2026-01-21T00:00:00Z",
  seed: 42,
  alignMs: 3_600_000,
});
const FAULT_RATE = 0.15;
/** Fast retries: the transport does not retry (its backoff starts at 500 ms); the export retries every page. */
const RETRY = { maxAttemptsPerPage: 10, initialDelayMs: 1, maxDelayMs: 10 };

interface Expected {
  index: number;
  window: number;
  /** 1-based page of the window's listing that holds the record (its first appearance). */
  page: number;
}

const windows: Array<{ from: string; to: string }> = [];
for (let start = Date.parse(FROM); ; start += 7 * DAY) {
  const end = Math.min(start + 7 * DAY, Date.parse(TO));
  windows.push({ from: new Date(start).toISOString(), to: new Date(end).toISOString() });
  if (end === Date.parse(TO)) break;
}

const expected: Expected[] = [];
{
  const seen = new Set<number>();
  windows.forEach((window, w) => {
    dataset.listingOrder(window.from, window.to).forEach((index, position) => {
      if (seen.has(index)) return;
      seen.add(index);
      expected.push({ index, window: w, page: Math.floor(position / PAGE_SIZE) + 1 });
    });
  });
}
const expectedIds = expected.map((entry) => dataset.id(entry.index));

/** Same ids in the same order, each once; reports the first difference instead of a 13 000-line diff. */
function expectSequence(actual: ReadonlyArray<{ id: string }>, wanted: readonly string[]): void {
  const ids = actual.map((record) => record.id);
  expect(new Set(ids).size, "duplicate ids").toBe(ids.length);
  const firstDifference = ids.findIndex((id, n) => id !== wanted[n]);
  expect(firstDifference, `first position where the order differs (of ${wanted.length})`).toBe(-1);
  expect(ids.length).toBe(wanted.length);
}

function pagesOf(window: number): number {
  const { count } = dataset.range(windows[window]!.from, windows[window]!.to);
  return Math.max(1, Math.ceil(count / PAGE_SIZE));
}

function clientFor(server: FakeBolna) {
  return createBolnaClient({
    apiKey: "test-key",
    baseUrl: server.url,
    maxRetries: 0,
    timeoutMs: 10_000,
    rateLimit: false,
    env: {},
  });
}

describe("exportExecutions against a faulty server", () => {
  it("the expected data spans several windows with records on their shared bounds", () => {
    expect(windows).toHaveLength(3);
    expect(expected.length).toBeGreaterThanOrEqual(10_000);
    expect(dataset.range(FROM, TO).count).toBe(expected.length);
    // Both window boundaries hold a record that two windows list.
    for (const boundary of [windows[0]!.to, windows[1]!.to]) expect(dataset.range(boundary, boundary).count).toBe(1);
  });

  describe("random faults on ≥ 10% of requests", () => {
    let server: FakeBolna;
    beforeAll(async () => {
      server = await startFakeBolna({ dataset, faults: { rate: FAULT_RATE, seed: 1, retryAfterMs: 5 } });
    });
    afterAll(() => server.close());

    it("yields every record of the range exactly once, in listing order", async () => {
      const bolna = clientFor(server);
      let last: ExportProgress | undefined;
      const records: Array<{ id: string; created_at?: string }> = [];
      const run = bolna.exportExecutions({
        agent_id: dataset.agentId,
        from: FROM,
        to: TO,
        concurrency: 8,
        retry: RETRY,
        onProgress: (progress) => (last = progress),
      });
      for await (const record of run) records.push(record);

      expectSequence(records, expectedIds);
      const wrongTime = records.findIndex((record, n) => record.created_at !== dataset.createdAt(expected[n]!.index));
      expect(wrongTime, "first record whose created_at is not the dataset's").toBe(-1);
      // The same set as the server's dataset for the range (no duplicates, same size, so no record missing).
      const inRange = new Set(dataset.listingOrder(FROM, TO).map((index) => dataset.id(index)));
      expect(inRange.size).toBe(records.length);
      expect(records.filter((record) => !inRange.has(record.id))).toEqual([]);

      const { stats } = server;
      const failed = Object.values(stats.injected).reduce((a, b) => a + b, 0);
      expect(failed / stats.listRequests).toBeGreaterThanOrEqual(0.1);
      for (const count of Object.values(stats.injected)) expect(count).toBeGreaterThan(0);
      expect(stats.rejected).toBe(0);
      // Every page of every window was served once (a boundary record makes no extra page here).
      expect(stats.pagesServed).toBe(windows.reduce((sum, _, w) => sum + pagesOf(w), 0));

      expect(last?.overall).toMatchObject({ windowsDone: 3, windowCount: 3, recordsDone: expected.length });
      expect(run.checkpoint).toMatchObject({ windowIndex: 3, page: 1, recordsYielded: expected.length });
    });
  });

  describe.each([
    { window: 1, page: 40, fault: { status: 503, body: { detail: "Service Unavailable" } } as Fault },
    { window: 2, page: 1, fault: { reset: true } as Fault },
    { window: 1, page: pagesOf(1), fault: { status: 500, body: { detail: "Internal Server Error" } } as Fault },
  ])("a page that keeps failing (window $window, page $page)", ({ window, page, fault }) => {
    let server: FakeBolna;
    let broken = true;
    beforeAll(async () => {
      server = await startFakeBolna({
        dataset,
        faults: { rate: FAULT_RATE, seed: 2, retryAfterMs: 5 },
        override: (query) =>
          broken && query.from === windows[window]!.from && query.pageNumber === page ? fault : undefined,
      });
    });
    afterAll(() => server.close());

    it("stops with a checkpoint there, and resume delivers the rest exactly once", async () => {
      const bolna = clientFor(server);
      const options = { agent_id: dataset.agentId, from: FROM, to: TO, concurrency: 6, retry: RETRY };
      const before: Array<{ id: string }> = [];
      let failure: unknown;
      try {
        for await (const record of bolna.exportExecutions(options)) before.push(record);
      } catch (error) {
        failure = error;
      }

      expect(failure).toBeInstanceOf(ExportError);
      const { checkpoint, cause } = failure as ExportError;
      if ("status" in fault) expect((cause as APIError).status).toBe(fault.status);
      else expect(cause).toBeInstanceOf(APIConnectionError);
      // Every record before the failing page, nothing from it or after it.
      const prefix = expected.filter((entry) => entry.window < window || (entry.window === window && entry.page < page));
      expectSequence(before, prefix.map((entry) => dataset.id(entry.index)));
      expect(checkpoint).toMatchObject({
        version: 1,
        windowIndex: window,
        page,
        recordsYielded: prefix.length,
        plan: { agent_id: dataset.agentId, from: FROM, to: TO, pageSize: PAGE_SIZE },
      });
      expect(server.stats.scripted).toBe(RETRY.maxAttemptsPerPage);

      // The checkpoint survives storage as JSON; the server heals; the same export resumes.
      const stored = JSON.parse(JSON.stringify(checkpoint)) as ExportCheckpoint;
      expect(stored).toEqual(checkpoint);
      broken = false;
      const after: Array<{ id: string }> = [];
      const resumed = bolna.exportExecutions({ ...options, resume: stored });
      for await (const record of resumed) after.push(record);

      expectSequence([...before, ...after], expectedIds);
      expect(resumed.checkpoint).toMatchObject({ windowIndex: windows.length, recordsYielded: expected.length });
    });
  });
});
