/**
 * Date-time handling at the edges of the API: what we send, what we read back, and date windows.
 *
 * Contract:
 * - Every date-time argument takes every form `parseBolnaTimestamp` reads (so a timestamp Bolna returned can be sent
 *   back as it is) and a `Date`: a string with `T` or a space, with or without seconds, with up to nine fraction
 *   digits, with `Z`/`z`, a numeric offset or no zone at all. A value without a zone means UTC, as Bolna writes it.
 *   It goes out in one canonical form:
 *   - `toUtcIso`, for `format: date-time` parameters such as `from`/`to`: `YYYY-MM-DDTHH:mm:ss.sssZ`, the instant in
 *     UTC (the form of Bolna's own examples). Digits beyond the millisecond are rounded outwards so that a window
 *     never loses a record: the start of a window down, its end up (`rounding: "up"`).
 *   - `toOffsetDateTime`, for body fields that must carry a numeric offset (Bolna answers HTTP 500 to `Z` on batch
 *     `scheduled_at`): `YYYY-MM-DDTHH:mm:ss[.ffffff]±hh:mm`, the caller's wall-clock time and fraction (up to the
 *     microsecond) with the caller's offset, `+00:00` for a `Date`, `Z` or no zone.
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
  /** The digits after the seconds' point, as written (`""` when there are none). */
  fraction: string;
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

  const zone = match[8];
  if (zone === undefined) return { date, zone: "naive", offsetMinutes: 0, fraction };
  if (zone === "Z" || zone === "z") return { date, zone: "utc", offsetMinutes: 0, fraction };
  const offsetHours = Number(zone.slice(1, 3));
  const offsetMinutes = Number(zone.slice(4, 6));
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const offset = (zone.startsWith("-") ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  return { date: new Date(date.getTime() - offset * MINUTE_MS), zone: "offset", offsetMinutes: offset, fraction };
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
    const fraction = String(value.getUTCMilliseconds()).padStart(3, "0");
    return { date: new Date(value.getTime()), zone: "utc", offsetMinutes: 0, fraction };
  }
  return typeof value === "string" ? parseDateTime(value) : undefined;
}

/** What a date-time argument may be, in words, for every refusal. */
const FORMS =
  'a Date or an ISO-8601 date and time such as "2026-06-05T10:00:00+05:30", "2026-06-05T04:30:00Z" or ' +
  '"2026-06-05T04:30:00.123456" (no zone means UTC)';

function refuse(field: string, value: unknown): never {
  throw new BolnaInputError(field, `${field} must be ${FORMS}; got ${describe(value)}.`);
}

const pad = (value: number, width = 2): string => String(value).padStart(width, "0");

/**
 * `value` as `YYYY-MM-DDTHH:mm:ss[.ffffff]±hh:mm`, for body fields Bolna mishandles with `Z`: the caller's offset is
 * kept; a `Date`, `Z` or no zone becomes `+00:00`. The fraction is the caller's, cut to the microsecond, and left out
 * when it is zero. `field` only names the argument in the error.
 */
export function toOffsetDateTime(value: Date | string, field = "scheduled_at"): string {
  const parsed = interpret(value);
  if (parsed === undefined) refuse(field, value);
  const { offsetMinutes } = parsed;
  // The wall-clock time at the caller's offset, read with the UTC getters.
  const local = new Date(parsed.date.getTime() + offsetMinutes * MINUTE_MS);
  // Milliseconds always in three digits, microseconds only when there are some.
  const digits = parsed.fraction.slice(0, 6).padEnd(3, "0");
  const fraction = /^0+$/.test(digits) ? "" : digits.replace(/^(\d{3}\d*?)0+$/, "$1");
  const magnitude = Math.abs(offsetMinutes);
  return (
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    // Whole seconds are sent without a fraction, the form Bolna's own examples use.
    `${fraction === "" ? "" : `.${fraction}`}` +
    `${offsetMinutes < 0 ? "-" : "+"}${pad(Math.floor(magnitude / 60))}:${pad(magnitude % 60)}`
  );
}

/** Which way an instant with digits beyond the millisecond goes: a window's start down, its end up. */
export type Rounding = "down" | "up";

/** `value` as a new `Date` (naive strings read as UTC), rounded to the millisecond as `rounding` says. */
export function toUtcDate(value: Date | string, field: string, rounding: Rounding = "down"): Date {
  const parsed = interpret(value);
  if (parsed === undefined) refuse(field, value);
  const beyondMillisecond = /[1-9]/.test(parsed.fraction.slice(3));
  return rounding === "up" && beyondMillisecond ? new Date(parsed.date.getTime() + 1) : parsed.date;
}

/** `value` as `YYYY-MM-DDTHH:mm:ss.sssZ`, the form Bolna's `from`/`to` query parameters take. */
export function toUtcIso(value: Date | string, field: string, rounding: Rounding = "down"): string {
  return toUtcDate(value, field, rounding).toISOString();
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
 * exactly `maxDays` is allowed). Returns the bounds as `Date`s, `from` rounded down and `to` up to the millisecond.
 */
export function assertWindow(
  from: Date | string,
  to: Date | string,
  maxDays: number,
  fields: WindowFields,
): { from: Date; to: Date } {
  const start = toUtcDate(from, fields.from);
  const end = toUtcDate(to, fields.to, "up");
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
