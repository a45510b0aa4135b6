/**
 * The options of `bolna-api export`, and how its command line becomes an `ExportCommand`.
 *
 * The filters (`--status`, `--call-type`, ...) are not listed here: they are the query parameters of
 * `listAgentExecutions` in the generated metadata other than the page and the date window, so a filter the spec
 * gains is a flag with no change here. Their values are checked by the generated client, as for a library caller.
 */
import { operationMetadata } from "../generated/operations.js";
import type { FieldRule } from "../extensions/internal/metadata.js";
import { UsageError } from "./exit.js";
import { COMMON_OPTIONS, convertValue, dayBound, flagName, parseFlags, type OptionSpec } from "./flags.js";

const LISTING = operationMetadata.listAgentExecutions;

export const EXPORT_FORMATS = ["jsonl", "csv"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The listing's query parameters that filter which executions are listed. */
export const EXPORT_FILTERS: readonly FieldRule[] = LISTING.fields.filter(
  (field) =>
    field.in === "query" &&
    field.name !== LISTING.pagination.pageParam &&
    field.name !== LISTING.pagination.sizeParam &&
    field.name !== LISTING.maxWindow.from &&
    field.name !== LISTING.maxWindow.to,
);

/** Export's own options, with the words `--help` shows for them. */
export const EXPORT_OPTION_DOCS: ReadonlyArray<readonly [flag: string, text: string]> = [
  ["--agent-id <id>", "The agent whose executions to export (required unless resuming)."],
  [
    "--from <ISO date-time>",
    "Start of the range, inclusive, e.g. 2026-08-01T00:00:00Z, or a date alone for the start of that UTC day; no zone means UTC (required unless resuming).",
  ],
  [
    "--to <ISO date-time>",
    "End of the range, inclusive; a date alone means the end of that UTC day. Default: now. Any length: the range is cut into windows of at most 7 days for you.",
  ],
  [
    "--format <jsonl|csv>",
    "jsonl (default): one JSON record per line. csv: a header row, then one row per record; nested objects become dotted columns (telephony_data.duration), fields the spec does not list go to the last column, _extra, as JSON.",
  ],
  ["-o, --output <file>", "Write to this file (replaced, or appended to when resuming). Default: stdout."],
  [
    "--checkpoint <file>",
    "Save where the export stands (the records written so far) to this file: every few seconds, and when it fails or is interrupted (Ctrl-C). Removed when the export completes.",
  ],
  [
    "--resume <file>",
    "Continue the export saved in this checkpoint, with its agent, range, filters, format, output and API base URL (options given again must agree, except --base-url). The output is cut back to the last checkpointed record and appended to, so it holds every record exactly once. New checkpoints go to the same file unless --checkpoint names another.",
  ],
  ["--max-retries <n>", "Retries of a failing page before the export gives up. Default 3."],
  ["--concurrency <n>", "Pages requested in parallel, 1–16. Default 4."],
];

export const EXPORT_OPTIONS = {
  ...COMMON_OPTIONS,
  "agent-id": { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  format: { type: "string" },
  output: { type: "string", short: "o" },
  checkpoint: { type: "string" },
  resume: { type: "string" },
  "max-retries": { type: "string" },
  concurrency: { type: "string" },
  ...Object.fromEntries(EXPORT_FILTERS.map((field) => [flagName(field.name).slice(2), { type: "string" }])),
} satisfies OptionSpec;

export interface ExportCommand {
  help: boolean;
  baseUrl: string | undefined;
  agentId: string | undefined;
  from: string | undefined;
  to: string | undefined;
  format: ExportFormat | undefined;
  output: string | undefined;
  checkpoint: string | undefined;
  resume: string | undefined;
  maxRetries: number;
  concurrency: number | undefined;
  /** Filter values by field name, converted to their JSON types. */
  filters: Record<string, unknown>;
}

function integerFlag(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || number < min || number > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}; got ${JSON.stringify(value)}.`);
  }
  return number;
}

export async function parseExportArgs(argv: readonly string[]): Promise<ExportCommand> {
  const { values } = parseFlags(argv, EXPORT_OPTIONS, "export");
  const text = values as Record<string, string | undefined>;
  const format = text["format"];
  if (format !== undefined && !(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(", ")}; got ${JSON.stringify(format)}.`);
  }
  const filters: Record<string, unknown> = {};
  for (const field of EXPORT_FILTERS) {
    const flag = flagName(field.name);
    const value = text[flag.slice(2)];
    if (value !== undefined) filters[field.name] = await convertValue(field, flag, value);
  }
  return {
    help: values.help === true,
    baseUrl: values["base-url"],
    agentId: values["agent-id"],
    from: values.from === undefined ? undefined : dayBound(values.from, false),
    to: values.to === undefined ? undefined : dayBound(values.to, true),
    format: format as ExportFormat | undefined,
    output: values.output,
    checkpoint: values.checkpoint,
    resume: values.resume,
    maxRetries: integerFlag("--max-retries", values["max-retries"], 0, 99) ?? 3,
    concurrency: integerFlag("--concurrency", values.concurrency, 1, 16),
    filters,
  };
}
