/**
 * `bolna-api batch run contacts.csv --agent-id ID [--from-number +E164 ...] [--at ISO] [--wait [--timeout 2h]]`:
 * reads the CSV, checks every row and runs the batch with `runBatch` (create, then schedule), printing
 * `{ batch_id, scheduled_at, state }`; with `--wait` it says that on stderr instead, follows the batch
 * (`waitForBatch`), redraws the call counts on stderr when it is a terminal, and prints the finished batch. Problems are reported by CSV line.
 */
import { readFile } from "node:fs/promises";
import { BolnaInputError, WaitTimeoutError, type BatchContact, type Batch } from "../index.js";
import { createCliClient } from "./client.js";
import { EXIT, EXIT_STATUS_HELP, UsageError } from "./exit.js";
import { COMMON_OPTIONS, durationOf, parseFlags } from "./flags.js";
import { BATCH_CSV_HELP, CONFIGURATION_HELP } from "./help.js";
import { redrawLine } from "./progress.js";
import { CsvSyntaxError, readCsv } from "../extensions/internal/read-csv.js";
import { columns } from "./text.js";

const OPTIONS = {
  ...COMMON_OPTIONS,
  "agent-id": { type: "string" },
  "from-number": { type: "string", multiple: true },
  at: { type: "string" },
  wait: { type: "boolean" },
  timeout: { type: "string" },
  "poll-interval": { type: "string" },
} as const;

const EXAMPLE_CSV = `  contact_number,customer_name,appointment_day
  +919876543210,Asha,Friday
  +15551234567,"Lee, Jordan",Monday`;

export function batchHelp(): string {
  return `bolna-api batch run: call everyone in a CSV file, as one batch of an agent.

Usage:
  bolna-api batch run FILE.csv --agent-id ID [--from-number +E164 ...] [--at ISO]
                      [--wait [--timeout 2h] [--poll-interval 5s]]

Options:
${columns([
  ["--agent-id <id>", "The agent that places the calls. Required."],
  ["--from-number <+E164>", "A number of your account to call from; repeat it to rotate several."],
  [
    "--at <ISO>",
    "When to start, with Z or an offset, at least 2 minutes ahead. Default: as early as Bolna allows. Bolna rounds the start up to the next 10-minute mark.",
  ],
  [
    "--wait",
    "Follow the batch until it is completed, stopped or failed, then print it. The call counts are shown on stderr when it is a terminal.",
  ],
  ["--timeout <duration>", "With --wait: give up after this long (30m, 2h). Default 2h. The batch goes on."],
  ["--poll-interval <duration>", "With --wait: first pause between two reads. Default 5s."],
  ["--base-url <url>", "API base URL (default: BOLNA_BASE_URL, else https://api.bolna.ai)."],
  ["-h, --help", "This help."],
])}

${BATCH_CSV_HELP}

${EXAMPLE_CSV}

Every row is checked before anything is sent; all problems are listed with their line numbers.
Then the batch is created and scheduled, and { batch_id, scheduled_at, state } is printed (with
--wait, the finished batch instead). Follow it later with \`bolna-api getBatch --batch-id ID\`, stop it with \`bolna-api stopBatch --batch-id ID\`.

${CONFIGURATION_HELP}

${EXIT_STATUS_HELP}
`;
}

/** The CSV's rows as contacts, and the line each starts on. */
async function readContacts(path: string): Promise<{ contacts: BatchContact[]; lines: number[] }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`Cannot read ${JSON.stringify(path)} (${(error as Error).message}).`);
  }
  let rows;
  try {
    rows = readCsv(text).filter((row) => row.cells.some((cell) => cell.trim() !== ""));
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new UsageError(`${path}: ${error.message}.`);
    throw error;
  }
  const [header, ...records] = rows;
  const names = header?.cells.map((name) => name.trim()) ?? [];
  if (!names.includes("contact_number")) {
    throw new UsageError(
      `${path} has no contact_number column in its header row (got: ${names.join(", ") || "nothing"}). ` +
        "Run `bolna-api batch run --help` for the format.",
    );
  }
  const contacts = records.map((row) => {
    const contact: Record<string, string> = {};
    names.forEach((name, index) => (contact[name] = row.cells[index] ?? ""));
    return contact as BatchContact;
  });
  return { contacts, lines: records.map((row) => row.line) };
}

