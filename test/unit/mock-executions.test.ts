import { describe, expect, it } from "vitest";
import { EXAMPLE_EXECUTIONS_AGE_MS, executionsExample } from "../../src/mock/executions.js";

const NOW = Date.parse("2026-11-28T12:00:00Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const LISTING = "http://127.0.0.1:4010/v2/agent/3c90c3cc-0d44-4b50-8888-8dd25736052a/executions";

function listing(query: Record<string, string | number>): URL {
  const url = new URL(LISTING);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, String(value));
  return url;
}

const iso = (ms: number): string => new Date(ms).toISOString();

describe("executionsExample (which named example the mock answers for an execution listing)", () => {
  it("gives the two-page listing to a window that holds the examples' instant, then empty pages", () => {
    const window = { from: iso(NOW - 7 * DAY), to: iso(NOW) };
    expect(executionsExample("GET", listing(window), NOW)).toBe("firstPage");
    expect(executionsExample("GET", listing({ ...window, page_number: 1 }), NOW)).toBe("firstPage");
    expect(executionsExample("GET", listing({ ...window, page_number: 2 }), NOW)).toBe("lastPage");
    expect(executionsExample("GET", listing({ ...window, page_number: 3 }), NOW)).toBe("emptyPage");
  });

  it("answers every other window with the empty page, whatever the page", () => {
    const happened = NOW - EXAMPLE_EXECUTIONS_AGE_MS;
    const before = { from: iso(happened - 7 * DAY), to: iso(happened - 1) };
    const after = { from: iso(happened + 1), to: iso(NOW) };
    for (const window of [before, after]) {
      expect(executionsExample("GET", listing(window), NOW)).toBe("emptyPage");
      expect(executionsExample("GET", listing({ ...window, page_number: 2 }), NOW)).toBe("emptyPage");
    }
  });

  it("puts the examples in exactly one window of a 30-day export split into 7-day windows", () => {
    const windows: Array<{ from: number; to: number }> = [];
    for (let start = NOW - 30 * DAY; start < NOW; start += 7 * DAY) windows.push({ from: start, to: Math.min(start + 7 * DAY, NOW) });
    const firstPages = windows.map((w) => executionsExample("GET", listing({ from: iso(w.from), to: iso(w.to) }), NOW));
    expect(firstPages).toEqual(["emptyPage", "emptyPage", "emptyPage", "emptyPage", "firstPage"]);
  });

  it("reads bounds with a numeric offset, and a missing bound as open", () => {
    expect(executionsExample("GET", listing({ from: "2026-11-28T16:00:00+05:30" }), NOW)).toBe("firstPage");
    expect(executionsExample("GET", listing({ to: "2026-11-28T10:59:59+00:00" }), NOW)).toBe("emptyPage");
    expect(executionsExample("GET", listing({}), NOW)).toBe("firstPage");
  });

  it("leaves requests Prism will refuse, and every other operation, to Prism", () => {
    expect(executionsExample("GET", listing({ from: "yesterday" }), NOW)).toBeUndefined();
    expect(executionsExample("GET", listing({ page_number: 0 }), NOW)).toBeUndefined();
    expect(executionsExample("GET", listing({ page_number: "two" }), NOW)).toBeUndefined();
    expect(executionsExample("POST", listing({}), NOW)).toBeUndefined();
    expect(executionsExample("GET", new URL("http://127.0.0.1:4010/agent/a/executions"), NOW)).toBeUndefined();
    expect(executionsExample("GET", new URL("http://127.0.0.1:4010/executions/e1"), NOW)).toBeUndefined();
  });
});
