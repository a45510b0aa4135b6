/**
 * The help screens, built from the spec (summaries, descriptions, tags) and the generated metadata (fields, types,
 * enums, ranges), so a new operation or parameter documents itself.
 */
import type { FieldRule, OperationMetadata } from "../extensions/internal/metadata.js";
import { SDK_VERSION } from "../extensions/version.js";
import { EXPORT_FILTERS, EXPORT_OPTION_DOCS } from "./export-args.js";
import { PRISM_INSTALL } from "../mock/server.js";
import { EXIT_STATUS_HELP } from "./exit.js";
import { flagName } from "./flags.js";
import { operationDoc, operationDocs, tagOrder, type FieldDoc, type OperationDoc } from "./spec.js";
import { columns, firstSentence, plain, wrap } from "./text.js";

const CONFIGURATION_HELP = `Configuration:
  BOLNA_API_KEY    Your Bolna API key. Required for API calls, never printed. It is not accepted as a flag,
                   where shell history and the process list would keep it.
  BOLNA_BASE_URL   The API's base URL. Default https://api.bolna.ai (plain http only for localhost).
  --base-url URL   Overrides BOLNA_BASE_URL for one command.`;

/** The values to show: the metadata's enum (all that is allowed) or, failing that, the spec's suggestions. */
function valuesOf(rule: FieldRule, doc: FieldDoc | undefined): readonly unknown[] | undefined {
  return rule.enum ?? doc?.knownValues;
}

function valueLabel(rule: FieldRule, doc: FieldDoc | undefined): string {
  if (doc?.file) return "@path";
  const values = valuesOf(rule, doc);
  if (values && values.join("|").length <= 40) return values.join("|");
  switch (rule.type) {
    case "boolean":
      return "true|false";
    case "object":
      return "JSON|@file.json";
    case "string":
      return rule.dateTime ? "date-time" : "string";
    case undefined:
    case "array":
      return "value";
    default:
      return rule.type;
  }
}

/** What `--help` says about one field, beyond its description. */
function fieldNotes(rule: FieldRule, doc: FieldDoc | undefined): string[] {
  const notes: string[] = [];
  if (rule.required) notes.push("Required.");
  if (doc?.file) notes.push(`A file to upload (sent as ${doc.file.contentType}).`);
  const values = valuesOf(rule, doc);
  if (values && values.join("|").length > 40)
    notes.push(`${rule.enum ? "One of" : "Known values"}: ${values.join(", ")}.`);
  if (!rule.enum && values) notes.push("Other values are sent as given.");
  if (rule.minimum !== undefined && rule.maximum !== undefined) notes.push(`From ${rule.minimum} to ${rule.maximum}.`);
  else if (rule.minimum !== undefined) notes.push(`At least ${rule.minimum}.`);
  else if (rule.maximum !== undefined) notes.push(`At most ${rule.maximum}.`);
  if (rule.type === "array") notes.push("Repeat the flag once per item, or give one JSON array.");
  if (rule.dateTime === "offset") notes.push("ISO 8601 with a UTC offset; a Z suffix is sent as +00:00.");
  if (doc?.default !== undefined) notes.push(`Default: ${JSON.stringify(doc.default)}.`);
  if (doc?.deprecated && !/^deprecated/i.test(doc.description)) notes.push("Deprecated.");
  return notes;
}

function fieldRow(rule: FieldRule, doc: FieldDoc | undefined): readonly [string, string] {
  const description = plain(firstSentence(doc?.description ?? ""));
  return [
    `${flagName(rule.name)} <${valueLabel(rule, doc)}>`,
    [...fieldNotes(rule, doc), description].filter(Boolean).join(" "),
  ];
}

