/**
 * The bulk export through the real client against a loopback fake Bolna (`test/support/fake-bolna.ts`) that fails a
 * sizeable share of requests: every record of the range must arrive exactly once, each page request must be tried
 * at most `retry.maxAttemptsPerPage` times (the transport's retries, not multiplied by the export's), and a stretch
 * of time the server keeps failing on must end the export with a checkpoint that `resume` completes without
 * repeats or gaps.
 *
 * The same with 10% faults while the agent keeps taking calls (every listing request creates one inside the
 * range), stopped by an outage and resumed; and a 429 asking to wait a day, which must end the export at once.
 *
 * The range spans 18.5 days (three windows of at most 7 days). The dataset puts a record exactly on every whole
 * hour, so records sit on the two window boundaries (Bolna's bounds are inclusive, both windows list them) and on
 * `from` and `to` themselves. The expected records are computed here from the dataset, independently of the client.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isCreatedCall } from "../support/created-calls.js";
import { ExecutionDataset } from "../support/execution-dataset.js";
import { startFakeBolna, type FakeBolna } from "../support/fake-bolna.js";
import { windowsOf } from "../support/listing-query.js";
import { APIConnectionError, APIError, RateLimitError } from "../../src/extensions/errors.js";
import { createBolnaClient, ExportError, type ExportCheckpoint, type ExportProgress } from "../../src/index.js";
import type { Fault } from "../support/fault-server.js";

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
/** Fast retries: each page request may be tried 10 times, waiting at most 10 ms between tries. */
const RETRY = { maxAttemptsPerPage: 10, maxDelayMs: 10 };

const windows = windowsOf(FROM, TO);
const expectedIds = dataset.listingOrder(FROM, TO).map((index) => dataset.id(index));

/** Each id once, exactly the dataset's records of the range. */
function expectExactlyOnce(actual: ReadonlyArray<{ id: string }>): void {
  const ids = actual.map((record) => record.id);
  expect(ids.length - new Set(ids).size, "records yielded twice").toBe(0);
  const wanted = new Set(expectedIds);
  expect(
    ids.filter((id) => !wanted.has(id)),
    "records outside the range",
  ).toEqual([]);
  expect(ids.length).toBe(expectedIds.length);
}

