/**
 * `bolna-api mock [--port N] [--host HOST] [--stateful [--time-scale N] [--seed N] [--history N]
 * [--allow-remote-webhooks]]`: serves the package's mock of the API (`bolna-api-client/mock`: Prism on the bundled
 * spec, with execution listings that page like a real server; with `--stateful`, a simulation of Bolna behind
 * Prism's checks) until Ctrl-C.
 */
import { once } from "node:events";
import { MockServerError, startMockServer } from "../mock/server.js";
import { MOCK_FLAGS, mockOptionsFromFlags } from "../mock/options.js";
import { EXIT, UsageError } from "./exit.js";
import { parseFlags } from "./flags.js";
import { mockHelp } from "./help.js";

const MOCK_OPTIONS = { ...MOCK_FLAGS, help: { type: "boolean", short: "h" } } as const;

export async function runMock(argv: readonly string[]): Promise<number> {
  const { values } = parseFlags(argv, MOCK_OPTIONS, "mock");
  if (values.help) {
    process.stdout.write(mockHelp());
    return EXIT.ok;
  }
  let options;
  try {
    options = mockOptionsFromFlags(values);
  } catch (error) {
    if (error instanceof MockServerError) throw new UsageError(error.message);
    throw error;
  }
  const mock = await startMockServer(options);
  process.stdout.write(
    `${options.stateful ? "Stateful mock" : "Mock"} of the Bolna API ready on ${mock.url} (Ctrl-C to stop). ` +
      `In another terminal:\n` +
      `  export BOLNA_BASE_URL=${mock.url} BOLNA_API_KEY=any-value\n` +
      `  bolna-api listAgents\n`,
  );
  await Promise.race([once(process, "SIGINT"), once(process, "SIGTERM")]);
  await mock.close();
  process.stdout.write("Mock stopped.\n");
  return EXIT.ok;
}
