/**
 * Date-time handling at the edges of the API: what we send, what we read back, and date windows.
 *
 * Contract:
 * - Every date-time the client sends goes out in one canonical form, whatever the caller passed (a `Date`, or a
 *   string with `T` or a space, with or without seconds, `Z`/`z` or a numeric offset):
 *   - `toUtcIso`, for `format: date-time` parameters such as `from`/`to`: `YYYY-MM-DDTHH:mm:ss.sssZ`, the instant in
 *     UTC (the form of Bolna's own examples). Strings must say which instant they mean (`Z` or an offset):
 *     JavaScript reads a naive string as *local* time, Bolna as UTC.
 *   - `toOffsetDateTime`, for body fields that must carry a numeric offset (Bolna answers HTTP 500 to `Z` on batch
 *     `scheduled_at`): `YYYY-MM-DDTHH:mm:ss[.sss]±hh:mm`, keeping the caller's offset, `+00:00` for a `Date` or `Z`;
 *     milliseconds only when there are some. A string without any offset is refused.
 *   - The client sends milliseconds: a string with non-zero digits beyond them is refused rather than silently moved
 *     (and a window is checked on exactly the instants sent).
 * - `parseBolnaTimestamp`: reads what Bolna sends: naive (taken as UTC), `Z` or `±hh:mm`, with up to nanosecond
 *   digits (live values have microseconds), truncated to the millisecond a `Date` holds.
 * - `assertWindow` refuses a window that is reversed or wider than `maxDays`, naming both fields and the limit;
 *   `splitWindow` cuts a range into contiguous windows of at most `maxDays` that share their boundary instants.
 * Every accepted string is checked field by field (no 30 February, no second 89), not just by `Date.parse`.
 */
