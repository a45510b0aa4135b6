/**
 * The README's quickstart, compiled by `npm run typecheck` so the documentation cannot drift from the API.
 * Keep it in sync with README.md § Quickstart (it is never executed).
 */
import { createBolnaClient, downloadRecording, getRecordingUrl } from "../../src/index.js";
import { startMockServer } from "../../src/mock/server.js";
import { createServer } from "node:http";
import type { Execution } from "../../src/index.js";
import {
  createWebhookDeduplicator,
  createWebhookHandler,
  isBolnaWebhookIp,
  parseBolnaDuration,
  parseExecutionWebhook,
  toNodeListener,
  type WebhookStore,
} from "../../src/webhooks.js";

export async function quickstart() {
  const bolna = createBolnaClient(); // apiKey: BOLNA_API_KEY, baseUrl: BOLNA_BASE_URL or https://api.bolna.ai

  const agents = await bolna.listAgents();
  const call = await bolna.makeCall({
    agent_id: agents[0]!.id,
    recipient_phone_number: "+10123456789",
    user_data: { name: "Bruce" },
  });
  const execution = await bolna.getExecution({ execution_id: call.execution_id! });
  console.log(execution.status, execution.telephony_data?.duration);

  for await (const record of bolna.exportExecutions({
    agent_id: agents[0]!.id,
    from: new Date(Date.now() - 30 * 86_400_000),
    onProgress: (p) => console.error(`${p.overall.recordsDone} records`),
  })) {
    console.log(record.id, record.status, record.total_cost);
  }

  const agent_id = agents[0]!.id;
  const from = "2026-01-01T00:00:00Z";
  const to = "2026-01-07T00:00:00Z";
  const { data, error, response } = await bolna.GET("/v2/agent/{agent_id}/executions", {
    params: { path: { agent_id }, query: { from, to, page_size: 50 } },
  });
  void [data, error, response];

  const list = bolna.listAgentExecutions({ agent_id, from, to, page_size: 50 });
  const firstPage = await list;
  for await (const item of list) void item;
  for await (const page of list.pages()) void page;
  const some = await list.toArray({ limit: 500 });
  void [firstPage, some];

  await bolna.getExecution({ execution_id: call.execution_id! }, { headers: { Prefer: "example=busy" } });
  createBolnaClient({ rateLimit: false });
  createBolnaClient({ rateLimit: { limits: { "agent-executions": 250 } } });
}

/** README § Run a mock server locally. */
export async function mockQuickstart() {
  const mock = await startMockServer({ port: 0 }); // default 127.0.0.1:4010; 0 picks a free port
  const bolna = createBolnaClient({ baseUrl: mock.url, apiKey: "any-key" });
  for await (const execution of bolna.exportExecutions({ agent_id: "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    from: new Date(Date.now() - 30 * 86_400_000) })) console.log(execution.id, execution.status);
  await mock.close();
}

/** README § Webhooks: the handler, the Node adapter and a Redis-backed store (Redis declared, not imported). */
export function webhooks(
  db: { saveCall(e: Execution): Promise<void> },
  followUps: { add(executionId: string): Promise<void> },
  redis: {
    set(key: string, value: string, options: { NX?: true; EX: number }): Promise<string | null>;
    get(key: string): Promise<string | null>;
    del(key: string): Promise<number>;
  },
) {
  const handler = createWebhookHandler({
    secret: process.env["BOLNA_WEBHOOK_SECRET"],
    onStatus: {
      async completed(execution) {
        await db.saveCall(execution);
      },
      async busy(execution) {
        await followUps.add(execution.id); // call back later
      },
    },
  });
  const POST = (request: Request) => handler(request);
  createServer(toNodeListener(handler)).listen(8787);

  const store: WebhookStore = {
    async claim(key) {
      if (await redis.set(`bolna:${key}`, "pending", { NX: true, EX: 600 })) return "new";
      return (await redis.get(`bolna:${key}`)) === "done" ? "done" : "pending";
    },
    complete: (key) => redis.set(`bolna:${key}`, "done", { EX: 7 * 86_400 }),
    release: (key) => redis.del(`bolna:${key}`),
  };
  const shared = createWebhookHandler({ store, trustProxy: 1, onExecution: (e) => db.saveCall(e) });

  const execution = parseExecutionWebhook("{}");
  const seconds: number | null = parseBolnaDuration(execution.telephony_data?.duration);
  void [POST, shared, seconds, createWebhookDeduplicator(), isBolnaWebhookIp("13.203.39.153")];
}

export async function recordings(execution_id: string) {
  const bolna = createBolnaClient();
  const url: URL = await getRecordingUrl(bolna, { execution_id });
  const audio: Response = await downloadRecording(bolna, { execution_id, leg: "transfer" });
  void [url, audio];
}
