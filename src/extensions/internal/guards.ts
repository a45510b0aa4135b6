/**
 * The value checks every module shares, so each is written once: what counts as a JSON-like object, and as an
 * integer in range (options such as `maxPages`, `maxRetries`, a rate limit, a page count).
 */

/** A non-null object that is not an array (a parsed JSON object, an options bag). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A number that is an integer from `min` to `max` inclusive (`NaN`, `Infinity` and fractions are not). */
export function isIntegerIn(value: unknown, min: number, max = Infinity): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}
