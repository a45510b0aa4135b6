import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseBolnaTimestamp } from "../../src/extensions/datetime.js";
import { createExecutionsListing, EXAMPLE_EXECUTIONS_AGE_MS, isExecutionsListing } from "../../src/mock/executions.js";

const SPEC: unknown = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "../../src/generated/openapi.json"), "utf8"),
);
const STARTED = Date.parse("2026-11-28T12:00:00Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const LISTING = "http://127.0.0.1:4010/v2/agent/3c90c3cc-0d44-4b50-8888-8dd25736052a/executions";

function listing(query: Record<string, string | number>): URL {
  const url = new URL(LISTING);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, String(value));
  return url;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const page = createExecutionsListing(SPEC, STARTED);
const everything = page(listing({ page_size: 50 }));

describe("the mock's execution listing", () => {
  it("lists the spec's example executions once each, newest first, the newest an hour before the mock started", () => {
    expect(everything?.total).toBe(3);
    const ids = everything?.data.map((item) => item.id) ?? [];
    expect(new Set(ids).size).toBe(3);
    const times = everything?.data.map((item) => parseBolnaTimestamp(item.created_at).getTime()) ?? [];
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(Math.abs((times[0] ?? 0) - (STARTED - EXAMPLE_EXECUTIONS_AGE_MS))).toBeLessThan(1);
  });

  it("honours the status filter: busy lists only the busy example, and a status none has lists nothing", () => {
    const statuses = everything?.data.map((item) => item.status) ?? [];
    expect(statuses).toContain("busy");
    const busy = page(listing({ page_size: 50, status: "busy" }));
    expect(busy?.data.map((item) => item.status)).toEqual(statuses.filter((status) => status === "busy"));
    expect(busy?.total).toBe(busy?.data.length);
    expect(page(listing({ page_size: 50, status: "stopped" }))).toMatchObject({ total: 0, data: [] });
  });

  it("pages like the live API: page n of page_size, total and has_more", () => {
    const window = { from: iso(STARTED - 7 * DAY), to: iso(STARTED), page_size: 2 };
    const first = page(listing({ ...window, page_number: 1 }));
    const second = page(listing({ ...window, page_number: 2 }));
    const third = page(listing({ ...window, page_number: 3 }));
    expect(first).toMatchObject({ page_number: 1, page_size: 2, total: 3, has_more: true });
    expect(second).toMatchObject({ page_number: 2, total: 3, has_more: false });
    expect(third).toMatchObject({ page_number: 3, total: 3, has_more: false, data: [] });
    expect([...(first?.data ?? []), ...(second?.data ?? [])].map((item) => item.id)).toEqual(
      everything?.data.map((item) => item.id),
    );
  });

  it("keeps only executions inside [from, to], bounds included", () => {
    const newest = everything?.data[0]?.created_at ?? "";
    const newestMs = parseBolnaTimestamp(newest).getTime();
    expect(page(listing({ from: iso(newestMs + 1), to: iso(STARTED) }))?.total).toBe(0);
    expect(page(listing({ from: iso(STARTED - 30 * DAY), to: iso(STARTED - 20 * DAY) }))?.total).toBe(0);
    const onlyNewest = page(listing({ from: iso(newestMs), to: iso(STARTED) }));
    expect(onlyNewest?.data.map((item) => item.id)).toEqual([everything?.data[0]?.id]);
  });

  it("puts every execution in exactly one window of a 30-day export split into 7-day windows", () => {
    let seen = 0;
    for (let start = STARTED - 30 * DAY; start < STARTED; start += 7 * DAY + 1) {
      seen += page(listing({ from: iso(start), to: iso(Math.min(start + 7 * DAY, STARTED)) }))?.total ?? 0;
    }
    expect(seen).toBe(3);
  });

  it("leaves requests Prism will refuse, and every other operation, to Prism", () => {
    expect(page(listing({ from: "yesterday" }))).toBeUndefined();
    expect(page(listing({ page_number: 0 }))).toBeUndefined();
    expect(page(listing({ page_size: "two" }))).toBeUndefined();
    expect(isExecutionsListing("GET", listing({}))).toBe(true);
    expect(isExecutionsListing("POST", listing({}))).toBe(false);
    expect(isExecutionsListing("GET", new URL("http://127.0.0.1:4010/agent/a/executions"))).toBe(false);
    expect(isExecutionsListing("GET", new URL("http://127.0.0.1:4010/executions/e1"))).toBe(false);
  });
});
