/**
 * The stateful mock as a user's code meets it, through the real client: one mock for the whole file, with
 * `timeScale` 0.001 (a call completes in about 3 ms of timers, a batch scheduled 10 minutes ahead starts within a
 * second), so nothing here waits on wall-clock time: every wait is for an event (a webhook delivery, a status).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BadRequestError,
  createBolnaClient,
  downloadRecording,
  NotFoundError,
  type BolnaClient,
  type Execution,
} from "../../src/index.js";
import { startMockServer, type MockServer } from "../../src/mock/server.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

const DAY = 86_400_000;
const EXAMPLE_AGENT = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const HISTORY = 80;
/** Above what the tests before the cap test create (the history and about 20 calls), below what it adds. */
const EXECUTIONS_CAP = 110;

let mock: MockServer;
let bolna: BolnaClient;
let receiver: WebhookReceiver;
let firstAnswer: number;
/** An agent created by the tests, whose webhooks go to `receiver`. */
let agentId: string;

const week = () => ({
  from: new Date(Date.now() - 6 * DAY).toISOString(),
  to: new Date(Date.now() + 60_000).toISOString(),
});

/** Resolves once execution `id` reached a final status, read from its final webhook. */
const finalDelivery = (id: string, status = "completed") =>
  receiver.until((d) => d.execution.id === id && d.execution.status === status && d.answered === 200);

async function call(recipient: string, headers?: Record<string, string>): Promise<string> {
  const queued = await bolna.makeCall(
    { agent_id: agentId, recipient_phone_number: recipient, user_data: { name: "Bruce" } },
    headers === undefined ? {} : { headers },
  );
  expect(queued.status).toBe("queued");
  return queued.execution_id ?? "";
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  mock = await startMockServer({
    port: 0,
    stateful: true,
    timeScale: 0.001,
    seed: 7,
    history: HISTORY,
    limits: { executions: EXECUTIONS_CAP },
  });
  // Readiness: the very first request after startMockServer resolves gets a real answer, never a 503.
  firstAnswer = (await fetch(`${mock.url}/v2/agent/all`, { headers: { Authorization: "Bearer test-key" } })).status;
  bolna = createBolnaClient({ baseUrl: mock.url, apiKey: "test-key" });
});

afterAll(async () => {
  await mock?.close();
  await receiver?.close();
});

