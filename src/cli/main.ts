#!/usr/bin/env node
/**
 * `bolna-api`: the command line. Dispatches to `export`, `mock`, `webhook` or one API operation, prints errors on stderr and
 * exits with the status of their class (`exit.ts`). Built as its own entry (`dist/cli/bolna-api.js`); the library
 * never imports it.
 */
import { ALL_OPERATIONS } from "../extensions/internal/operation-table.js";
import { SDK_VERSION } from "../extensions/version.js";
import type { OperationMetadata } from "../extensions/internal/metadata.js";
import { describeError, EXIT, exitStatusFor, UsageError } from "./exit.js";
import { runExport } from "./export.js";
import { mainHelp } from "./help.js";
import { runMock } from "./mock.js";
import { runOperation } from "./operation.js";
import { runWebhook } from "./webhook.js";

const OPERATIONS: Readonly<Record<string, OperationMetadata>> = Object.fromEntries(
  ALL_OPERATIONS.map((meta) => [meta.operationId, meta]),
);

/** Flags that would put a credential on the command line (shell history, `ps`). Matched without echoing a value. */
const CREDENTIAL_FLAG = /^--?(api[-_]?key|key|token|bearer|auth(orization)?)(=|$)/i;

function refuseCredentialFlags(argv: readonly string[]): void {
  const flag = argv.find((arg) => CREDENTIAL_FLAG.test(arg));
  if (flag === undefined) return;
  throw new UsageError(
    `Refusing ${flag.split("=")[0]}: an API key typed on the command line stays in your shell history and is visible ` +
      "to other users in the process list. Remove it from your history, and set BOLNA_API_KEY instead, e.g. " +
      "`read -rs BOLNA_API_KEY && export BOLNA_API_KEY`. Nothing was sent.",
  );
}

function unknownCommand(command: string): UsageError {
  const lower = command.toLowerCase();
  const near = Object.keys(OPERATIONS).find((id) => id.toLowerCase() === lower);
  return new UsageError(
    `Unknown command ${JSON.stringify(command)}.${near ? ` Did you mean ${near}?` : ""} Run \`bolna-api --help\` for the list.`,
  );
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    refuseCredentialFlags(argv);
    const [command, ...rest] = argv;
    if (command === undefined) {
      process.stderr.write(mainHelp());
      return EXIT.input;
    }
    if (command === "--help" || command === "-h") {
      process.stdout.write(mainHelp());
      return EXIT.ok;
    }
    if (command === "help") return await main(rest.length > 0 ? [...rest, "--help"] : ["--help"]);
    if (command === "--version" || command === "-v") {
      process.stdout.write(`${SDK_VERSION}\n`);
      return EXIT.ok;
    }
    if (command === "export") return await runExport(rest);
    if (command === "mock") return await runMock(rest);
    if (command === "webhook") return await runWebhook(rest);
    const meta = Object.hasOwn(OPERATIONS, command) ? OPERATIONS[command] : undefined;
    if (meta === undefined) throw unknownCommand(command);
    return await runOperation(meta, rest);
  } catch (error) {
    process.stderr.write(`${describeError(error)}\n`);
    return exitStatusFor(error);
  }
}

// `bolna-api listAgents | head -1`: a reader that stops early ends the command quietly, as for other Unix tools
// (an export to stdout too: what was written after the reader stopped is gone, so there is nothing to resume into).
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? EXIT.ok);
});
process.exitCode = await main(process.argv.slice(2));
