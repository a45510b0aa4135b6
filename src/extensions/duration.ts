/**
 * Reading call durations. `telephony_data.duration` and `transfer_call_data.duration` arrive as a string of digits
 * (`"69"`), a decimal string (`"0.0"` on busy Twilio calls), a number (`16`) or null, depending on where the record
 * came from; `parseBolnaDuration` turns any of them into seconds.
 *
 * Contract: a finite non-negative number is returned as is; a string of digits with an optional decimal part is
 * converted; null, undefined and `""` (not known yet) give null; anything else is a `BolnaInputError` naming the value,
 * rather than a `NaN` that would spread through sums.
 */
import { BolnaInputError } from "./errors.js";

const DECIMAL_SECONDS = /^\d+(\.\d+)?$/;

/** A call duration in seconds, or null when the record does not have one yet. */
export function parseBolnaDuration(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === "string" && DECIMAL_SECONDS.test(value)) return Number(value);
  throw new BolnaInputError(
    "duration",
    `Not a call duration: ${typeof value === "string" ? JSON.stringify(value) : String(value)}. ` +
      `Expected seconds as a number or a numeric string, e.g. 16, "69" or "0.0".`,
  );
}
