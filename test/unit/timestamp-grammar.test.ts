/**
 * One truth for timestamps: the spec's `Timestamp` pattern (what response validation, the mock and the webhook
 * validator accept) and `parseBolnaTimestamp` (what users read values with) accept the same strings. The only
 * difference allowed is the calendar check a regular expression cannot make: a day past the end of its month.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseBolnaTimestamp } from "../../src/index.js";

const spec = JSON.parse(readFileSync(new URL("../../src/generated/openapi.json", import.meta.url), "utf8")) as {
  components: { schemas: { Timestamp: { pattern: string } } };
};
const pattern = new RegExp(spec.components.schemas.Timestamp.pattern, "u");

function parses(value: string): boolean {
  try {
    parseBolnaTimestamp(value);
    return true;
  } catch {
    return false;
  }
}

/** True for a well-formed date whose day does not exist in its month (30 February, 31 April, 29 February 2025). */
function pastMonthEnd(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split("-").map(Number) as [number, number, number];
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0);
  return day > daysInMonth;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const years = ["2024", "2025", "0000", "1900"];
const months = ["00", "01", "02", "04", "12", "13"];
const days = ["00", "01", "28", "29", "30", "31", "32"];
const separators = ["T", "t", " ", "_", ""];
const times = [
  "00:00",
  "23:59",
  "24:00",
  "12:60",
  "12:30:59",
  "12:30:60",
  "12:30:15.1",
  "12:30:15.123456789",
  "12:30:15.1234567890",
  "12:30.5",
  "7:30",
];
const zones = ["", "Z", "z", "+00:00", "-05:30", "+23:59", "+24:00", "+05:60", "+0530", " UTC"];

const corpus = years.flatMap((y) =>
  months.flatMap((m) =>
    days.flatMap((d) =>
      separators.flatMap((s) => times.flatMap((t) => zones.map((z) => `${y}-${m}-${d}${s}${t}${z}`))),
    ),
  ),
);

describe("the Timestamp pattern and parseBolnaTimestamp", () => {
  it("accept the same strings, except days past the end of their month, which only the parser can refuse", () => {
    // Each string is matched and parsed once. A refusal throws, and capturing the stack of ~86,000 errors no one
    // reads was most of this test's time, so none is captured meanwhile.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    let verdicts: Array<{ value: string; matches: boolean; parses: boolean }>;
    try {
      verdicts = corpus.map((value) => ({ value, matches: pattern.test(value), parses: parses(value) }));
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    const disagreements = verdicts.filter((verdict) => verdict.matches !== verdict.parses);
    expect(disagreements.filter(({ value, matches }) => !(matches && pastMonthEnd(value)))).toEqual([]);
    // The exception is real and exercised: the pattern lets them through, the parser does not.
    expect(disagreements.length).toBeGreaterThan(0);
    expect(disagreements.every((verdict) => verdict.matches && !verdict.parses)).toBe(true);
    // And the corpus is not trivially one-sided.
    const accepted = verdicts.filter((verdict) => verdict.parses).length;
    expect(accepted).toBeGreaterThan(1000);
    expect(corpus.length - accepted).toBeGreaterThan(1000);
  });

  it.each([
    ["a live value (naive, microseconds)", "2026-01-28T13:17:50.116924", "2026-01-28T13:17:50.116Z"],
    ["Python's str(datetime) form", "2026-01-28 13:17:50.116924", "2026-01-28T13:17:50.116Z"],
    ["no seconds", "2026-01-28T13:17", "2026-01-28T13:17:00.000Z"],
    ["an offset", "2026-01-28T18:47:50+05:30", "2026-01-28T13:17:50.000Z"],
  ])("both read %s", (_label, value, iso) => {
    expect(pattern.test(value)).toBe(true);
    expect(parseBolnaTimestamp(value).toISOString()).toBe(iso);
  });

  it.each(["2024-02-29T04:22:89Z", "2026-01-28T24:00:00", "2026-13-01T00:00:00", "2026-01-28T13:17:50+24:00"])(
    "both refuse %s",
    (value) => {
      expect(pattern.test(value)).toBe(false);
      expect(parses(value)).toBe(false);
    },
  );
});
