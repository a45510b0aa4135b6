// agents.cjs: the README's smallest program with require(), plus what a CommonJS user relies on next: the typed
// errors, and the mock's message when its optional peer dependency (Prism) is not installed.
const { createBolnaClient, NotFoundError } = require("bolna-api-client");
const { startMockServer } = require("bolna-api-client/mock");

async function main() {
  const bolna = createBolnaClient(); // reads BOLNA_API_KEY and BOLNA_BASE_URL
  const agents = await bolna.listAgents();
  let notFound;
  try {
    await bolna.getAgent({ agent_id: "no-such-agent" });
  } catch (error) {
    notFound = error instanceof NotFoundError ? { status: error.status, message: error.message } : String(error);
  }
  const mock = await startMockServer({ port: 0 }).then(
    (server) => server.close().then(() => "started"),
    (error) => ({ name: error.name, code: error.code, message: error.message }),
  );
  console.log(JSON.stringify({ agents: agents.map((agent) => agent.agent_name), notFound, mock }));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
