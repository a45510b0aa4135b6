/**
 * `npm run mock [-- --port N]`: serves the Prism mock of the spec until Ctrl-C.
 * Point the client at it with `BOLNA_BASE_URL=http://127.0.0.1:4010 BOLNA_API_KEY=anything`.
 */
import { parseArgs } from "node:util";
import { startPrismMock } from "./lib/prism.js";

const { values } = parseArgs({ options: { port: { type: "string", short: "p", default: "4010" } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be an integer from 0 to 65535, got ${JSON.stringify(values.port)}`);
  process.exit(2);
}

const mock = await startPrismMock({ port, onLog: (line) => process.stderr.write(line) });
console.log(`Prism mock of the Bolna spec listening on ${mock.url} (Ctrl-C to stop)`);
console.log(`Try: curl -H 'Authorization: Bearer test' ${mock.url}/v2/agent/all`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void mock.stop().then(() => {
      console.log("Mock stopped.");
      process.exit(0);
    });
  });
}