/** `contacts[3]` in the library's message becomes the CSV line the row is on. */
function byLine(error: unknown, path: string, lines: readonly number[]): unknown {
  if (!(error instanceof BolnaInputError) || error.field !== "contacts") return error;
  const message = error.message
    .replace(/\bcontacts\[(\d+)\]/g, (_, index: string) => `line ${lines[Number(index)] ?? "?"}`)
    .replace(/(\d+) of (\d+) contacts/, `$1 of $2 rows of ${path}`);
  return new BolnaInputError("contacts", message);
}

function countsLine(batch: Batch): string {
  const counts = Object.entries(batch.execution_status ?? {}).map(([status, n]) => `${status} ${n}`);
  return `batch ${batch.status ?? "?"}${counts.length > 0 ? ` · ${counts.join(" · ")}` : ""}`;
}

export async function runBatchCommand(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined) {
    process.stderr.write(batchHelp());
    return EXIT.input;
  }
  if (sub === "--help" || sub === "-h") {
    process.stdout.write(batchHelp());
    return EXIT.ok;
  }
  if (sub !== "run") throw new UsageError(`Unknown command "batch ${sub}". Run \`bolna-api batch --help\`.`);
  const { values, positionals } = parseFlags(rest, OPTIONS, "batch run", true);
  if (values.help === true) {
    process.stdout.write(batchHelp());
    return EXIT.ok;
  }
  const [path, ...extra] = positionals;
  if (path === undefined || extra.length > 0) {
    throw new UsageError("batch run takes one CSV file: bolna-api batch run contacts.csv --agent-id ID");
  }
  if (values["agent-id"] === undefined) throw new UsageError("--agent-id is required (run `bolna-api batch --help`).");
  if (!values.wait && (values.timeout !== undefined || values["poll-interval"] !== undefined)) {
    throw new UsageError("--timeout and --poll-interval apply to --wait; add --wait, or leave them out.");
  }
  const timeoutMs = values.timeout === undefined ? undefined : durationOf("--timeout", values.timeout);
  const pollIntervalMs =
    values["poll-interval"] === undefined ? undefined : durationOf("--poll-interval", values["poll-interval"]);
  const { contacts, lines } = await readContacts(path);
  const bolna = createCliClient(values["base-url"]);
  let result;
  try {
    result = await bolna.runBatch({
      agent_id: values["agent-id"],
      contacts,
      ...(values["from-number"] ? { from_phone_numbers: values["from-number"] } : {}),
      ...(values.at === undefined ? {} : { scheduled_at: values.at }),
    });
  } catch (error) {
    throw byLine(error, path, lines);
  }
  if (!values.wait) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return EXIT.ok;
  }
  // stdout gets one JSON document, the finished batch; where things stand goes to stderr.
  process.stderr.write(`Batch ${result.batch_id} scheduled (${result.state ?? result.scheduled_at}).\n`);

  const terminal = process.stderr.isTTY ? process.stderr : undefined;
  try {
    const batch = await bolna.waitForBatch(result.batch_id, {
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(pollIntervalMs === undefined ? {} : { pollIntervalMs }),
      ...(terminal ? { onProgress: (_: unknown, b: Batch) => redrawLine(terminal, countsLine(b)) } : {}),
    });
    if (terminal) terminal.write("\n");
    process.stdout.write(`${JSON.stringify(batch, null, 2)}\n`);
    return EXIT.ok;
  } catch (error) {
    if (terminal) terminal.write("\n");
    if (!(error instanceof WaitTimeoutError)) throw error;
    process.stderr.write(
      `WaitTimeoutError: batch ${result.batch_id} has not finished after ${values.timeout ?? "2h"} (last status: ` +
        `${error.batch?.status ?? "not read yet"}). It goes on. Look at it with:\n` +
        `  bolna-api getBatch --batch-id ${result.batch_id}\n`,
    );
    return EXIT.other;
  }
}
