/**
 * Create an agent from a JSON file (an export from the dashboard, or a file kept in version control).
 *
 *   npm run example -- agent-from-json [--file examples/data/agent.json]
 *
 * A file is not checked by the compiler, so the client's own check does the work: `createAgent` validates the whole
 * body against the spec before sending and refuses a problem with a `BolnaInputError` naming its path (a misspelt
 * key, a wrong type, a value out of range), instead of an agent that silently ignores the setting.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { fetchOption, runAsScript, withDefaults, type ExampleContext } from "./support/context.js";
// In your project: import { BolnaInputError, createBolnaClient, type AgentRequest } from "bolna-api-client";
import { BolnaInputError, createBolnaClient, type AgentRequest } from "../src/index.js";

export const SAMPLE_AGENT = fileURLToPath(new URL("./data/agent.json", import.meta.url));

export async function main(context: ExampleContext): Promise<number> {
  const ctx = withDefaults(context);
  const { values } = parseArgs({ args: ctx.args, options: { file: { type: "string", default: SAMPLE_AGENT } } });
  // The file's content is unknown to the compiler; createAgent checks it at run time.
  const agent = JSON.parse(await readFile(values.file, "utf8")) as AgentRequest;
  const bolna = createBolnaClient({ baseUrl: ctx.baseUrl, apiKey: ctx.apiKey, ...fetchOption(ctx.fetch) });
  try {
    const { agent_id } = await bolna.createAgent(agent);
    ctx.log(`Created agent ${agent_id} from ${values.file}.`);
    return 0;
  } catch (error) {
    if (!(error instanceof BolnaInputError)) throw error;
    ctx.stderr.write(`${values.file} is not a valid agent (nothing was sent): ${error.message}\n`);
    return 2;
  }
}

runAsScript(import.meta.url, main);
