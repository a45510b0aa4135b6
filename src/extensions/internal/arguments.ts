/**
 * Checks a generated method's flat argument object against the operation's field rules and splits it into
 * openapi-fetch's `{ path, query, body }`, before anything is sent.
 *
 * Every refusal is a `BolnaInputError` naming the field, what was wrong and what is allowed. The checks are
 * the ones the spec can state (required, type, enum, minimum/maximum, pattern, unknown names) plus the ones the
 * live API or the URL parser punishes: a date window wider than `x-bolna-max-window` (rejected by Bolna), and a path
 * parameter `.` or `..` (the URL would resolve it to another route). Date-times accept a `Date` or any string
 * `parseBolnaTimestamp` reads and are sent in one canonical form (see `datetime.ts`), e.g. a `Z`-suffixed
 * `scheduled_at` (answered with HTTP 500) is rewritten to `+00:00`; the end of a window is rounded up to the
 * millisecond, everything else down. An open list of values (`x-bolna-other-values`) lets any value through except
 * a near miss of a known one (`"complete"`), which would silently match nothing. A pattern is explained in words.
 * In a `multipart/form-data` body every field is text, so a number or boolean field also takes the text the server
 * reads as one (`"true"`, `"512"`; see `lax.ts`), sent as given.
 *
 * Only the argument object's own properties count: an inherited one is neither sent nor enough for a required
 * parameter, and an own `__proto__` key is refused.
 */
import { isObject } from "./guards.js";
import type { Rounding } from "../datetime.js";
import { BolnaInputError } from "../errors.js";
import type * as Rules from "./argument-rules.js";
import type { FieldRule, OperationMetadata } from "./metadata.js";

/**
 * The checks only some operations need (date-times, near misses of open values, form text): the caller passes them
 * (`./argument-rules.ts`), so a client can load them on the first such call instead of carrying them from the start.
 */
export type ArgumentRules = typeof Rules;

/** Whether `prepareArguments` needs the `ArgumentRules` for this operation. */
export function usesArgumentRules(meta: OperationMetadata): boolean {
  return (
    meta.maxWindow !== undefined ||
    meta.body?.mediaType === "multipart/form-data" ||
    meta.fields.some((rule) => rule.dateTime !== undefined || rule.knownValues !== undefined)
  );
}

function rulesFor(meta: OperationMetadata, rules: ArgumentRules | undefined): ArgumentRules {
  if (rules === undefined) throw new Error(`${meta.operationId}: the argument rules were not passed`);
  return rules;
}

export interface SplitArguments {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  body: Record<string, unknown> | undefined;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? "invalid" : value.toISOString()})`;
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  return Array.isArray(value) ? "an array" : typeof value;
}

/**
 * Each spec `pattern` compiled once rather than on every call (the spec has a handful, so the map stays small;
 * a RegExp without `g`/`y` keeps no state between `test`s, so sharing one is safe).
 */
const patterns = new Map<string, RegExp>();

function compiledPattern(source: string): RegExp {
  let pattern = patterns.get(source);
  if (pattern === undefined) {
    pattern = new RegExp(source, "u");
    patterns.set(source, pattern);
  }
  return pattern;
}

function fail(operationId: string, field: string, problem: string): never {
  throw new BolnaInputError(field, `${operationId}: \`${field}\` ${problem}`);
}

/** How one field is read: whether text stands for numbers and booleans (a form), which way a date-time rounds. */
interface Reading {
  readonly lax: boolean;
  readonly rounding: Rounding;
}

function typeMatches(rule: FieldRule, value: unknown): boolean {
  switch (rule.type) {
    case undefined:
      return true;
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "array":
      return Array.isArray(value);
    case "object":
      return isObject(value);
    case "string":
      return typeof value === "string" || (rule.dateTime !== undefined && value instanceof Date);
    default:
      return typeof value === rule.type;
  }
}

