// probe.mjs: what a user does first with the package, run unchanged in every runtime of the matrix (Node at the
// engines floor, Bun, Deno, workerd, Chromium) against the mock: list agents, place a call, place one and wait for
// its final status (the workflow jobs load as a separate chunk on first use), a typed 404, an export across three
// 7-day windows, and a webhook delivery handed to `createWebhookHandler` as a Web `Request`.
// Each step's outcome is reported on its own (`{ error }` when it threw), so a runtime that breaks one step says
// which. The webhooks subpath is imported as a namespace so that a missing export fails its step, not the rest.
import { createBolnaClient, NotFoundError } from "bolna-api-client";
import * as webhooks from "bolna-api-client/webhooks";

const AGENT_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const DAY_MS = 86_400_000;

async function step(work) {
  try {
    return await work();
  } catch (error) {
    return { error: `${error?.name}: ${error?.message}` };
  }
}

export async function probe(baseUrl, delivery) {
  const bolna = createBolnaClient({ baseUrl, apiKey: "probe-key" });
  return {
    agents: await step(async () => (await bolna.listAgents()).map((agent) => agent.id)),
    call: await step(async () => {
      const call = await bolna.makeCall({ agent_id: AGENT_ID, recipient_phone_number: "+10123456789" });
      return call.status;
    }),
    callAndWait: await step(async () => {
      const { execution } = await bolna.makeCallAndWait(
        { agent_id: AGENT_ID, recipient_phone_number: "+10123456789" },
        { timeoutMs: 30_000 },
      );
      return execution.status;
    }),
    notFound: await step(() =>
      bolna.getAgent({ agent_id: AGENT_ID }, { headers: { Prefer: "code=404" } }).then(
        () => "resolved",
        (error) => ({ notFoundError: error instanceof NotFoundError, status: error.status }),
      ),
    ),
    // 20 days back from now: windows of 7, 7 and 6 days, one page each.
    export: await step(async () => {
      let pages = 0;
      const ids = [];
      const from = new Date(Date.now() - 20 * DAY_MS);
      for await (const execution of bolna.exportExecutions({ agent_id: AGENT_ID, from, onProgress: () => pages++ })) {
        ids.push(execution.id);
      }
      return { ids, pages };
    }),
    webhook: await step(async () => {
      if (typeof webhooks.createWebhookHandler !== "function") {
        throw new TypeError("bolna-api-client/webhooks exports no createWebhookHandler");
      }
      const received = [];
      const handle = webhooks.createWebhookHandler({
        allowedIps: false,
        onExecution(execution) {
          received.push({ id: execution.id, status: execution.status });
        },
      });
      const request = new Request("http://127.0.0.1/bolna/webhook", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: delivery,
      });
      const response = await handle(request);
      return { ok: response.ok, status: response.status, received };
    }),
  };
}
