import { describe, expect, it } from "vitest";
import {
  assertWindow,
  parseBolnaTimestamp,
  splitWindow,
  toOffsetDateTime,
  toUtcDate,
  toUtcIso,
} from "../../src/extensions/datetime.js";
import { BolnaInputError } from "../../src/extensions/errors.js";

const DAY = 86_400_000;
const at = (iso: string): Date => new Date(iso);

function inputError(run: () => unknown): BolnaInputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BolnaInputError);
    return error as BolnaInputError;
  }
  throw new Error("expected a BolnaInputError");
}

describe("toOffsetDateTime (scheduled_at)", () => {
  it("sends a Date as the same instant with +00:00, keeping milliseconds only when there are some", () => {
    expect(toOffsetDateTime(at("2026-06-05T04:10:00Z"))).toBe("2026-06-05T04:10:00+00:00");
    expect(toOffsetDateTime(at("2026-06-05T04:10:00.250Z"))).toBe("2026-06-05T04:10:00.250+00:00");
  });

  it("rewrites a Z (or z) suffix to +00:00, in the canonical form", () => {
    expect(toOffsetDateTime("2024-06-04T22:40:00.000Z")).toBe("2024-06-04T22:40:00+00:00");
    expect(toOffsetDateTime("2024-06-04T22:40:00.123000z")).toBe("2024-06-04T22:40:00.123+00:00");
    expect(toOffsetDateTime("2024-06-04 22:40z")).toBe("2024-06-04T22:40:00+00:00");
  });

  it("keeps a numeric offset and the wall-clock time at it", () => {
    expect(toOffsetDateTime("2024-06-05T04:10:00+05:30")).toBe("2024-06-05T04:10:00+05:30");
    expect(toOffsetDateTime("2024-06-05T04:10:00-08:00")).toBe("2024-06-05T04:10:00-08:00");
    expect(toOffsetDateTime("2024-06-05 04:10:00.5+05:30")).toBe("2024-06-05T04:10:00.500+05:30");
    expect(toOffsetDateTime("2024-06-05T00:10-00:30")).toBe("2024-06-05T00:10:00-00:30");
  });

  it("keeps the caller's fraction up to the microsecond, never moving the instant", () => {
    expect(toOffsetDateTime("2024-06-04T22:40:00.123456z")).toBe("2024-06-04T22:40:00.123456+00:00");
    expect(toOffsetDateTime("2024-06-04T22:40:00.123000000+00:00")).toBe("2024-06-04T22:40:00.123+00:00");
    expect(toOffsetDateTime("2024-06-04T22:40:00.1234567+05:30")).toBe("2024-06-04T22:40:00.123456+05:30");
  });

  it("sends a time without a zone as UTC, with +00:00 (as Bolna writes its own timestamps)", () => {
    expect(toOffsetDateTime("2024-06-05T04:10:00")).toBe("2024-06-05T04:10:00+00:00");
    expect(toOffsetDateTime("2025-06-01T10:00:00.123456")).toBe("2025-06-01T10:00:00.123456+00:00");
    expect(toOffsetDateTime("2025-06-01 10:00:00.123456")).toBe("2025-06-01T10:00:00.123456+00:00");
  });

  it("says what is allowed in words with examples, never as a pattern", () => {
    const error = inputError(() => toOffsetDateTime("next tuesday"));
    expect(error.field).toBe("scheduled_at");
    expect(error.message).toContain('"2026-06-05T10:00:00+05:30"');
    expect(error.message).toContain("no zone means UTC");
    expect(error.message).not.toMatch(/[\\^$]|\\d|\[0-9/);
  });

  it.each([
    ["impossible second (the docs' own typo)", "2024-02-29T04:22:89Z"],
    ["30 February", "2026-02-30T10:00:00+00:00"],
    ["hour 24", "2026-01-01T24:00:00Z"],
    ["offset hours out of range", "2026-01-01T10:00:00+24:00"],
    ["not a date", "tomorrow at noon"],
    ["date only", "2026-01-01"],
  ])("refuses %s", (_label, value) => {
    expect(inputError(() => toOffsetDateTime(value)).message).toContain(JSON.stringify(value));
  });

  it("refuses an invalid Date and names the field it was given", () => {
    const error = inputError(() => toOffsetDateTime(new Date(Number.NaN), "when"));
    expect(error.field).toBe("when");
    expect(error.message).toContain("invalid Date");
  });
});

describe("toUtcIso / toUtcDate (from/to query parameters)", () => {
  it("converts offsets and Dates to UTC with Z", () => {
    expect(toUtcIso("2026-01-28T18:47:50+05:30", "from")).toBe("2026-01-28T13:17:50.000Z");
    expect(toUtcIso(at("2026-01-28T13:17:50.116Z"), "from")).toBe("2026-01-28T13:17:50.116Z");
    expect(toUtcIso("2026-01-28 13:17Z", "from")).toBe("2026-01-28T13:17:00.000Z");
  });

  it("returns a copy of a Date, so the caller cannot move a frozen bound later", () => {
    const input = at("2026-01-01T00:00:00Z");
    const copy = toUtcDate(input, "to");
    input.setUTCFullYear(2030);
    expect(copy.toISOString()).toBe("2026-01-01T00:00:00.000Z");
  });

  it("reads every form parseBolnaTimestamp reads, a time without a zone as UTC", () => {
    for (const value of [
      "2025-06-01T10:00:00.123456",
      "2025-06-01T10:00:00.123456Z",
      "2025-06-01T10:00:00.123456+00:00",
      "2025-06-01 10:00:00.123456",
      "2025-06-01T15:30:00.123456+05:30",
    ]) {
      expect(toUtcIso(value, "from"), value).toBe("2025-06-01T10:00:00.123Z");
      expect(toUtcIso(value, "to", "up"), value).toBe("2025-06-01T10:00:00.124Z");
    }
  });

  it("rounds to the millisecond outwards only when there are digits beyond it", () => {
    expect(toUtcIso("2025-06-01T10:00:00.123000", "to", "up")).toBe("2025-06-01T10:00:00.123Z");
    expect(toUtcIso("2025-06-01T10:00:00.999999", "to", "up")).toBe("2025-06-01T10:00:01.000Z");
    expect(toUtcIso("2025-06-01T10:00:00.000001", "from")).toBe("2025-06-01T10:00:00.000Z");
    expect(toUtcIso(at("2025-06-01T10:00:00.123Z"), "to", "up")).toBe("2025-06-01T10:00:00.123Z");
  });

  it("refuses what is no date and time, in words", () => {
    const error = inputError(() => toUtcIso("2026-02-30T13:17:50", "to"));
    expect(error.field).toBe("to");
    expect(error.message).toContain("no zone means UTC");
  });
});

describe("parseBolnaTimestamp", () => {
  it("reads a naive microsecond timestamp as UTC, truncating to the millisecond", () => {
    expect(parseBolnaTimestamp("2026-01-28T13:17:50.116924").toISOString()).toBe("2026-01-28T13:17:50.116Z");
  });

  it("reads Z and offsets", () => {
    expect(parseBolnaTimestamp("2026-01-28T13:17:50Z").toISOString()).toBe("2026-01-28T13:17:50.000Z");
    expect(parseBolnaTimestamp("2026-01-28T18:47:50.5+05:30").toISOString()).toBe("2026-01-28T13:17:50.500Z");
    expect(parseBolnaTimestamp("2026-01-28T08:17:50-05:00").toISOString()).toBe("2026-01-28T13:17:50.000Z");
  });

  it("keeps years below 100 as they are", () => {
    expect(parseBolnaTimestamp("0099-12-31T23:59:59").getUTCFullYear()).toBe(99);
  });

  it("refuses what is not a timestamp", () => {
    expect(inputError(() => parseBolnaTimestamp("2024-02-29T04:22:89Z")).message).toContain("Not an ISO-8601");
  });
});

describe("assertWindow", () => {
  const fields = { from: "from", to: "to" };

  it("accepts exactly the limit and returns the bounds as Dates", () => {
    const window = assertWindow("2026-01-01T00:00:00Z", at("2026-01-08T00:00:00Z"), 7, fields);
    expect(window.to.getTime() - window.from.getTime()).toBe(7 * DAY);
  });

  it("refuses a window one millisecond over the limit, naming both fields and the limit", () => {
    const error = inputError(() => assertWindow("2026-01-01T00:00:00Z", "2026-01-08T00:00:00.001Z", 7, fields));
    expect(error.message).toContain("from (2026-01-01T00:00:00.000Z)");
    expect(error.message).toContain("to (2026-01-08T00:00:00.001Z)");
    expect(error.message).toContain("at most 7 days");
    expect(error.message).toContain("exportExecutions");
  });

  it("refuses from after to", () => {
    const error = inputError(() => assertWindow("2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z", 7, fields));
    expect(error.field).toBe("from");
    expect(error.message).toContain("must not be later than to");
  });

  it("uses the caller's field names", () => {
    const error = inputError(() =>
      assertWindow("2026-01-01T00:00:00Z", "2026-01-31T00:00:00Z", 7, { from: "start_time", to: "end_time" }),
    );
    expect(error.message).toContain("start_time");
    expect(error.message).toContain("end_time");
    expect(error.message).toContain("spans 30 days");
  });

  it("refuses a limit that is not a positive number", () => {
    expect(inputError(() => assertWindow("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", 0, fields)).field).toBe(
      "maxDays",
    );
  });
});

describe("splitWindow", () => {
  const iso = (windows: Array<{ from: Date; to: Date }>) =>
    windows.map((w) => [w.from.toISOString(), w.to.toISOString()]);

  it("keeps a range of exactly 7 days as one window", () => {
    expect(iso(splitWindow(at("2026-01-01T00:00:00Z"), at("2026-01-08T00:00:00Z"), 7))).toEqual([
      ["2026-01-01T00:00:00.000Z", "2026-01-08T00:00:00.000Z"],
    ]);
  });

  it("cuts a longer range into contiguous windows that share their boundaries, the last one shorter", () => {
    expect(iso(splitWindow(at("2026-01-01T00:00:00Z"), at("2026-01-20T12:00:00Z"), 7))).toEqual([
      ["2026-01-01T00:00:00.000Z", "2026-01-08T00:00:00.000Z"],
      ["2026-01-08T00:00:00.000Z", "2026-01-15T00:00:00.000Z"],
      ["2026-01-15T00:00:00.000Z", "2026-01-20T12:00:00.000Z"],
    ]);
  });

  it("splits 7 days and 1 ms into a full window and a 1 ms one", () => {
    const windows = splitWindow(at("2026-01-01T00:00:00Z"), at("2026-01-08T00:00:00.001Z"), 7);
    expect(windows.map((w) => w.to.getTime() - w.from.getTime())).toEqual([7 * DAY, 1]);
  });

  it("keeps a range under a day as one window", () => {
    expect(iso(splitWindow(at("2026-01-01T10:00:00Z"), at("2026-01-01T11:30:00Z"), 7))).toEqual([
      ["2026-01-01T10:00:00.000Z", "2026-01-01T11:30:00.000Z"],
    ]);
  });

  it("gives one zero-length window when from equals to", () => {
    expect(splitWindow(at("2026-01-01T00:00:00Z"), at("2026-01-01T00:00:00Z"), 7)).toHaveLength(1);
  });

  it("covers a long range exactly, each window within the limit", () => {
    const from = at("2025-01-01T00:00:00Z");
    const to = at("2026-01-01T07:13:00.123Z");
    const windows = splitWindow(from, to, 7);
    expect(windows[0]?.from.getTime()).toBe(from.getTime());
    expect(windows.at(-1)?.to.getTime()).toBe(to.getTime());
    windows.forEach((w, i) => {
      expect(w.to.getTime() - w.from.getTime()).toBeLessThanOrEqual(7 * DAY);
      if (i > 0) expect(w.from.getTime()).toBe(windows[i - 1]?.to.getTime());
    });
    expect(windows).toHaveLength(53);
  });

  it("refuses from after to", () => {
    expect(inputError(() => splitWindow(at("2026-01-02T00:00:00Z"), at("2026-01-01T00:00:00Z"), 7)).message).toContain(
      "must not be later than",
    );
  });
});