/** The value the checks below look at: the value itself, or the number or boolean a form's text stands for. */
function checkType(
  meta: OperationMetadata,
  rule: FieldRule,
  value: unknown,
  reading: Reading,
  rules?: ArgumentRules,
): unknown {
  const { operationId } = meta;
  if (typeMatches(rule, value)) return value;
  const coerced =
    reading.lax && rule.type !== undefined ? rulesFor(meta, rules).laxValue(value, [rule.type]) : undefined;
  if (coerced !== undefined) return coerced;
  const what = rule.type === "integer" ? "an integer" : `a ${rule.type}`;
  return fail(operationId, rule.name, `must be ${what}, got ${describe(value)}.`);
}

function checkValue(
  meta: OperationMetadata,
  rule: FieldRule,
  input: unknown,
  reading: Reading,
  rules?: ArgumentRules,
): unknown {
  const { operationId } = meta;
  if (input === null) {
    if (rule.nullable) return input;
    fail(operationId, rule.name, "must not be null.");
  }
  const value = checkType(meta, rule, input, reading, rules);
  if (rule.dateTime) {
    const { toOffsetDateTime, toUtcIso } = rulesFor(meta, rules);
    try {
      const dateTime = value as string | Date;
      return rule.dateTime === "offset"
        ? toOffsetDateTime(dateTime, rule.name)
        : toUtcIso(dateTime, rule.name, reading.rounding);
    } catch (error) {
      // Its message already names the field and what is allowed; add which call it was.
      throw new BolnaInputError(rule.name, `${operationId}: ${(error as Error).message}`);
    }
  }
  if (rule.enum && !rule.enum.includes(value as string)) {
    fail(
      operationId,
      rule.name,
      `must be one of ${rule.enum.map((v) => JSON.stringify(v)).join(", ")}; got ${describe(input)}.`,
    );
  }
  if (rule.knownValues && typeof value === "string") {
    const meant = rulesFor(meta, rules).nearMiss(value, rule.knownValues);
    if (meant !== undefined)
      fail(operationId, rule.name, `is ${describe(value)}; did you mean ${JSON.stringify(meant)}?`);
  }
  if (typeof value === "number") {
    if (rule.minimum !== undefined && value < rule.minimum)
      fail(operationId, rule.name, `must be ≥ ${rule.minimum}; got ${value}.`);
    if (rule.maximum !== undefined && value > rule.maximum)
      fail(operationId, rule.name, `must be ≤ ${rule.maximum}; got ${value}.`);
  }
  if (typeof value === "string") {
    // A path segment can never be empty: `getAgent({ agent_id: "" })` would request `/v2/agent/`, another route.
    const minLength = Math.max(rule.minLength ?? 0, rule.in === "path" ? 1 : 0);
    const length = [...value].length;
    if (length < minLength)
      fail(
        operationId,
        rule.name,
        minLength === 1 ? "must not be empty." : `must be at least ${minLength} characters; got ${length}.`,
      );
    if (rule.maxLength !== undefined && length > rule.maxLength)
      fail(operationId, rule.name, `must be at most ${rule.maxLength} characters; got ${length}.`);
    // The URL parser resolves these segments: `{ batch_id: ".." }` would turn `DELETE /batches/..` into `DELETE /`.
    if (rule.in === "path" && (value === "." || value === ".."))
      fail(operationId, rule.name, `must not be ${describe(value)}.`);
  }
  if (rule.pattern && typeof value === "string" && !compiledPattern(rule.pattern).test(value)) {
    // In words, never the regular expression: "an E.164 phone number such as +15551234567".
    const wanted = rule.patternMeaning ? `must be ${rule.patternMeaning}` : "is not in the form this field takes";
    fail(operationId, rule.name, `${wanted}; got ${describe(value)}.`);
  }
  // Sent as given: a form's "true" stays text.
  return input;
}

/** Each operation's rules by argument name, built on its first call. */
const rulesByOperation = new WeakMap<OperationMetadata, ReadonlyMap<string, FieldRule>>();

function rulesOf(meta: OperationMetadata): ReadonlyMap<string, FieldRule> {
  let rules = rulesByOperation.get(meta);
  if (rules === undefined) {
    rules = new Map(meta.fields.map((rule) => [rule.name, rule]));
    rulesByOperation.set(meta, rules);
  }
  return rules;
}

