/**
 * `bolna-api recording download EXECUTION_ID -o FILE [--leg call|transfer]`: saves a call's recording. The API
 * answers with a redirect to a pre-signed storage URL; `downloadRecording` reads it without following it with the
 * API key, and fetches the audio with a bare request. The file is written under a temporary name and renamed when
 * complete, so a failed download never leaves half a recording under the name asked for.
 */
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { downloadRecording } from "../index.js";
import { createCliClient } from "./client.js";
import { EXIT, EXIT_STATUS_HELP, UsageError } from "./exit.js";
import { COMMON_OPTIONS, parseFlags } from "./flags.js";
import { CONFIGURATION_HELP } from "./help.js";
import { columns } from "./text.js";

const OPTIONS = {
  ...COMMON_OPTIONS,
  output: { type: "string", short: "o" },
  leg: { type: "string" },
} as const;

export function recordingHelp(): string {
  return `bolna-api recording download: save the audio recording of a call.

Usage:
  bolna-api recording download EXECUTION_ID -o FILE [--leg call|transfer]

Options:
${columns([
  ["-o, --output <file>", "Where to save the audio. Required."],
  ["--leg <call|transfer>", "call (default), or transfer: the leg the agent transferred to a person."],
  ["--base-url <url>", "API base URL (default: BOLNA_BASE_URL, else https://api.bolna.ai)."],
  ["-h, --help", "This help."],
])}

The recording exists once the call is completed. The API key is sent to the API only, never to the
storage host the recording is served from.

${CONFIGURATION_HELP}

${EXIT_STATUS_HELP}
`;
}

export async function runRecording(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined) {
    process.stderr.write(recordingHelp());
    return EXIT.input;
  }
  if (sub === "--help" || sub === "-h") {
    process.stdout.write(recordingHelp());
    return EXIT.ok;
  }
  if (sub !== "download") {
    throw new UsageError(`Unknown command "recording ${sub}". Run \`bolna-api recording --help\`.`);
  }
  const { values, positionals } = parseFlags(rest, OPTIONS, "recording download", true);
  if (values.help === true) {
    process.stdout.write(recordingHelp());
    return EXIT.ok;
  }
  const [executionId, ...extra] = positionals;
  if (executionId === undefined || extra.length > 0) {
    throw new UsageError("recording download takes one execution id: bolna-api recording download ID -o FILE");
  }
  if (values.output === undefined) throw new UsageError("-o FILE is required: where to save the recording.");
  const leg = values.leg ?? "call";
  if (leg !== "call" && leg !== "transfer") throw new UsageError(`--leg must be call or transfer; got "${leg}".`);
  const bolna = createCliClient(values["base-url"]);
  const response = await downloadRecording(bolna, { execution_id: executionId, leg });
  const partial = `${values.output}.part`;
  try {
    const body = response.body ? Readable.fromWeb(response.body as WebReadableStream) : Readable.from([]);
    await pipeline(body, createWriteStream(partial));
    await rename(partial, values.output);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  const type = response.headers.get("content-type");
  process.stderr.write(`Saved the recording to ${values.output}${type ? ` (${type})` : ""}.\n`);
  return EXIT.ok;
}
