/**
 * Call a list of contacts as one batch with `runBatch`, and optionally follow it with `waitForBatch`.
 *
 *   npm run example -- run-batch [--agent <id>] [--from +E164 --from +E164 …] [--at <ISO-8601>] [--wait]
 *
 * `runBatch` checks every contact first (E.164 numbers; all bad rows are reported in one `BolnaInputError` and
 * nothing is sent), builds the CSV (`contact_number`, then one column per variable, quoted per RFC 4180, UTF-8),
 * creates the batch and schedules it: at `--at`, or at the earliest time Bolna allows (2 minutes ahead, rounded
 * up by Bolna to the next 10-minute mark). `waitForBatch` reports the per-status call counts as they change.
 */
import { parseArgs } from "node:util";
// In your project: import { createBolnaClient, type BatchContact } from "bolna-api-client";
import { createBolnaClient, type BatchContact } from "../src/index.js";
import { fetchOption, runAsScript, withDefaults, type ExampleContext } from "./support/context.js";

const MOCK_AGENT_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
/** Numbers from the spec's example; against the real API they must be numbers bought in your account. */
const MOCK_FROM_NUMBERS = ["+918035739196", "+918035739197"];

/** The people to call, e.g. rows from your database. Every key but contact_number is a prompt variable. */
export const CONTACTS: BatchContact[] = [
  { contact_number: "+919876543210", customer_name: "Asha", appointment_day: "Friday" },
  { contact_number: "+919812345678", customer_name: "Ravi", appointment_day: "Monday" },
  { contact_number: "+15551234567", customer_name: "Lee, Jordan", appointment_day: "Tuesday" },
];

export async function main(context: ExampleContext): Promise<number> {
  const ctx = withDefaults(context);
  const { values } = parseArgs({
    args: ctx.args,
    options: {
      agent: { type: "string" },
      from: { type: "string", multiple: true },
      at: { type: "string" },
      wait: { type: "boolean" },
      "poll-ms": { type: "string", default: "10000" },
    },
  });
  const agentId = values.agent ?? (ctx.mock ? MOCK_AGENT_ID : undefined);
  const fromNumbers = values.from ?? (ctx.mock ? MOCK_FROM_NUMBERS : undefined);
  if (agentId === undefined || fromNumbers === undefined) {
    ctx.stderr.write("--agent <agent_id> and at least one --from <+E.164 number you own> are required.\n");
    return 2;
  }
  const bolna = createBolnaClient({ baseUrl: ctx.baseUrl, apiKey: ctx.apiKey, ...fetchOption(ctx.fetch) });
  const batch = await bolna.runBatch({
    agent_id: agentId,
    contacts: CONTACTS,
    from_phone_numbers: fromNumbers,
    ...(values.at === undefined ? {} : { scheduled_at: values.at }),
  });
  ctx.log(`Batch ${batch.batch_id} ${batch.state ?? "scheduled"} (asked for ${batch.scheduled_at}).`);
  if (!values.wait) {
    ctx.log(`Follow it with bolna.waitForBatch("${batch.batch_id}"); stop it with stopBatch.`);
    return 0;
  }
  const done = await bolna.waitForBatch(batch.batch_id, {
    pollIntervalMs: Number(values["poll-ms"]),
    onProgress: (counts) =>
      ctx.log(
        `  calls: ${
          Object.entries(counts)
            .map(([status, n]) => `${status} ${n}`)
            .join(", ") || "none yet"
        }`,
      ),
  });
  ctx.log(`Batch ${done.status}.`);
  return done.status === "completed" ? 0 : 1;
}

runAsScript(import.meta.url, main);
