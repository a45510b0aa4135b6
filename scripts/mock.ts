/**
 * `npm run mock [-- --port N] [--host H] [--stateful [--time-scale N] [--seed N] [--history N]
 * [--allow-remote-webhooks]]`: serves the mock of the Bolna API (src/mock/server.ts, the module that package users
 * import from `bolna-api-client/mock`) until Ctrl-C. Exit status 1, with the reason on stderr, when it cannot start
 * (port in use, Prism missing); 2 for bad arguments.
 * Point the client at it with `BOLNA_BASE_URL=http://127.0.0.1:4010 BOLNA_API_KEY=anything`.
 */
import { parseArgs } from "node:util";
import { MOCK_FLAGS, mockOptionsFromFlags, type CheckedOptions } from "../src/mock/options.js";
import { startMockServer, type MockServer } from "../src/mock/server.js";

const USAGE =
  "Usage: npm run mock [-- --port 4010] [--host 127.0.0.1] " +
  "[--stateful [--time-scale 1] [--seed 1] [--history 200] [--allow-remote-webhooks]]";

function readOptions(): CheckedOptions | string {
  try {
    return mockOptionsFromFlags(parseArgs({ options: MOCK_FLAGS }).values);
  } catch (error) {
    return (error as Error).message;
  }
}

async function main(): Promise<number> {
  const options = readOptions();
  if (typeof options === "string") {
    console.error(`npm run mock: ${options}\n${USAGE}`);
    return 2;
  }
  let mock: MockServer;
  try {
    mock = await startMockServer(options);
  } catch (error) {
    console.error(`npm run mock: ${(error as Error).message}`);
    return 1;
  }
  console.log(`${options.stateful ? "Stateful mock" : "Mock"} of the Bolna API ready on ${mock.url} (Ctrl-C to stop)`);
  console.log(`Try: curl -H 'Authorization: Bearer test' ${mock.url}/v2/agent/all`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve).once("SIGTERM", resolve);
  });
  await mock.close();
  console.log("Mock stopped.");
  return 0;
}

process.exitCode = await main();