import { BolnaInputError } from "./errors.js";

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Date, `T` (or a space, as Python's `str(datetime)` writes), time with optional seconds and fraction, zone. */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:\d{2})?$/;

type Zone = "utc" | "offset" | "naive";

interface ParsedDateTime {
  /** The instant, truncated to the millisecond. */
  date: Date;
  zone: Zone;
  /** The UTC offset in minutes (0 for `utc` and `naive`). */
  offsetMinutes: number;
  /** True when the fraction had non-zero digits beyond the millisecond. */
  subMillisecond: boolean;
}

/** The instant a string names (naive strings read as UTC) and which kind of zone it had; `undefined` if invalid. */
function parseDateTime(value: string): ParsedDateTime | undefined {
  const match = ISO_DATE_TIME.exec(value);
  if (match === null) return undefined;
  const part = (index: number): number => Number(match[index] ?? 0);
  const [year, month, day, hour, minute, second] = [part(1), part(2), part(3), part(4), part(5), part(6)];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = match[7] ?? "";
  // Truncate rather than round, so a parsed instant never lands after the one the server stored.
  const millis = Number(fraction.slice(0, 3).padEnd(3, "0"));
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not turn years 0–99 into 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  // A day past the month's end rolls over into the next month; the round trip catches it.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  const subMillisecond = /[1-9]/.test(fraction.slice(3));

  const zone = match[8];
  if (zone === undefined) return { date, zone: "naive", offsetMinutes: 0, subMillisecond };
  if (zone === "Z" || zone === "z") return { date, zone: "utc", offsetMinutes: 0, subMillisecond };
  const offsetHours = Number(zone.slice(1, 3));
  const offsetMinutes = Number(zone.slice(4, 6));
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const offset = (zone.startsWith("-") ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  return { date: new Date(date.getTime() - offset * MINUTE_MS), zone: "offset", offsetMinutes: offset, subMillisecond };
}

function describe(value: unknown): string {
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? "an invalid Date" : `a Date in year ${value.getUTCFullYear()}`;
  return typeof value === "string" ? JSON.stringify(value) : typeof value;
}

/**
 * A valid `Date` (years 0–9999, which ISO-8601 writes in four digits) as a `utc` instant, a string as parsed;
 * `undefined` for anything else.
 */
function interpret(value: Date | string): ParsedDateTime | undefined {
  if (value instanceof Date) {
    const year = value.getUTCFullYear();
    if (Number.isNaN(year) || year < 0 || year > 9999) return undefined;
    return { date: new Date(value.getTime()), zone: "utc", offsetMinutes: 0, subMillisecond: false };
  }
  return typeof value === "string" ? parseDateTime(value) : undefined;
}

/** Why a parsed value is refused, or `undefined` when it can be sent; `needsZone` refuses naive strings. */
function problemWith(parsed: ParsedDateTime | undefined, needsZone: string): string | undefined {
  if (parsed === undefined) return "";
  if (parsed.zone === "naive") return needsZone;
  if (parsed.subMillisecond)
    return " (it has digits beyond the millisecond; the client sends milliseconds, so round it)";
  return undefined;
}

const pad = (value: number, width = 2): string => String(value).padStart(width, "0");

/**
 * `value` as `YYYY-MM-DDTHH:mm:ss[.sss]±hh:mm`, for body fields Bolna mishandles with `Z`: the caller's offset is
 * kept, a `Date` or `Z` becomes `+00:00`. `field` only names the argument in the error.
 */
export function toOffsetDateTime(value: Date | string, field = "scheduled_at"): string {
  const parsed = interpret(value);
  const problem = problemWith(parsed, " (it has no UTC offset, so the instant it means is ambiguous)");
  if (parsed === undefined || problem !== undefined) {
    throw new BolnaInputError(
      field,
      `${field} must be a Date or an ISO-8601 date-time with a UTC offset, e.g. "2026-06-05T10:00:00+05:30", ` +
        `or with Z, which is sent as +00:00; got ${describe(value)}${problem ?? ""}.`,
    );
  }
  const { offsetMinutes } = parsed;
  // The wall-clock time at the caller's offset, read with the UTC getters.
  const local = new Date(parsed.date.getTime() + offsetMinutes * MINUTE_MS);
  const millis = local.getUTCMilliseconds();
  const magnitude = Math.abs(offsetMinutes);
  return (
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    // Whole seconds are sent without ".000", the form Bolna's own examples use.
    `${millis === 0 ? "" : `.${pad(millis, 3)}`}` +
    `${offsetMinutes < 0 ? "-" : "+"}${pad(Math.floor(magnitude / 60))}:${pad(magnitude % 60)}`
  );
}

/** `value` as a new `Date`, for query parameters that Bolna reads as UTC; naive strings are refused. */
export function toUtcDate(value: Date | string, field: string): Date {
  const parsed = interpret(value);
  const problem = problemWith(parsed, " (without Z or an offset, JavaScript and Bolna read it differently)");
  if (parsed !== undefined && problem === undefined) return parsed.date;
  throw new BolnaInputError(
    field,
    `${field} must be a Date or an ISO-8601 date-time with Z or a UTC offset, e.g. "2026-01-28T13:17:50Z"; ` +
      `got ${describe(value)}${problem ?? ""}.`,
  );
}

/** `value` as `YYYY-MM-DDTHH:mm:ss.sssZ`, the form Bolna's `from`/`to` query parameters take. */
export function toUtcIso(value: Date | string, field: string): string {
  return toUtcDate(value, field).toISOString();
}

/** A timestamp as Bolna sends it (`2026-01-28T13:17:50.116924`, `…Z`, `…+05:30`); naive means UTC. */
export function parseBolnaTimestamp(value: string): Date {
  const parsed = parseDateTime(value);
  if (parsed === undefined) {
    throw new BolnaInputError(
      "timestamp",
      `Not an ISO-8601 date-time: ${describe(value)}. Expected e.g. "2026-01-28T13:17:50.116924", ` +
        `"2026-01-28T13:17:50Z" or "2026-01-28T13:17:50+05:30".`,
    );
  }
  return parsed.date;
}

/** Names of the two bounds, as the caller knows them (query parameters `from`/`to`, export options, …). */
export interface WindowFields {
  from: string;
  to: string;
}

/** `maxDays` in milliseconds, refusing a limit that is not a positive number or is under a millisecond. */
function maxSpanMs(maxDays: number): number {
  const ms = Math.floor(maxDays * DAY_MS);
  if (!Number.isFinite(ms) || ms < 1) {
    throw new BolnaInputError("maxDays", `The window limit must be a positive number of days; got ${maxDays}.`);
  }
  return ms;
}

function assertOrdered(from: Date, to: Date, fields: WindowFields): void {
  if (from.getTime() > to.getTime()) {
    throw new BolnaInputError(
      fields.from,
      `${fields.from} (${from.toISOString()}) must not be later than ${fields.to} (${to.toISOString()}).`,
    );
  }
}

/**
 * Refuses a window Bolna would reject: `from` after `to`, or wider than `maxDays` (both bounds inclusive, so
 * exactly `maxDays` is allowed). Returns the bounds as `Date`s.
 */
export function assertWindow(
  from: Date | string,
  to: Date | string,
  maxDays: number,
  fields: WindowFields,
): { from: Date; to: Date } {
  const start = toUtcDate(from, fields.from);
  const end = toUtcDate(to, fields.to);
  assertOrdered(start, end, fields);
  const span = end.getTime() - start.getTime();
  if (span > maxSpanMs(maxDays)) {
    throw new BolnaInputError(
      fields.to,
      `The window from ${fields.from} (${start.toISOString()}) to ${fields.to} (${end.toISOString()}) spans ` +
        `${Number((span / DAY_MS).toFixed(2))} days; Bolna allows at most ${maxDays} days per request. ` +
        `Narrow it, or use exportExecutions(), which splits any range into ${maxDays}-day windows.`,
    );
  }
  return { from: start, to: end };
}

/**
 * Cuts [from, to] into windows of at most `maxDays`, in order. Each window starts at the instant the previous one
 * ends (Bolna's bounds are inclusive, so nothing between two windows is lost; a record exactly on a boundary is
 * listed by both, and the caller must drop the repeat). `from === to` gives one zero-length window.
 */
export function splitWindow(from: Date, to: Date, maxDays: number): Array<{ from: Date; to: Date }> {
  const fields = { from: "from", to: "to" };
  const start = toUtcDate(from, fields.from);
  const end = toUtcDate(to, fields.to);
  assertOrdered(start, end, fields);
  const step = maxSpanMs(maxDays);
  const windows: Array<{ from: Date; to: Date }> = [];
  let cursor = start.getTime();
  do {
    const next = Math.min(cursor + step, end.getTime());
    windows.push({ from: new Date(cursor), to: new Date(next) });
    cursor = next;
  } while (cursor < end.getTime());
  return windows;
}
