/**
 * The job examples (simple agent, agent from JSON, call and wait, run a batch) and the workflow methods, run against
 * one stateful mock, where calls really progress and batches really run. `timeScale` 0.001 makes a call complete in
 * about 3 ms and a batch start within a second, and the examples poll every few milliseconds, so every wait is for
 * a status, not for wall-clock time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as agentFromJson from "../../examples/agent-from-json.js";
import * as placeCallAndWait from "../../examples/place-call-and-wait.js";
import * as runBatch from "../../examples/run-batch.js";
import * as simpleAgent from "../../examples/simple-agent.js";
import type { ExampleContext } from "../../examples/support/context.js";
import { createBolnaClient, TERMINAL_EXECUTION_STATUSES, type BolnaClient } from "../../src/index.js";
import { startMockServer, type MockServer } from "../../src/mock/server.js";

let mock: MockServer;
let bolna: BolnaClient;
/** The agent `simple-agent` created; the other examples call from it. */
let agentId: string;

function capture(args: string[] = []) {
  const lines: string[] = [];
  const errors: string[] = [];
  const ctx: ExampleContext = {
    baseUrl: mock.url,
    apiKey: "test-key",
    mock: true,
    args,
    log: (line) => lines.push(line),
    stderr: { write: (text: string) => errors.push(text), isTTY: false },
  };
  return { ctx, lines, out: () => lines.join("\n"), err: () => errors.join("") };
}

beforeAll(async () => {
  mock = await startMockServer({ port: 0, stateful: true, timeScale: 0.001, seed: 11 });
  bolna = createBolnaClient({ baseUrl: mock.url, apiKey: "test-key" });
  const run = capture();
  expect(await simpleAgent.main(run.ctx)).toBe(0);
  agentId = /Created agent (\S+) /.exec(run.out())?.[1] ?? "";
}, 60_000);

afterAll(async () => {
  await mock?.close();
});

describe("agents", () => {
  it("simple-agent and agent-from-json create agents the mock then serves", async () => {
    expect((await bolna.getAgent({ agent_id: agentId })).agent_config?.agent_name).toBe("Appointment reminder");
    const run = capture();
    expect(await agentFromJson.main(run.ctx)).toBe(0);
    const fromJson = /Created agent (\S+) from/.exec(run.out())?.[1] ?? "";
    expect((await bolna.getAgent({ agent_id: fromJson })).agent_prompts?.task_1?.system_prompt).toContain("Maya");
  });
});

describe("place-call-and-wait", () => {
  it("follows a call through its statuses to completed (exit 0)", async () => {
    const run = capture(["--agent", agentId, "--to", "+15551230000", "--poll-ms", "5"]);
    expect(await placeCallAndWait.main(run.ctx)).toBe(0);
    expect(run.out()).toMatch(/Final status: completed/);
    const statuses = run.lines.filter((line) => / s: /.test(line)).map((line) => line.split(": ")[1]);
    // Each status once, in order, ending with the final one.
    expect(new Set(statuses).size).toBe(statuses.length);
    expect(statuses.at(-1)).toBe("completed");
  });

  it.each([
    ["+15551230001", "busy"],
    ["+15551230002", "no-answer"],
    ["+15551230003", "failed"],
  ])("ends with the outcome the number picks (%s: %s, exit 1)", async (to, status) => {
    const run = capture(["--agent", agentId, "--to", to, "--poll-ms", "5"]);
    expect(await placeCallAndWait.main(run.ctx)).toBe(1);
    expect(run.out()).toContain(`Final status: ${status}`);
  });
});

describe("run-batch", () => {
  it("creates, schedules and follows a batch until every contact was called", async () => {
    const run = capture(["--agent", agentId, "--from", "+19876543007", "--wait", "--poll-ms", "20"]);
    expect(await runBatch.main(run.ctx)).toBe(0);
    expect(run.out()).toMatch(/Batch [0-9a-f]+ scheduled/);
    expect(run.out()).toContain("Batch completed.");
    const progress = run.lines.filter((line) => line.startsWith("  calls: "));
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toContain(`completed ${runBatch.CONTACTS.length}`);
  });
});

describe("the workflow methods", () => {
  it("makeCallAndWait places one call and resolves at a final status; waitForExecution resumes a wait", async () => {
    const { call, execution } = await bolna.makeCallAndWait(
      { agent_id: agentId, recipient_phone_number: "+15551230004" },
      { pollIntervalMs: 5 },
    );
    expect(execution.status).toBe("balance-low");
    expect(TERMINAL_EXECUTION_STATUSES).toContain(execution.status);
    const again = await bolna.waitForExecution(call.execution_id ?? "", { pollIntervalMs: 5 });
    expect(again.id).toBe(execution.id);
    expect(again.status).toBe("balance-low");
  });
});
