/**
 * `bolna-api <operationId> [--flags]`: one generated client method, called with the flags' values. The method
 * checks the arguments before sending (as for a library caller) and throws typed errors; the JSON it returns goes
 * to stdout.
 */
import type { OperationMetadata } from "../extensions/internal/metadata.js";
import { createCliClient } from "./client.js";
import { EXIT } from "./exit.js";
import { operationArguments, operationOptions, parseFlags } from "./flags.js";
import { operationHelp } from "./help.js";
import { operationDoc } from "./spec.js";

type GeneratedMethod = (args: Record<string, unknown>) => PromiseLike<unknown>;

export async function runOperation(meta: OperationMetadata, argv: readonly string[]): Promise<number> {
  const doc = operationDoc(meta.operationId);
  const { values } = parseFlags(argv, operationOptions(meta), meta.operationId);
  if (values["help"] === true) {
    process.stdout.write(operationHelp(meta, doc));
    return EXIT.ok;
  }
  const args = await operationArguments(meta, doc, values);
  const baseUrl = values["base-url"];
  const bolna = createCliClient(typeof baseUrl === "string" ? baseUrl : undefined);
  const method = (bolna as unknown as Record<string, GeneratedMethod>)[meta.operationId] as GeneratedMethod;
  // A paginated operation returns a PagePromise; awaiting it gives the page asked for.
  const data = await method(args);
  if (data !== undefined) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  return EXIT.ok;
}