describe("the stateful mock", () => {
  it("answers the first request after it resolves", () => {
    expect(firstAnswer).toBe(200);
  });

  it("keeps agents: created, read back, patched, replaced, listed and deleted", async () => {
    const agent = await bolna.getAgent({ agent_id: EXAMPLE_AGENT });
    const body = {
      agent_config: { ...agent.agent_config, agent_name: "Rehearsal" },
      agent_prompts: agent.agent_prompts,
    };
    const created = await bolna.createAgent(body as Parameters<BolnaClient["createAgent"]>[0]);
    agentId = created.agent_id;
    expect((await bolna.getAgent({ agent_id: agentId })).agent_name).toBe("Rehearsal");

    await bolna.patchAgent({ agent_id: agentId, agent_config: { webhook_url: `${receiver.url}/hook` } });
    const patched = await bolna.getAgent({ agent_id: agentId });
    expect(patched).toMatchObject({ webhook_url: `${receiver.url}/hook`, agent_name: "Rehearsal" });

    const replaced = { ...body, agent_config: { ...body.agent_config, agent_name: "Gone soon" } };
    const other = (await bolna.createAgent(replaced as Parameters<BolnaClient["createAgent"]>[0])).agent_id;
    await bolna.replaceAgent({
      agent_id: other,
      ...replaced,
      agent_config: { ...replaced.agent_config, agent_name: "Replaced" },
    } as Parameters<BolnaClient["replaceAgent"]>[0]);
    expect((await bolna.getAgent({ agent_id: other })).agent_name).toBe("Replaced");
    expect((await bolna.listAgents()).map((a) => a.id)).toEqual(
      expect.arrayContaining([EXAMPLE_AGENT, agentId, other]),
    );
    await bolna.deleteAgent({ agent_id: other });
    await expect(bolna.getAgent({ agent_id: other })).rejects.toBeInstanceOf(NotFoundError);
    expect((await bolna.listAgents()).map((a) => a.id)).not.toContain(other);
  });

  it("runs a call through its timeline, POSTing each status to the agent's webhook_url", async () => {
    const id = await call("+14155550100");
    await finalDelivery(id);
    const statuses = receiver.deliveries.filter((d) => d.execution.id === id).map((d) => d.execution.status);
    expect(statuses).toEqual(["queued", "initiated", "ringing", "in-progress", "call-disconnected", "completed"]);
    expect(receiver.invalid).toEqual([]);
    const execution = await bolna.getExecution({ execution_id: id });
    expect(execution).toMatchObject({ status: "completed", agent_id: agentId, user_number: "+14155550100" });
    expect(execution.transcript).toContain("Hello Bruce");
    expect(execution.total_cost).toBeGreaterThan(0);
    expect(execution.conversation_duration).toBeGreaterThan(0);
    expect(execution.telephony_data).toMatchObject({ call_type: "outbound", hangup_reason: "Normal Hangup" });
  });

  it("follows the outcome rule: the number's last two digits, or the X-Mock-Outcome header", async () => {
    const cases: Array<[string, string, Record<string, string>?]> = [
      ["+14155550101", "busy"],
      ["+14155550102", "no-answer"],
      ["+14155550103", "failed"],
      ["+14155550104", "balance-low"],
      ["+14155550105", "error"],
      ["+14155550101", "completed", { "X-Mock-Outcome": "completed" }],
      ["+14155550100", "no-answer", { "X-Mock-Outcome": "no-answer" }],
    ];
    const ids = await Promise.all(cases.map(([number, , headers]) => call(number, headers)));
    const finals = await Promise.all(ids.map((id, i) => finalDelivery(id, cases[i]?.[1])));
    expect(finals.map((d) => d.execution.status)).toEqual(cases.map(([, status]) => status));
    const busy = await bolna.getExecution({ execution_id: ids[0] ?? "" });
    expect(busy.telephony_data).toMatchObject({ hangup_reason: "Busy", duration: "0.0" });
  });

  it("refuses an unknown X-Mock-Outcome with a 400 that lists the allowed ones", async () => {
    const refused = call("+14155550100", { "X-Mock-Outcome": "voicemail" });
    await expect(refused).rejects.toBeInstanceOf(BadRequestError);
    await expect(refused).rejects.toThrow(/completed, busy, no-answer, failed, balance-low, error/);
  });

  it("still lets Prism refuse a bad request (422) or a missing key (401)", async () => {
    const bad = await fetch(`${mock.url}/call`, {
      method: "POST",
      headers: { Authorization: "Bearer test-key", "content-type": "application/json" },
      body: JSON.stringify({ agent_id: agentId }),
    });
    expect(bad.status).toBe(422);
    expect((await fetch(`${mock.url}/v2/agent/${agentId}`)).status).toBe(401);
  });

  it("stops scheduled calls, one by one and all of an agent's at once", async () => {
    const later = new Date(Date.now() + 3_600_000);
    const place = async () =>
      (await bolna.makeCall({ agent_id: agentId, recipient_phone_number: "+14155550100", scheduled_at: later }))
        .execution_id ?? "";
    const [one, two, three] = [await place(), await place(), await place()];
    expect((await bolna.getExecution({ execution_id: one })).status).toBe("scheduled");
    expect(await bolna.stopCall({ execution_id: one })).toMatchObject({ status: "stopped" });
    const all = await bolna.stopAgentQueuedCalls({ agent_id: agentId });
    expect(all.stopped_executions.sort()).toEqual([two, three].sort());
    for (const id of [one, two, three]) expect((await bolna.getExecution({ execution_id: id })).status).toBe("stopped");
    await finalDelivery(three, "stopped");
    // A call that has already ended cannot be stopped.
    const done = await call("+14155550100");
    await finalDelivery(done);
    await expect(bolna.stopCall({ execution_id: done })).rejects.toBeInstanceOf(BadRequestError);
  });

  it("serves the recording of a completed call to downloadRecording", async () => {
    const id = await call("+14155550100");
    await finalDelivery(id);
    const audio = await downloadRecording(bolna, { execution_id: id });
    expect(audio.headers.get("content-type")).toBe("audio/wav");
    const bytes = new Uint8Array(await audio.arrayBuffer());
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe("RIFF");
    const busy = await call("+14155550101");
    await finalDelivery(busy, "busy");
    await expect(downloadRecording(bolna, { execution_id: busy })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("runs a scheduled batch: counts per status, its executions listed, the batch completed", async () => {
    const csv = "contact_number,name\n+14155550210,Ann\n+14155550201,Ben\n+14155550220,Cy\nnot-a-number,Dee\n";
    const file = new File([csv], "contacts.csv", { type: "text/csv" });
    const { batch_id } = await bolna.createBatch({ agent_id: agentId, file, from_phone_numbers: ["+19876543007"] });
    expect(await bolna.getBatch({ batch_id })).toMatchObject({
      status: "created",
      valid_contacts: 3,
      total_contacts: 4,
      file_name: "contacts.csv",
    });
    const scheduled = await bolna.scheduleBatch({ batch_id, scheduled_at: new Date(Date.now() + 3 * 60_000) });
    expect(scheduled.state).toMatch(/^scheduled at .+:[0-5]0:00\+00:00$/);
    const finals = await Promise.all(
      ["completed", "busy", "completed"].map((status, i) =>
        receiver.until(
          (d) =>
            d.execution.batch_id === batch_id &&
            d.execution.status === status &&
            d.execution.user_number === ["+14155550210", "+14155550201", "+14155550220"][i],
        ),
      ),
    );
    expect(finals.map((d) => d.execution.context_details?.recipient_data)).toEqual([
      { name: "Ann" },
      { name: "Ben" },
      { name: "Cy" },
    ]);
    const batch = await bolna.getBatch({ batch_id });
    expect(batch).toMatchObject({ status: "completed", execution_status: { completed: 2, busy: 1 } });
    const executions = await bolna.listBatchExecutions({ batch_id });
    expect(executions.map((e) => e.user_number).sort()).toEqual(["+14155550201", "+14155550210", "+14155550220"]);
    const listed = await bolna.listAgentExecutions({ agent_id: agentId, ...week(), batch_id, page_size: 50 });
    expect(listed.data.map((e) => e.id).sort()).toEqual(executions.map((e) => e.id).sort());
    expect((await bolna.listAgentBatches({ agent_id: agentId })).map((b) => b.batch_id)).toContain(batch_id);
  });

  it("stops a scheduled batch and refuses to stop it twice", async () => {
    const file = new File(["contact_number\n+14155550300\n"], "one.csv", { type: "text/csv" });
    const { batch_id } = await bolna.createBatch({ agent_id: agentId, file });
    await bolna.scheduleBatch({ batch_id, scheduled_at: new Date(Date.now() + 24 * 3_600_000) });
    expect(await bolna.stopBatch({ batch_id })).toMatchObject({ state: "stopped" });
    expect((await bolna.getBatch({ batch_id })).status).toBe("stopped");
    await expect(bolna.stopBatch({ batch_id })).rejects.toBeInstanceOf(NotFoundError);
    expect(await bolna.listBatchExecutions({ batch_id })).toEqual([]);
  });

  it("honours every listing filter on the seeded history, pages included", async () => {
    const window = {
      agent_id: EXAMPLE_AGENT,
      from: new Date(Date.now() - 35 * DAY).toISOString(),
      to: new Date().toISOString(),
    };
    const all: Execution[] = [];
    for await (const execution of bolna.exportExecutions({
      agent_id: EXAMPLE_AGENT,
      from: new Date(Date.now() - 36 * DAY),
    })) {
      all.push(execution);
    }
    expect(all.length).toBeGreaterThan(HISTORY / 2);
    const oldest = Math.min(...all.map((e) => Date.parse(`${e.created_at ?? ""}Z`)));
    expect(Date.now() - oldest).toBeGreaterThan(30 * DAY);
    const checks: Array<[Record<string, string | boolean>, (e: Execution) => boolean]> = [
      [{ status: "busy" }, (e) => e.status === "busy"],
      [{ status: "completed" }, (e) => e.status === "completed"],
      [{ call_type: "inbound" }, (e) => e.telephony_data?.call_type === "inbound"],
      [{ provider: "plivo" }, (e) => e.telephony_data?.provider === "plivo"],
      [{ answered_by_voice_mail: true }, (e) => e.answered_by_voice_mail === true],
    ];
    for (const [filter, keep] of checks) {
      const expected = all.filter(keep).map((e) => e.id);
      expect(expected.length).toBeGreaterThan(0);
      const got: string[] = [];
      for (let from = Date.parse(window.from); from < Date.now(); from += 7 * DAY) {
        const to = new Date(Math.min(from + 7 * DAY - 1, Date.now())).toISOString();
        for await (const e of bolna.listAgentExecutions({
          ...window,
          ...filter,
          from: new Date(from).toISOString(),
          to,
          page_size: 5,
        }))
          got.push(e.id);
      }
      expect(got.sort(), JSON.stringify(filter)).toEqual(expected.sort());
    }
  });

  it("drops the oldest executions beyond its cap", async () => {
    const before = await bolna.listAgentExecutions({
      agent_id: EXAMPLE_AGENT,
      from: new Date(Date.now() - 35 * DAY).toISOString(),
      to: new Date(Date.now() - 28 * DAY).toISOString(),
      page_size: 50,
    });
    const oldest = before.data.at(-1)?.id ?? "";
    expect(oldest).not.toBe("");
    const ids = await Promise.all(Array.from({ length: 40 }, () => call("+14155550100")));
    await Promise.all(ids.map((id) => finalDelivery(id)));
    await expect(bolna.getExecution({ execution_id: oldest })).rejects.toBeInstanceOf(NotFoundError);
    expect((await bolna.getExecution({ execution_id: ids.at(-1) ?? "" })).status).toBe("completed");
  });
});