export function mainHelp(): string {
  const byTag = new Map<string, OperationDoc[]>(tagOrder().map((tag) => [tag, []]));
  for (const doc of operationDocs().values()) {
    const list = byTag.get(doc.tag) ?? [];
    list.push(doc);
    byTag.set(doc.tag, list);
  }
  const width = Math.max(...[...operationDocs().keys()].map((id) => id.length));
  const groups = [...byTag]
    .filter(([, docs]) => docs.length > 0)
    .map(([tag, docs]) => {
      const rows = docs.map(
        (doc) => [doc.operationId, `${plain(doc.summary)}${doc.deprecated ? " (deprecated)" : ""}`] as const,
      );
      return `  ${tag}\n${columns(rows, 4, width)}`;
    });
  return `bolna-api ${SDK_VERSION}: the Bolna Voice AI API from the command line (unofficial).

Usage:
  bolna-api <operation> [--flag value ...] [--body JSON|@file.json]
      Call one API operation (listed below) and print its JSON response.
  bolna-api export --agent-id ID --from ISO [--to ISO] [--format jsonl|csv] [--output FILE] ...
      Export every call record (execution) of an agent over any date range.
  bolna-api mock [--port N]
      Serve a local mock of the API, for trying the other commands without an account.
  bolna-api webhook listen [--port N] [--secret S] [--allow-any-ip]
      Receive Bolna's webhooks and print each verified, de-duplicated delivery as a JSON line.
  bolna-api <command> --help
      Options of one command.

First steps:
  export BOLNA_API_KEY=...          (or: read -rs BOLNA_API_KEY && export BOLNA_API_KEY)
  bolna-api listAgents
  bolna-api export --agent-id <agent id> --from 2026-08-01T00:00:00Z --format csv --output calls.csv

${CONFIGURATION_HELP}

Operations:
${groups.join("\n\n")}

${EXIT_STATUS_HELP}
`;
}

export function operationHelp(meta: OperationMetadata, doc: OperationDoc | undefined): string {
  const fields = meta.fields;
  const required = fields
    .filter((rule) => rule.required)
    .map((rule) => `${flagName(rule.name)} <${valueLabel(rule, doc?.fields.get(rule.name))}>`);
  const usage = [`bolna-api ${meta.operationId}`, ...required, fields.some((rule) => !rule.required) ? "[options]" : ""]
    .filter(Boolean)
    .join(" ");
  const sections = [
    `bolna-api ${meta.operationId}: ${plain(doc?.summary ?? "")}${doc?.deprecated ? " (deprecated)" : ""}`,
    doc?.description ? wrap(plain(doc.description), 0) : "",
    `  ${meta.method.toUpperCase()} ${meta.path}`,
    `Usage:\n  ${usage}`,
  ];
  const place = (where: FieldRule["in"]) => fields.filter((rule) => rule.in === where);
  for (const [title, group] of [
    ["Path parameters", place("path")],
    ["Query parameters", place("query")],
    ["Body fields", place("body")],
  ] as const) {
    if (group.length > 0)
      sections.push(`${title}:\n${columns(group.map((rule) => fieldRow(rule, doc?.fields.get(rule.name))))}`);
  }
  if (meta.body) {
    sections.push(
      `Body:\n${wrap(
        `--body JSON|@file.json|@- gives the whole body as one JSON object (from a file, or stdin); ` +
          `the body field flags add to it. Values you would rather keep out of shell history (passwords, provider ` +
          `keys) belong in a file given with --body.${meta.body.mediaType === "multipart/form-data" ? " Sent as multipart/form-data." : ""}`,
        2,
      )}`,
    );
  }
  if (meta.pagination) {
    const exportHint =
      meta.operationId === "listAgentExecutions"
        ? " To read every page of any date range, use `bolna-api export`."
        : "";
    sections.push(wrap(`This prints the one page asked for (${flagName(meta.pagination.pageParam)}).${exportHint}`, 0));
  }
  sections.push(
    `Options:\n${columns([
      ["--base-url <url>", "API base URL (default: BOLNA_BASE_URL, else https://api.bolna.ai)."],
      ["-h, --help", "This help."],
    ])}`,
  );
  sections.push(EXIT_STATUS_HELP);
  return `${sections.filter(Boolean).join("\n\n")}\n`;
}

