/**
 * Create a batch of calls from a CSV file and schedule it.
 *
 *   npm run example -- batch-from-csv [--csv examples/data/contacts.csv] [--agent <id>]
 *                                     [--from +E164 --from +E164 …] [--in-minutes 30 | --at <ISO-8601>]
 *
 * The CSV needs a `contact_number` column (E.164); every other column becomes a `{variable}` in the agent's
 * prompts. The file goes up as `multipart/form-data` (the client builds the form because the spec says so), each
 * caller number as one repeated `from_phone_numbers` field. `scheduled_at` takes a `Date`: the client sends it as
 * `+00:00`, never `Z`, which Bolna's scheduler answers with HTTP 500. It must be at least 2 minutes ahead and
 * Bolna rounds it up to the next 10-minute mark.
 */
import { openAsBlob } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
// In your project: import { createBolnaClient } from "bolna-api-client";
import { createBolnaClient } from "../src/index.js";
import { fetchOption, runAsScript, withDefaults, type ExampleContext } from "./support/context.js";

export const SAMPLE_CSV = fileURLToPath(new URL("./data/contacts.csv", import.meta.url));
const MOCK_AGENT_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
/** Numbers from the spec's example; against the real API they must be numbers bought in your account. */
const MOCK_FROM_NUMBERS = ["+918035739196", "+918035739197"];
const E164 = /^\+[1-9]\d{6,14}$/;
const MINUTE_MS = 60_000;

/** Splits one CSV line into fields (RFC 4180 quoting; fields spanning lines are not supported here). */
function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  for (const match of line.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g)) {
    fields.push(match[1] === undefined ? (match[2] ?? "") : match[1].replaceAll('""', '"'));
  }
  return fields;
}

/** Checks the file before uploading it: a `contact_number` column, and an E.164 number on every row. */
export function checkContactsCsv(text: string): { rows: number; columns: string[]; problems: string[] } {
  const [header = "", ...lines] = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const columns = splitCsvLine(header).map((c) => c.trim());
  const column = columns.indexOf("contact_number");
  if (column === -1) return { rows: 0, columns, problems: ["no `contact_number` column in the header"] };
  const problems: string[] = [];
  let rows = 0;
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    rows++;
    const number = splitCsvLine(line)[column]?.trim() ?? "";
    if (!E164.test(number)) problems.push(`line ${index + 2}: contact_number ${JSON.stringify(number)} is not E.164`);
  });
  if (rows === 0) problems.push("no contacts after the header");
  return { rows, columns, problems };
}

export async function main(context: ExampleContext): Promise<number> {
  const ctx = withDefaults(context);
  const { values } = parseArgs({
    args: ctx.args,
    options: {
      csv: { type: "string", default: SAMPLE_CSV },
      agent: { type: "string" },
      from: { type: "string", multiple: true },
      "in-minutes": { type: "string", default: "30" },
      at: { type: "string" },
    },
  });
  const agentId = values.agent ?? (ctx.mock ? MOCK_AGENT_ID : undefined);
  const fromNumbers = values.from ?? (ctx.mock ? MOCK_FROM_NUMBERS : undefined);
  if (agentId === undefined || fromNumbers === undefined) {
    ctx.stderr.write("--agent <agent_id> and at least one --from <+E.164 number you own> are required.\n");
    return 2;
  }
  const startAt =
    values.at === undefined ? new Date(Date.now() + Number(values["in-minutes"]) * MINUTE_MS) : new Date(values.at);
  if (Number.isNaN(startAt.getTime()) || startAt.getTime() < Date.now() + 2 * MINUTE_MS) {
    ctx.stderr.write("The start time must be a valid date at least 2 minutes ahead (--in-minutes or --at).\n");
    return 2;
  }

  const path = resolve(values.csv);
  const check = checkContactsCsv(await readFile(path, "utf8"));
  if (check.problems.length > 0) {
    ctx.stderr.write(`${path} cannot be used:\n${check.problems.map((p) => `  - ${p}\n`).join("")}`);
    return 2;
  }
  ctx.log(`${basename(path)}: ${check.rows} contacts, columns ${check.columns.join(", ")}`);

  const bolna = createBolnaClient({ baseUrl: ctx.baseUrl, apiKey: ctx.apiKey, ...fetchOption(ctx.fetch) });
  // openAsBlob reads the file lazily, as the form is sent; a File carries the name Bolna shows for the batch.
  const file = new File([await openAsBlob(path)], basename(path), { type: "text/csv" });
  const batch = await bolna.createBatch({
    agent_id: agentId,
    file,
    from_phone_numbers: fromNumbers,
    retry_config: JSON.stringify({ enabled: true, max_retries: 2, retry_intervals_minutes: [15, 30] }),
  });
  if (!batch.batch_id) {
    ctx.stderr.write(`Bolna did not return a batch id: ${JSON.stringify(batch)}\n`);
    return 1;
  }
  ctx.log(`Batch ${batch.batch_id} ${batch.state ?? "created"}, calling from ${fromNumbers.join(", ")}`);

  const scheduled = await bolna.scheduleBatch({ batch_id: batch.batch_id, scheduled_at: startAt });
  ctx.log(
    `Batch ${scheduled.state ?? "scheduled"} for ${startAt.toISOString().replace("Z", "+00:00")} ` +
      "(Bolna starts it at the next 10-minute mark).",
  );
  ctx.log(`Follow it with getBatch({ batch_id: "${batch.batch_id}" }); stop it with stopBatch.`);
  return 0;
}

runAsScript(import.meta.url, main);
