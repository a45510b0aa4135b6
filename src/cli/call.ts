/**
 * `bolna-api call --agent-id ID --to +E164 [--from +E164] [--user-data JSON] [--wait [--timeout 10m]]`: places one
 * call (`makeCall`, sent once) and prints its answer, or with `--wait` follows it (`makeCallAndWait`) and prints the
 * execution in its final status. Status changes go to stderr when it is a terminal. A wait that times out exits 1
 * and says which execution to look at; the call itself goes on.
 */
import { WaitTimeoutError, type Execution } from "../index.js";
import { createCliClient } from "./client.js";
import { EXIT, EXIT_STATUS_HELP, UsageError } from "./exit.js";
import { COMMON_OPTIONS, durationOf, jsonOf, parseFlags } from "./flags.js";
import { CONFIGURATION_HELP } from "./help.js";
import { columns } from "./text.js";

const OPTIONS = {
  ...COMMON_OPTIONS,
  "agent-id": { type: "string" },
  to: { type: "string" },
  from: { type: "string" },
  "user-data": { type: "string" },
  wait: { type: "boolean" },
  timeout: { type: "string" },
  "poll-interval": { type: "string" },
} as const;

export function callHelp(): string {
  return `bolna-api call: place a call from an agent, and optionally wait for its final status.

Usage:
  bolna-api call --agent-id ID --to +E164 [--from +E164] [--user-data JSON|@file.json]
                 [--wait [--timeout 10m] [--poll-interval 2s]]

Options:
${columns([
  ["--agent-id <id>", "The agent that places the call. Required."],
  ["--to <+E164>", "The number to call, e.g. +15551234567. Required."],
  ["--from <+E164>", "A number of your account to call from. Default: the agent's."],
  ["--user-data <JSON|@file>", "Variables for the agent's prompts, as a JSON object."],
  [
    "--wait",
    "Wait for the final status (completed, busy, no-answer, failed, canceled, stopped, error, balance-low) and print the execution. call-disconnected is not final: completed follows it once the transcript and cost are ready.",
  ],
  ["--timeout <duration>", "With --wait: give up after this long (90s, 10m, 1h). Default 15m. The call goes on."],
  [
    "--poll-interval <duration>",
    "With --wait: first pause between two reads; it grows while nothing changes. Default 2s.",
  ],
  ["--base-url <url>", "API base URL (default: BOLNA_BASE_URL, else https://api.bolna.ai)."],
  ["-h, --help", "This help."],
])}

The call is placed once: neither a failure nor a timeout while waiting places it again. Without --wait,
the answer of POST /call is printed ({"status":"queued","execution_id":...}); follow the call with
\`bolna-api getExecution --execution-id ID\`. A wait that times out exits 1 and names the execution.

${CONFIGURATION_HELP}

${EXIT_STATUS_HELP}
`;
}

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || value === "") {
    throw new UsageError(`--${name} is required. Run \`bolna-api call --help\` for the options.`);
  }
  return value;
}

export async function runCall(argv: readonly string[]): Promise<number> {
  const { values } = parseFlags(argv, OPTIONS, "call");
  if (values.help === true) {
    process.stdout.write(callHelp());
    return EXIT.ok;
  }
  const args: Record<string, unknown> = {
    agent_id: required(values, "agent-id"),
    recipient_phone_number: required(values, "to"),
  };
  if (values.from !== undefined) args["from_phone_number"] = values.from;
  if (values["user-data"] !== undefined) args["user_data"] = await jsonOf("--user-data", values["user-data"]);
  if (!values.wait && (values.timeout !== undefined || values["poll-interval"] !== undefined)) {
    throw new UsageError("--timeout and --poll-interval apply to --wait; add --wait, or leave them out.");
  }
  const timeoutMs = values.timeout === undefined ? undefined : durationOf("--timeout", values.timeout);
  const pollIntervalMs =
    values["poll-interval"] === undefined ? undefined : durationOf("--poll-interval", values["poll-interval"]);
  const bolna = createCliClient(values["base-url"]);
  const callArgs = args as Parameters<typeof bolna.makeCall>[0];
  if (!values.wait) {
    process.stdout.write(`${JSON.stringify(await bolna.makeCall(callArgs), null, 2)}\n`);
    return EXIT.ok;
  }
  const onStatus = process.stderr.isTTY
    ? (execution: Execution) => process.stderr.write(`${new Date().toISOString()}  ${execution.status}\n`)
    : undefined;
  try {
    const { execution } = await bolna.makeCallAndWait(callArgs, {
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(pollIntervalMs === undefined ? {} : { pollIntervalMs }),
      ...(onStatus ? { onStatus } : {}),
    });
    process.stdout.write(`${JSON.stringify(execution, null, 2)}\n`);
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    const id = error.execution_id ?? "";
    process.stderr.write(
      `WaitTimeoutError: execution ${id} has no final status after ${values.timeout ?? "15m"} (last status: ` +
        `${error.execution?.status ?? "not visible yet"}). The call goes on. Look at it with:\n` +
        `  bolna-api getExecution --execution-id ${id}\nor end it with:\n  bolna-api stopCall --execution-id ${id}\n`,
    );
    return EXIT.other;
  }
}
