// mock.mjs: a package user's walk and 30-day export against `bolna-api-client/mock`, ending on their own with no
// code of the user's, and a webhook from the bundled spec's example through `bolna-api-client/webhooks`.
import { createRequire } from "node:module";
import { createBolnaClient } from "bolna-api-client";
import { startMockServer } from "bolna-api-client/mock";
import { parseExecutionWebhook } from "bolna-api-client/webhooks";

const AGENT_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const DAY_MS = 86_400_000;

const mock = await startMockServer({ port: 0 });
try {
  const bolna = createBolnaClient({ baseUrl: mock.url, apiKey: "any-key" });
  const now = Date.now();
  const walked = [];
  const list = bolna.listAgentExecutions({
    agent_id: AGENT_ID,
    from: new Date(now - 7 * DAY_MS).toISOString(),
    to: new Date(now).toISOString(),
  });
  for await (const execution of list) walked.push(execution.id);

  let pages = 0;
  const exported = [];
  const execs = bolna.exportExecutions({ agent_id: AGENT_ID, from: new Date(now - 30 * DAY_MS), onProgress: () => pages++ });
  for await (const execution of execs) exported.push(execution.id);

  const spec = createRequire(import.meta.url)("bolna-api-client/openapi.json");
  const { examples } = spec.webhooks.executionStatus.post.requestBody.content["application/json"];
  const example = spec.components.examples[examples.completed.$ref.split("/").pop()];
  const webhook = parseExecutionWebhook(JSON.stringify(example.value));

  console.log(JSON.stringify({ url: mock.url, walked, exported, pages, webhook: { id: webhook.id, status: webhook.status } }));
} finally {
  await mock.close();
}
