// browser.mjs: bundled with esbuild for the browser (no Node built-ins may be reached) and run in Chromium against
// the mock. `run` is called by the test with the mock's URL and a webhook body.
import { createBolnaClient, NotFoundError } from "bolna-api-client";
import { parseExecutionWebhook } from "bolna-api-client/webhooks";

const AGENT_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const DAY_MS = 86_400_000;

window.run = async (baseUrl, webhookBody) => {
  const bolna = createBolnaClient({ baseUrl, apiKey: "browser-key" });
  const agents = await bolna.listAgents();
  const now = Date.now();
  const walked = [];
  const from = new Date(now - 7 * DAY_MS).toISOString();
  for await (const execution of bolna.listAgentExecutions({ agent_id: AGENT_ID, from, to: new Date(now).toISOString() })) {
    walked.push(execution.id);
  }
  const exported = [];
  for await (const execution of bolna.exportExecutions({ agent_id: AGENT_ID, from: new Date(now - 30 * DAY_MS) })) {
    exported.push(execution.id);
  }
  const notFound = await bolna.getBatch({ batch_id: "b1" }, { headers: { Prefer: "code=404" } }).then(
    () => "resolved",
    (error) => (error instanceof NotFoundError ? error.status : String(error)),
  );
  const webhook = parseExecutionWebhook(webhookBody);
  return { agents: agents.length, walked, exported, notFound, webhook: webhook.id };
};
