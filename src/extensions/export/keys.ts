/**
 * Time keys: where an execution sits on the export's time line, to the microsecond.
 *
 * Contract:
 * - `createdAtKey(item)` is the item's `created_at` as whole microseconds since the epoch (live values carry
 *   microseconds, e.g. `2026-01-28T13:17:50.116924`, naive meaning UTC), or `undefined` when it is missing or not a
 *   date-time Bolna sends. Digits below the microsecond are cut, as the server's own comparisons do.
 * - Query bounds go out with millisecond precision (the `from`/`to` form Bolna documents), so a range of keys is
 *   asked for with its bounds rounded outwards (`queryFromMs`, `queryToMs`) and the answer is filtered back to the
 *   range exactly. `isoMicros` writes a key for checkpoints (readable, exact); `parseIsoMicros` reads it back.
 *
 * Why microseconds: a millisecond holds several calls on a busy agent, and the export's page-by-time walk must know
 * whether two records are at the same instant or merely in the same millisecond.
 */
import { parseBolnaTimestamp } from "../datetime.js";

export const MICROS_PER_MS = 1_000;

/** The seconds' fraction digits of a date-time string: `parseBolnaTimestamp` keeps only the first three. */
const FRACTION = /:\d{2}\.(\d+)/;

/** Microseconds since the epoch of a date-time string Bolna sends (naive = UTC), or `undefined`. */
export function parseIsoMicros(value: string): number | undefined {
  let date: Date;
  try {
    date = parseBolnaTimestamp(value);
  } catch {
    return undefined;
  }
  const digits = FRACTION.exec(value)?.[1] ?? "";
  const micros = Number(digits.slice(3, 6).padEnd(3, "0"));
  return date.getTime() * MICROS_PER_MS + micros;
}

/** The `created_at` of a listed item as a key, or `undefined` when it has none the export can use. */
export function createdAtKey(item: unknown): number | undefined {
  if (typeof item !== "object" || item === null) return undefined;
  const { created_at: createdAt } = item as { created_at?: unknown };
  return typeof createdAt === "string" ? parseIsoMicros(createdAt) : undefined;
}

/** `2026-01-28T13:17:50.116924Z`: a key, exactly. */
export function isoMicros(key: number): string {
  const ms = Math.floor(key / MICROS_PER_MS);
  const below = key - ms * MICROS_PER_MS;
  return `${new Date(ms).toISOString().slice(0, -1)}${String(below).padStart(3, "0")}Z`;
}

/** The millisecond holding `key` (the latest whole millisecond not after it). */
export function floorMs(key: number): number {
  return Math.floor(key / MICROS_PER_MS);
}

/** The first whole millisecond not before `key`. */
export function ceilMs(key: number): number {
  return Math.ceil(key / MICROS_PER_MS);
}

/** `YYYY-MM-DDTHH:mm:ss.sssZ`, the form `from`/`to` are sent in. */
export function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}
