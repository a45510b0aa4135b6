/**
 * The argument checks a plain client does not need on every call: reading date-times, the near-miss test of open
 * filter values and the lax reading of form fields. `prepareArguments` takes them as a parameter, and the client
 * loads this module on the first operation that uses one (`usesArgumentRules`), so they stay out of the main bundle.
 */
export { assertWindow, toOffsetDateTime, toUtcIso } from "../datetime.js";
export { laxValue } from "./lax.js";
export { nearMiss } from "./near-miss.js";
