/**
 * What the `exportExecutions` tests over a listing that does not change share: the range they export, a
 * `listPage` that records its requests, and the exactly-once check.
 */
import { expect } from "vitest";
import type {
  ExecutionListQuery,
  ExportExecutionsOptions,
  ListExecutionsPage,
  PageRequestInit,
} from "../../../src/extensions/export/index.js";
import type { FakeExecution, StatefulListing } from "../../support/stateful-listing.js";

const HOUR = 3_600_000;
/** Two 7-day windows: [FROM, BOUNDARY] and [BOUNDARY, TO]. */
export const FROM = "2026-01-01T00:00:00.000Z";
export const TO = "2026-01-15T00:00:00.000Z";
export const BOUNDARY = "2026-01-08T00:00:00.000Z";
export const AGENT = "agent-1";

interface Recorded {
  query: ExecutionListQuery;
  init: PageRequestInit;
}

/** The listing's `listPage`, recording every request and how many are in flight. */
export function instrument(listing: StatefulListing, gate?: () => Promise<void>) {
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

export const options = (overrides: Partial<ExportExecutionsOptions> = {}): ExportExecutionsOptions => ({
  agent_id: AGENT,
  from: FROM,
  to: TO,
  ...overrides,
});

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Lets pending microtasks and immediates run, so requests that can start have started. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Each id once, and exactly the ids wanted. */
export function expectExactlyOnce(got: ReadonlyArray<{ id: string }>, wanted: readonly string[]): void {
  const ids = got.map((record) => record.id);
  expect(ids.length - new Set(ids).size, "records yielded twice").toBe(0);
  expect([...ids].sort()).toEqual([...wanted].sort());
}

/** Records every hour on the hour over [FROM, TO], both ends and the window boundary included. */
export function hourly(listing: StatefulListing): FakeExecution[] {
  const out: FakeExecution[] = [];
  for (let t = Date.parse(FROM); t <= Date.parse(TO); t += HOUR) {
    out.push(listing.add(t * 1000, t % (3 * HOUR) === 0 ? "failed" : "completed"));
  }
  return out;
}
