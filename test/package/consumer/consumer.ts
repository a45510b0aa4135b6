// consumer.ts: a realistic TypeScript user of the package, type-checked (never run) under `nodenext` as an ES module
// and as CommonJS, and under `bundler`. Each @ts-expect-error must be an error, or the check fails.
import {
  APIError,
  BolnaInputError,
  createBolnaClient,
  ExportError,
  NotFoundError,
  parseBolnaTimestamp,
  type BolnaClient,
  type BolnaClientOptions,
  type Execution,
  type ExportCheckpoint,
} from "bolna-api-client";
import { startMockServer, type MockServer } from "bolna-api-client/mock";
import { createWebhookDeduplicator, parseExecutionWebhook } from "bolna-api-client/webhooks";

const options: BolnaClientOptions = { maxRetries: 3, timeoutMs: 30_000, rateLimit: { limits: { call: 100 } } };

async function totalCost(bolna: BolnaClient, agent_id: string, days: number): Promise<number> {
  let cents = 0;
  let checkpoint: ExportCheckpoint | undefined;
  try {
    for await (const execution of bolna.exportExecutions({ agent_id, from: new Date(Date.now() - days * 86_400_000) })) {
      const record: Execution = execution;
      cents += record.total_cost ?? 0;
    }
  } catch (error) {
    if (error instanceof ExportError) checkpoint = error.checkpoint;
    else throw error;
  }
  if (checkpoint !== undefined) console.error(`stopped at window ${checkpoint.windowIndex}`);
  return cents;
}

export async function main(): Promise<void> {
  const mock: MockServer = await startMockServer({ port: 0 });
  const bolna = createBolnaClient({ ...options, baseUrl: mock.url, apiKey: "any-key" });
  try {
    const agents = await bolna.listAgents();
    const agent = await bolna.getAgent({ agent_id: agents[0]?.id ?? "missing" });
    console.log(agent.agent_name, await totalCost(bolna, "agent-1", 30));

    const from = new Date(Date.now() - 7 * 86_400_000).toISOString();
    const list = bolna.listAgentExecutions({ agent_id: "agent-1", from, to: new Date().toISOString(), page_size: 50 });
    const first = await list;
    const recent: Execution[] = await list.toArray({ limit: 100 });
    console.log(first.total, recent.length, parseBolnaTimestamp(recent[0]?.created_at ?? "2026-01-28T13:17:50").getTime());

    const call = await bolna.makeCall({ agent_id: "agent-1", recipient_phone_number: "+10123456789" });
    console.log(call.execution_id);

    // @ts-expect-error: agent_id is required
    await bolna.getAgent({});
    // @ts-expect-error: there is no such operation
    await bolna.getAgents();
    // @ts-expect-error: page_size is a number
    bolna.listAgentExecutions({ agent_id: "agent-1", from, to: from, page_size: "50" });
  } catch (error) {
    if (error instanceof NotFoundError) console.error(error.status, error.requestId);
    else if (error instanceof APIError) console.error(error.status, error.body);
    else if (error instanceof BolnaInputError) console.error(error.field, error.message);
    else throw error;
  } finally {
    await mock.close();
  }

  const seen = createWebhookDeduplicator();
  const delivery = parseExecutionWebhook('{"id":"e1","status":"completed"}');
  if (!seen.isDuplicate(delivery)) console.log(delivery.id, delivery.status);
}
