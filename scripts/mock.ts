/**
 * `npm run mock [-- --port N] [--host H]`: serves the mock of the Bolna API (src/mock/server.ts, the module that
 * package users import from `bolna-api-client/mock`) until Ctrl-C. Exit status 1, with the reason on stderr,
 * when it cannot start (port in use, Prism missing); 2 for bad arguments.
 * Point the client at it with `BOLNA_BASE_URL=http://127.0.0.1:4010 BOLNA_API_KEY=anything`.
 */
import { parseArgs } from "node:util";
import { DEFAULT_MOCK_PORT, startMockServer, type MockServer } from "../src/mock/server.js";

function readOptions(): { port: number; host: string } | string {
  try {
    const { values } = parseArgs({
      options: {
        port: { type: "string", short: "p", default: String(DEFAULT_MOCK_PORT) },
        host: { type: "string", default: "127.0.0.1" },
      },
    });
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65_535)
      return `--port must be an integer from 0 to 65535, got ${JSON.stringify(values.port)}.`;
    return { port, host: values.host };
  } catch (error) {
    return (error as Error).message;
  }
}

async function main(): Promise<number> {
  const options = readOptions();
  if (typeof options === "string") {
    console.error(`npm run mock: ${options}\nUsage: npm run mock [-- --port 4010] [--host 127.0.0.1]`);
    return 2;
  }
  let mock: MockServer;
  try {
    mock = await startMockServer(options);
  } catch (error) {
    console.error(`npm run mock: ${(error as Error).message}`);
    return 1;
  }
  console.log(`Mock of the Bolna API ready on ${mock.url} (Ctrl-C to stop)`);
  console.log(`Try: curl -H 'Authorization: Bearer test' ${mock.url}/v2/agent/all`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve).once("SIGTERM", resolve);
  });
  await mock.close();
  console.log("Mock stopped.");
  return 0;
}

process.exitCode = await main();
