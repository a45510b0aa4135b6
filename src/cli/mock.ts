/**
 * `bolna-api mock [--port N] [--host HOST]`: serves the package's mock of the API (`bolna-api-client/mock`: Prism on
 * the bundled spec, with execution listings that page like a real server) until Ctrl-C.
 */
import { once } from "node:events";
import { DEFAULT_MOCK_PORT, startMockServer } from "../mock/server.js";
import { EXIT } from "./exit.js";
import { parseFlags, portOf } from "./flags.js";
import { mockHelp } from "./help.js";

const MOCK_OPTIONS = {
  port: { type: "string", short: "p" },
  host: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function runMock(argv: readonly string[]): Promise<number> {
  const { values } = parseFlags(argv, MOCK_OPTIONS, "mock");
  if (values.help) {
    process.stdout.write(mockHelp());
    return EXIT.ok;
  }
  const port = portOf(values.port, DEFAULT_MOCK_PORT);
  const mock = await startMockServer({ port, ...(values.host === undefined ? {} : { host: values.host }) });
  process.stdout.write(
    `Mock of the Bolna API ready on ${mock.url} (Ctrl-C to stop). In another terminal:\n` +
      `  export BOLNA_BASE_URL=${mock.url} BOLNA_API_KEY=any-value\n` +
      `  bolna-api listAgents\n`,
  );
  await Promise.race([once(process, "SIGINT"), once(process, "SIGTERM")]);
  await mock.close();
  process.stdout.write("Mock stopped.\n");
  return EXIT.ok;
}