/** How many times each distinct listing query reached the server. */
function attemptsPerQuery(server: FakeBolna): number[] {
  const counts = new Map<string, number>();
  for (const request of server.requests) {
    if (!request.path.endsWith("/executions")) continue;
    const key = request.query.toString();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.values()];
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
    expect(expectedIds.length).toBeGreaterThanOrEqual(10_000);
    // Both window boundaries hold a record that two windows list.
    for (const boundary of [windows[0]!.to, windows[1]!.to]) expect(dataset.range(boundary, boundary).count).toBe(1);
  });

  describe("random faults on about 15% of requests", () => {
    let server: FakeBolna;
    beforeAll(async () => {
      server = await startFakeBolna({ dataset, faults: { rate: FAULT_RATE, seed: 1, retryAfterMs: 5 } });
    });
    afterAll(() => server.close());

    it("yields every record of the range exactly once, each page request tried at most maxAttemptsPerPage times", async () => {
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

      expectExactlyOnce(records);
      const { stats } = server;
      const failed = Object.values(stats.injected).reduce((a, b) => a + b, 0);
      // The share of faulted requests depends on how the walk's requests fall (9.6% to 15% seen), so the check is
      // that the export went through many of them, of every kind, not a share.
      expect(failed).toBeGreaterThanOrEqual(15);
      for (const count of Object.values(stats.injected)) expect(count).toBeGreaterThan(0);
      expect(stats.rejected).toBe(0);
      expect(Math.max(...attemptsPerQuery(server))).toBeLessThanOrEqual(RETRY.maxAttemptsPerPage);
      // Pages served: the 267 full pages' worth of records, plus what splitting the range into parallel walks costs.
      expect(stats.pagesServed).toBeLessThanOrEqual(Math.ceil(expectedIds.length / PAGE_SIZE) * 1.15);

      expect(last?.overall).toMatchObject({ windowsDone: 3, windowCount: 3, recordsDone: expectedIds.length });
      expect(run.checkpoint).toMatchObject({ recordsYielded: expectedIds.length, remaining: [] });
    });
  });

  describe.each([
    { from: "2026-01-10T00:00:00.000Z", fault: { status: 503, body: { detail: "Service Unavailable" } } as Fault },
    { from: "2026-01-18T00:00:00.000Z", fault: { reset: true } as Fault },
    { from: FROM, fault: { status: 500, body: { detail: "Internal Server Error" } } as Fault },
  ])("a stretch of time the server keeps failing on (requests ending before $from)", ({ from, fault }) => {
    let server: FakeBolna;
    let broken = true;
    beforeAll(async () => {
      server = await startFakeBolna({
        dataset,
        faults: { rate: FAULT_RATE, seed: 2, retryAfterMs: 5 },
        override: (query) => (broken && Date.parse(query.to) < Date.parse(from) + DAY ? fault : undefined),
      });
    });
    afterAll(() => server.close());

    it("stops with a checkpoint after every record received, and resume delivers the rest exactly once", async () => {
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
      expect(checkpoint).toMatchObject({
        version: 2,
        recordsYielded: before.length,
        plan: { agent_id: dataset.agentId, from: FROM, to: TO, pageSize: PAGE_SIZE },
      });
      expect(new Set(before.map((record) => record.id)).size).toBe(before.length);
      // The failing request was tried maxAttemptsPerPage times, not more (no retries nested in retries).
      expect(Math.max(...attemptsPerQuery(server))).toBe(RETRY.maxAttemptsPerPage);

      // The checkpoint survives storage as JSON; the server heals; the same export resumes.
      const stored = JSON.parse(JSON.stringify(checkpoint)) as ExportCheckpoint;
      expect(stored).toEqual(checkpoint);
      broken = false;
      const after: Array<{ id: string }> = [];
      const resumed = bolna.exportExecutions({ ...options, resume: stored });
      for await (const record of resumed) after.push(record);

      expectExactlyOnce([...before, ...after]);
      expect(resumed.checkpoint).toMatchObject({ recordsYielded: expectedIds.length, remaining: [] });
    });
  });

  describe("10% faults while calls are created inside the range, an outage, then resume", () => {
    const LIVE_FROM = "2026-01-14T00:00:00.000Z";
    // The dataset ends at 2026-01-21T00:00Z; the server's clock starts there, so new calls fall inside the range.
    const LIVE_TO = "2026-01-21T01:00:00.000Z";
    const OUTAGE_BEFORE = Date.parse("2026-01-16T00:00:00.000Z");
    let server: FakeBolna;
    let broken = true;
    beforeAll(async () => {
      server = await startFakeBolna({
        dataset,
        faults: { rate: 0.1, seed: 3, retryAfterMs: 5 },
        live: { insertEvery: 1 },
        override: (query) => (broken && Date.parse(query.to) < OUTAGE_BEFORE ? { status: 503 } : undefined),
      });
    });
    afterAll(() => server.close());

    it("every record that existed yielded exactly once over both runs, every new call at most once", async () => {
      const bolna = clientFor(server);
      const options = { agent_id: dataset.agentId, from: LIVE_FROM, to: LIVE_TO, concurrency: 6, retry: RETRY };
      const records: Array<{ id: string }> = [];
      const failure = await (async () => {
        for await (const record of bolna.exportExecutions(options)) records.push(record);
      })().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ExportError);
      broken = false;
      const resume = JSON.parse(JSON.stringify((failure as ExportError).checkpoint)) as ExportCheckpoint;
      for await (const record of bolna.exportExecutions({ ...options, resume })) records.push(record);

      const ids = records.map((record) => record.id);
      expect(ids.length - new Set(ids).size, "records yielded twice").toBe(0);
      const existing = dataset.listingOrder(LIVE_FROM, LIVE_TO).map((index) => dataset.id(index));
      const got = new Set(ids);
      expect(
        existing.filter((id) => !got.has(id)),
        "existing records never yielded",
      ).toEqual([]);
      expect(
        ids.filter((id) => !existing.includes(id) && !isCreatedCall(id)),
        "unknown records",
      ).toEqual([]);
      const { stats } = server;
      expect(stats.inserted).toBeGreaterThan(50);
      // Random faults too, not only the outage. Their share (10% of about 120 requests) varies with the calls'
      // timing from run to run, so only their presence is checked: fewer than 3 has odds of about 1 in 3,000.
      const failed = Object.values(stats.injected).reduce((a, b) => a + b, 0);
      expect(failed).toBeGreaterThanOrEqual(3);
    });
  });

  describe("a 429 asking to wait a day (Retry-After: 86400)", () => {
    const LIMITED_BEFORE = Date.parse("2026-01-05T00:00:00.000Z");
    let server: FakeBolna;
    beforeAll(async () => {
      server = await startFakeBolna({
        dataset,
        override: (query) =>
          Date.parse(query.to) < LIMITED_BEFORE
            ? { status: 429, headers: { "retry-after": "86400" }, body: { detail: "Too many requests" } }
            : undefined,
      });
    });
    afterAll(() => server.close());

    it("ends the export at once with a checkpoint instead of waiting, each such request sent once", async () => {
      const bolna = clientFor(server);
      const before: Array<{ id: string }> = [];
      const failure = await (async () => {
        const options = { agent_id: dataset.agentId, from: FROM, to: TO, retry: { maxAttemptsPerPage: 5 } };
        for await (const record of bolna.exportExecutions(options)) before.push(record);
      })().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ExportError);
      const { cause, checkpoint } = failure as ExportError;
      expect(cause).toBeInstanceOf(RateLimitError);
      expect((cause as RateLimitError).retryAfterMs).toBe(86_400_000);
      expect(checkpoint.recordsYielded).toBe(before.length);
      const limited = server.requests.filter((request) => Date.parse(request.query.get("to") ?? "") < LIMITED_BEFORE);
      expect(limited.length).toBeGreaterThan(0);
      expect(Math.max(...attemptsPerQuery(server))).toBe(1);
    });
  });
});
