/**
 * The fake Bolna refuses what the spec says the live API refuses, and answers what it accepts. The limits here are
 * read from the generated operation metadata (the generator's reading of the spec), while the fake reads the
 * bundled spec itself and judges with Ajv: two readings that must agree, and no limit restated in either.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FieldRule } from "../../src/extensions/internal/metadata.js";
import { operationMetadata } from "../../src/generated/operations.js";
import { ExecutionDataset } from "../support/execution-dataset.js";
import { startFakeBolna, type FakeBolna } from "../support/fake-bolna.js";
import { isRefusal, readListingQuery } from "../support/listing-query.js";

const DAY = 86_400_000;
const listing = operationMetadata.listAgentExecutions;
const rules: readonly FieldRule[] = listing.fields;
const rule = (name: string): FieldRule => rules.find((field) => field.name === name) as FieldRule;
const MAX_PAGE_SIZE = rule("page_size").maximum as number;
const MIN_PAGE_NUMBER = rule("page_number").minimum as number;
const MAX_WINDOW_MS = listing.maxWindow.maxDays * DAY;
const CALL_TYPES = rule("call_type").enum as readonly string[];

const FROM = "2026-01-01T00:00:00.000Z";
const dataset = new ExecutionDataset({ count: 500, from: FROM, to: "2026-01-15T00:00:00Z", seed: 3 });
const within = new Date(Date.parse(FROM) + MAX_WINDOW_MS).toISOString();

function query(overrides: Record<string, string | undefined>): URLSearchParams {
  const all = { from: FROM, to: within, page_number: "1", page_size: String(MAX_PAGE_SIZE), ...overrides };
  return new URLSearchParams(Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

describe("the fake Bolna's executions listing", () => {
  let server: FakeBolna;
  beforeAll(async () => {
    server = await startFakeBolna({ dataset });
  });
  afterAll(() => server.close());

  async function list(params: URLSearchParams): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${server.url}/v2/agent/${dataset.agentId}/executions?${params}`, {
      headers: { authorization: "Bearer test-key" },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it("answers a query at the spec's limits: the largest page over the widest window", async () => {
    const { status, body } = await list(query({}));
    expect(status).toBe(200);
    expect(body["page_size"]).toBe(MAX_PAGE_SIZE);
    expect(body["data"]).toHaveLength(MAX_PAGE_SIZE);
    expect(body["total"]).toBe(dataset.range(FROM, within).count);
  });

  it.each([
    ["a page larger than the spec's maximum", { page_size: String(MAX_PAGE_SIZE + 1) }, "page_size"],
    ["an empty page", { page_size: "0" }, "page_size"],
    ["a page number below the minimum", { page_number: String(MIN_PAGE_NUMBER - 1) }, "page_number"],
    ["a page number that is not an integer", { page_number: "1.5" }, "page_number"],
    ["a window 1 ms wider than the spec's widest", { to: new Date(Date.parse(within) + 1).toISOString() }, "days"],
    ["from after to", { from: within, to: FROM }, "after"],
    ["a missing bound", { to: undefined }, "to is required"],
    ["a bound without a time zone", { from: "2026-01-01T00:00:00" }, "from"],
    ["a call_type outside the spec's enum", { call_type: "sideways" }, "call_type"],
  ])("refuses %s with a 400 and says what is wrong", async (_, overrides, named) => {
    const before = server.stats.rejected;
    const { status, body } = await list(query(overrides));
    expect(status).toBe(400);
    expect(String(body["detail"])).toContain(named);
    expect(server.stats.rejected).toBe(before + 1);
  });
});

describe("readListingQuery", () => {
  it("checks a simulated filter against its schema: each value of the enum passes, another does not", () => {
    for (const callType of CALL_TYPES) {
      const read = readListingQuery("agent", query({ call_type: callType }), ["call_type"]);
      expect(isRefusal(read) ? read.detail : read.filters).toEqual({ call_type: callType });
    }
    const refused = readListingQuery("agent", query({ call_type: "sideways" }), ["call_type"]);
    expect(isRefusal(refused) && refused.detail).toMatch(/call_type must be equal to one of the allowed values/);
  });

  it("refuses a filter it does not simulate rather than ignore it", () => {
    const read = readListingQuery("agent", query({ batch_id: "b1" }));
    expect(isRefusal(read) && read.detail).toMatch(/does not simulate the batch_id filter/);
  });

  it("fills the spec's defaults for the page parameters left out", () => {
    const read = readListingQuery("agent", query({ page_number: undefined, page_size: undefined }));
    expect(isRefusal(read)).toBe(false);
    if (isRefusal(read)) return;
    expect(read.page_number).toBe(MIN_PAGE_NUMBER);
    expect(read.page_size).toBeGreaterThanOrEqual(1);
    expect(read.page_size).toBeLessThanOrEqual(MAX_PAGE_SIZE);
  });
});