/** What `prepareArguments` may leave out. */
export interface ArgumentChecks {
  /**
   * Check the body's fields (default `true`). `false` (the client's `validateRequestBodies: false`) sends the body's
   * properties as given, without their required, type, range or pattern rules.
   */
  readonly body?: boolean;
}

export function prepareArguments(
  meta: OperationMetadata,
  args: Record<string, unknown> = {},
  rules?: ArgumentRules,
  checks: ArgumentChecks = {},
): SplitArguments {
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    fail(meta.operationId, "arguments", `must be an object of named arguments; got ${describe(args)}.`);
  }
  const checkBody = checks.body !== false;
  const split: SplitArguments = { path: {}, query: {}, body: meta.body ? {} : undefined };
  const byName = rulesOf(meta);
  const lax = meta.body?.mediaType === "multipart/form-data";
  // Unknown names go into the body when it is open, unchecked, or strict (whose own check refuses a near miss of a
  // declared key and sends anything else).
  const bodyTakesUnknown = meta.body?.open !== false || meta.body?.strict === true || !checkBody;
  for (const [name, value] of Object.entries(args)) {
    if (value === undefined) continue;
    // Copying it onto the body would replace the body's prototype instead of adding a property.
    if (name === "__proto__") fail(meta.operationId, name, "is not an argument name the client can send.");
    const rule = byName.get(name);
    if (!rule) {
      if (split.body && bodyTakesUnknown) {
        split.body[name] = value;
        continue;
      }
      const allowed = meta.fields.map((f) => f.name).join(", ") || "none";
      fail(meta.operationId, name, `is not a parameter of this operation (allowed: ${allowed}).`);
    }
    if (rule.in === "body" && !checkBody) {
      (split.body as Record<string, unknown>)[name] = value;
      continue;
    }
    const rounding = meta.maxWindow?.to === name ? "up" : "down";
    const checked = checkValue(meta, rule, value, { lax: lax && rule.in === "body", rounding }, rules);
    if (rule.in === "body") (split.body as Record<string, unknown>)[name] = checked;
    else split[rule.in][name] = checked;
  }
  for (const rule of meta.fields) {
    if (rule.in === "body" && !checkBody) continue;
    if (rule.required && (!Object.hasOwn(args, rule.name) || args[rule.name] === undefined)) {
      fail(meta.operationId, rule.name, "is required.");
    }
  }
  if (meta.maxWindow) {
    // On the instants as they will be sent, so the check is exact.
    const { from, to, maxDays } = meta.maxWindow;
    rulesFor(meta, rules).assertWindow(split.query[from] as string, split.query[to] as string, maxDays, {
      from,
      to,
    });
  }
  const bodySize = split.body ? Object.keys(split.body).length : 0;
  const minProperties = checkBody ? (meta.body?.minProperties ?? 0) : 0;
  if (bodySize < minProperties) {
    const names = meta.fields
      .filter((f) => f.in === "body")
      .map((f) => f.name)
      .join(", ");
    fail(meta.operationId, "body", `needs at least ${minProperties} of: ${names}.`);
  }
  if (split.body && bodySize === 0 && !meta.body?.required) split.body = undefined;
  return split;
}

/**
 * `multipart/form-data` for the operations whose spec says so: arrays repeat the field (Bolna reads
 * `from_phone_numbers` that way), Blobs/Files become file parts, objects are sent as JSON text.
 */
export function toFormData(body: Record<string, unknown>): FormData {
  const form = new FormData();
  const append = (name: string, value: unknown): void => {
    if (value === undefined || value === null) return;
    if (value instanceof Blob) form.append(name, value, value instanceof File ? value.name : name);
    else if (typeof value === "object") form.append(name, JSON.stringify(value));
    // Objects went through JSON above, so what is left is a primitive.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    else form.append(name, String(value));
  };
  for (const [name, value] of Object.entries(body)) {
    if (Array.isArray(value)) for (const item of value) append(name, item);
    else append(name, value);
  }
  return form;
}