export function exportHelp(): string {
  const doc = operationDoc("listAgentExecutions");
  return `bolna-api export: every execution (call record) of an agent over a date range, each exactly once.

Usage:
  bolna-api export --agent-id ID --from ISO [--to ISO] [filters] [--format jsonl|csv] [--output FILE]
                   [--checkpoint FILE] [--max-retries N] [--concurrency N]
  bolna-api export --resume FILE

Options:
${columns([...EXPORT_OPTION_DOCS, ["--base-url <url>", "API base URL (default: BOLNA_BASE_URL, else https://api.bolna.ai)."], ["-h, --help", "This help."]])}

Filters (the query parameters of listAgentExecutions):
${columns(EXPORT_FILTERS.map((rule) => fieldRow(rule, doc?.fields.get(rule.name))))}

Progress (records, pages, windows, rate, ETA) is shown on stderr when it is a terminal and the records
go to a file; nothing is shown otherwise.
On a failure the output keeps every record written so far and, with --checkpoint, the checkpoint says where
to continue: run \`bolna-api export --resume FILE\` (as often as needed) to finish the export.

Example:
  bolna-api export --agent-id 3c90c3cc-0d44-4b50-8888-8dd25736052a --from 2026-07-01T00:00:00Z \\
    --to 2026-08-01T00:00:00Z --status completed --format csv --output july.csv --checkpoint july.ckpt

${CONFIGURATION_HELP}

${EXIT_STATUS_HELP}
`;
}

export function mockHelp(): string {
  return `bolna-api mock: serve a mock of the Bolna API on this machine, answering from the spec's examples.

Usage:
  bolna-api mock [--port N] [--host HOST]

Options:
${columns([
  ["-p, --port <n>", "Port to listen on. Default 4010; 0 picks a free one."],
  ["--host <host>", "Interface to listen on. Default 127.0.0.1."],
  ["-h, --help", "This help."],
])}

${wrap(
  `It runs Prism (install it with: ${PRISM_INSTALL}) on the spec the package ships: requests are checked against ` +
    "the spec, each operation answers its first example, and agent execution listings page like the real API, so " +
    "an export ends on its own.",
  0,
)}

Then, in another terminal:
  export BOLNA_BASE_URL=http://127.0.0.1:4010 BOLNA_API_KEY=any-value
  bolna-api listAgents

Stop it with Ctrl-C.

${EXIT_STATUS_HELP}
`;
}

export function webhookHelp(): string {
  return `bolna-api webhook listen: receive Bolna's execution-status webhooks and print each one as a JSON line.

Usage:
  bolna-api webhook listen [--port N] [--host HOST] [--secret S] [--allow-any-ip] [--trust-proxy N]

Options:
${columns([
  ["-p, --port <n>", "Port to listen on. Default 8787; 0 picks a free one."],
  ["--host <host>", "Interface to listen on. Default 127.0.0.1; 0.0.0.0 to receive from other machines."],
  [
    "--secret <s>",
    "Require this shared secret, in the webhook URL's query (?secret=...) or the X-Webhook-Secret header. " +
      "Default: BOLNA_WEBHOOK_SECRET, if set (it keeps the secret out of shell history).",
  ],
  [
    "--allow-any-ip",
    "Accept any sender. Default: only Bolna's webhook addresses (13.203.39.153, 13.126.9.249, 13.202.133.53).",
  ],
  [
    "--trust-proxy <n>",
    "The number of proxies or tunnels in front of this command that append to X-Forwarded-For; the sender is " +
      "read from there. Default: the connection's own address.",
  ],
  ["-h, --help", "This help."],
])}

${wrap(
  "Each delivery that passes the checks (sender, secret, POST, application/json, at most 1 MiB, a valid " +
    "execution) and is new for its (id, status) is printed on stdout as one line of JSON and answered 200; a " +
    "repeat is answered 200 and not printed again. Refused requests are reported on stderr with their status.",
  0,
)}

Try it locally (curl comes from 127.0.0.1, so allow any sender):
  bolna-api webhook listen --port 8787 --allow-any-ip
  curl -H 'content-type: application/json' -d '{"id":"e1","agent_id":"a1","status":"completed"}' \\
    http://127.0.0.1:8787/

${wrap(
  "To receive from Bolna, expose the port over HTTPS and set the URL (with ?secret=... when you use one) as " +
    "the agent's webhook_url. Behind a tunnel or proxy every delivery arrives from it: give --trust-proxy 1.",
  0,
)}

Stop it with Ctrl-C.

${EXIT_STATUS_HELP}
`;
}
