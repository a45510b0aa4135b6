/**
 * Ranges of time keys: the units of work of an export.
 *
 * Contract:
 * - A `KeyRange` is an inclusive range of keys (microseconds, see `keys.ts`). The ranges an export works on never
 *   overlap, so each record belongs to exactly one of them: the one that `contains` its key. A query for a range
 *   (`queryBounds`) may list a few records of the neighbouring ranges (its bounds are rounded outwards to the
 *   millisecond); whoever reads the answer keeps only what the range contains.
 * - `walkable`: the range starts on a whole millisecond, so a query can start exactly at it and a walk by time
 *   (see `walk.ts`) can count what is left below any point without counting a neighbour's records.
 * - `splitByTime(range, parts)` cuts a range into at most `parts` contiguous ranges of about equal duration, newest
 *   first, every cut on an odd whole millisecond (so every part but the oldest is walkable, and data aligned on
 *   round instants, such as whole seconds, does not sit on a cut). A range too short to cut comes back whole.
 */
import { ceilMs, floorMs, MICROS_PER_MS } from "./keys.js";

export interface KeyRange {
  /** First key in the range. */
  readonly lo: number;
  /** Last key in the range. */
  readonly hi: number;
}

export function contains(range: KeyRange, key: number): boolean {
  return key >= range.lo && key <= range.hi;
}

/** The `from`/`to` (milliseconds) of the narrowest query that lists every record of the range. */
export function queryBounds(range: KeyRange): { fromMs: number; toMs: number } {
  return { fromMs: floorMs(range.lo), toMs: ceilMs(range.hi) };
}

export function walkable(range: KeyRange): boolean {
  return range.lo % MICROS_PER_MS === 0;
}

export function splitByTime(range: KeyRange, parts: number): KeyRange[] {
  const cuts: number[] = [];
  let previous = range.lo;
  for (let i = 1; i < parts; i++) {
    let ms = floorMs(range.lo + Math.floor(((range.hi - range.lo) * i) / parts));
    if (ms % 2 === 0) ms += 1;
    const cut = ms * MICROS_PER_MS;
    if (cut <= previous || cut > range.hi) continue;
    cuts.push(cut);
    previous = cut;
  }
  const out: KeyRange[] = [];
  let hi = range.hi;
  for (let i = cuts.length - 1; i >= 0; i--) {
    const lo = cuts[i] as number;
    out.push({ lo, hi });
    hi = lo - 1;
  }
  out.push({ lo: range.lo, hi });
  return out;
}
