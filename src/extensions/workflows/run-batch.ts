/**
 * `bolna.runBatch({ agent_id, contacts, from_phone_numbers?, scheduled_at? })`: builds the batch CSV, creates the
 * batch (`createBatch`) and schedules it (`scheduleBatch`).
 *
 * - Every contact is checked first: an object with a `contact_number` in E.164 (`+` and up to 15 digits), variables
 *   that are strings, numbers, booleans or empty, and at least one contact. All bad rows are reported in one
 *   `BolnaInputError` that names each (`contacts[3]`), and nothing is sent. A `scheduled_at` less than 2 minutes
 *   ahead is refused the same way.
 * - The CSV has `contact_number` first, then every other key in the order it first appears; a row without a key has
 *   an empty cell. Cells are quoted per RFC 4180 (commas, quotes, line breaks), and the file is UTF-8.
 * - Without `scheduled_at`, the batch is scheduled for the earliest time Bolna accepts: 2 minutes ahead (plus a
 *   margin for the time the request takes), which Bolna rounds up to the next 10-minute mark.
 * - If scheduling fails after the batch was created, the error carries `batch_id`: schedule it again with
 *   `scheduleBatch`, or delete it with `deleteBatch`.
 */
import type { BolnaClient } from "../client.js";
import { toOffsetDateTime, toUtcDate } from "../datetime.js";
import { BolnaInputError } from "../errors.js";
import { csvLine } from "../internal/csv.js";
import { isObject } from "../internal/guards.js";
import type { BatchContact, RunBatchArgs, RunBatchOptions, RunBatchResult } from "./index.js";
import { withId } from "./poll.js";

/** The spec's `E164PhoneNumber` pattern. */
const E164 = /^\+[1-9]\d{1,14}$/;
/** Bolna refuses a start less than 2 minutes ahead (400). */
const MIN_LEAD_MS = 2 * 60_000;
/** Added to the default start so that the upload's time and a little clock skew cannot make it too early. */
const LEAD_MARGIN_MS = 60_000;
/** Bad rows spelled out in the error; the rest are counted. */
const LISTED_ROWS = 50;

function problemsOf(contact: unknown): string[] {
  if (!isObject(contact)) return [`is not an object with a contact_number (got ${JSON.stringify(contact)})`];
  const problems: string[] = [];
  const number = contact["contact_number"];
  if (typeof number !== "string" || !E164.test(number)) {
    problems.push(
      `contact_number ${JSON.stringify(number)} is not an E.164 number (+, country code and number, no spaces, ` +
        `e.g. "+15551234567")`,
    );
  }
  for (const [key, value] of Object.entries(contact)) {
    if (value !== null && typeof value === "object") {
      problems.push(`${key} is an object; a CSV cell holds a string, number or boolean`);
    }
  }
  return problems;
}

/** The contacts as checked rows; throws one `BolnaInputError` listing every bad row. */
function checkContacts(contacts: unknown): BatchContact[] {
  if (typeof contacts !== "object" || contacts === null || !(Symbol.iterator in contacts)) {
    throw new BolnaInputError(
      "contacts",
      "contacts must be an array (or iterable) of { contact_number, ...variables }.",
    );
  }
  const rows = [...(contacts as Iterable<unknown>)];
  if (rows.length === 0) throw new BolnaInputError("contacts", "contacts is empty; a batch needs at least one.");
  const bad: string[] = [];
  rows.forEach((row, index) => {
    const problems = problemsOf(row);
    if (problems.length > 0) bad.push(`contacts[${index}]: ${problems.join("; ")}`);
  });
  if (bad.length > 0) {
    const listed = bad.slice(0, LISTED_ROWS).join("\n  ");
    const rest = bad.length > LISTED_ROWS ? `\n  and ${bad.length - LISTED_ROWS} more` : "";
    throw new BolnaInputError(
      "contacts",
      `${bad.length} of ${rows.length} contacts cannot be called; nothing was sent:\n  ${listed}${rest}`,
    );
  }
  return rows as BatchContact[];
}

/** `contact_number`, then the other keys in the order they first appear. */
export function batchCsv(contacts: readonly BatchContact[]): string {
  const columns = new Set<string>(["contact_number"]);
  for (const contact of contacts) for (const key of Object.keys(contact)) columns.add(key);
  const header = [...columns];
  return [csvLine(header), ...contacts.map((contact) => csvLine(header.map((column) => contact[column])))].join("");
}

/** The start to send: the caller's (checked to be far enough ahead) or the earliest Bolna accepts. */
function startTime(scheduledAt: Date | string | undefined): string {
  if (scheduledAt === undefined) return toOffsetDateTime(new Date(Date.now() + MIN_LEAD_MS + LEAD_MARGIN_MS));
  const start = toUtcDate(scheduledAt, "scheduled_at");
  if (start.getTime() < Date.now() + MIN_LEAD_MS) {
    throw new BolnaInputError(
      "scheduled_at",
      `scheduled_at (${start.toISOString()}) must be at least 2 minutes ahead; leave it out to start as early as ` +
        "Bolna allows.",
    );
  }
  return toOffsetDateTime(scheduledAt);
}

export async function runBatch(
  bolna: BolnaClient,
  args: RunBatchArgs,
  options: RunBatchOptions = {},
): Promise<RunBatchResult> {
  if (!isObject(args)) throw new BolnaInputError("args", "runBatch takes { agent_id, contacts, ... }.");
  const { contacts, scheduled_at, ...create } = args;
  const rows = checkContacts(contacts);
  // Checked now so that a bad start time is refused before a batch exists; computed again after the upload.
  startTime(scheduled_at);
  const file = new File([batchCsv(rows)], "contacts.csv", { type: "text/csv;charset=utf-8" });
  const requestOptions = options.signal ? { signal: options.signal } : {};
  const { batch_id } = await bolna.createBatch({ ...create, file }, requestOptions);
  try {
    const start = startTime(scheduled_at);
    const scheduled = await bolna.scheduleBatch({ batch_id, scheduled_at: start }, requestOptions);
    return { batch_id, scheduled_at: start, state: scheduled.state };
  } catch (error) {
    throw withId(error, "batch_id", batch_id);
  }
}
