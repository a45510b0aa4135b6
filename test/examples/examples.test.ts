/**
 * Runs every example's `main()` against one Prism mock of the spec, and `npm start` / `npm run example` as child
 * processes (the way a newcomer runs them), asserting on what they really produce: files, exit statuses, the
 * requests sent, the webhook self-test and the tour's output.
 */
import { collectOutput, type RunResult } from "../support/child-output.js";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as agentFromJson from "../../examples/agent-from-json.js";
import * as exportExecutions from "../../examples/export-executions.js";
import * as placeCallAndWait from "../../examples/place-call-and-wait.js";
import * as runBatch from "../../examples/run-batch.js";
import * as simpleAgent from "../../examples/simple-agent.js";
import type { ExampleContext } from "../../examples/support/context.js";
import * as webhookReceiver from "../../examples/webhook-receiver.js";
import { startMockServer, type MockServer } from "../../src/mock/server.js";

const ROOT = resolve(import.meta.dirname, "../..");

/** `node --import tsx <script>` from the repository root, with no BOLNA_* variables unless given. */
function runScript(args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
  const env: Record<string, string> = { CI: "true" };
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith("BOLNA_")) env[name] = value;
  }
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd: ROOT,
    env: { ...env, CI: "true", ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return collectOutput(child);
}

/** A context for the shared mock that records the example's output instead of printing it. */
function capture(mock: MockServer, args: string[] = [], fetch?: ExampleContext["fetch"]) {
  const lines: string[] = [];
  const errors: string[] = [];
  const ctx: ExampleContext = {
    baseUrl: mock.url,
    apiKey: "test-key",
    mock: true,
    args,
    log: (line) => lines.push(line),
    stderr: { write: (text: string) => errors.push(text), isTTY: false },
    ...(fetch ? { fetch } : {}),
  };
  return { ctx, lines, errors, out: () => lines.join("\n"), err: () => errors.join("") };
}

/** Adds a `Prefer` header to the requests `matches` selects (Prism then answers that example or status). */
function prefer(value: string, matches: (request: Request) => boolean, seen: Request[] = []) {
  return (request: Request): Promise<Response> => {
    if (!matches(request)) return fetch(request);
    seen.push(request);
    const headers = new Headers(request.headers);
    headers.set("Prefer", value);
    return fetch(new Request(request, { headers }));
  };
}

const isExecutionRead = (request: Request) =>
  request.method === "GET" && /\/executions\/[^/]+$/.test(new URL(request.url).pathname);

async function readLines(path: string): Promise<string[]> {
  return (await readFile(path, "utf8")).split("\n").filter((line) => line !== "");
}

let mock: MockServer;
let tmp: string;
let tour: Promise<RunResult>;

beforeAll(async () => {
  // The tour starts its own mock (that is what it demonstrates); run it alongside the tests to save time.
  tour = runScript(["scripts/start.ts"]);
  tour.catch(() => undefined);
  [mock, tmp] = await Promise.all([startMockServer({ port: 0 }), mkdtemp(join(tmpdir(), "bolna-examples-"))]);
}, 60_000);

afterAll(async () => {
  await tour?.catch(() => undefined);
  await mock?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("export-executions", () => {
  it("writes every execution once to NDJSON and CSV, with plain progress lines off a terminal", async () => {
    const out = join(tmp, "export-clean");
    const run = capture(mock, ["--out", out]);
    expect(await exportExecutions.main(run.ctx)).toBe(0);

    const ndjson = (await readLines(join(out, "executions.ndjson"))).map((line) => JSON.parse(line) as { id: string });
    expect(ndjson.map((e) => e.id)).toEqual([
      "4c06b4d1-4096-4561-919a-4f94539c8d4a",
      "9b2f3c1e-7d4a-4e8b-a1c2-5f6e7d8c9b0a",
      "1f0e2d3c-4b5a-4697-8881-9a0b1c2d3e4f",
    ]);
    const csv = await readLines(join(out, "executions.csv"));
    expect(csv).toHaveLength(4);
    expect(csv[0]).toBe(exportExecutions.CSV_COLUMNS.join(","));
    expect(csv[2]).toMatch(/^9b2f3c1e-[^,]+,[^,]+,,busy,/);
    expect(existsSync(join(out, "checkpoint.json"))).toBe(false);
    // 15 days → 3 windows; progress is one plain line per page, never a carriage return.
    expect(run.err()).toContain("progress: window 3/3");
    expect(run.err()).not.toContain("\r");
    expect(run.out()).toContain("Export finished: 3 records written by this run, 3 in total.");
  });

  it("stops with a saved checkpoint, then resumes from it without repeating or losing a record", async () => {
    const out = join(tmp, "export-resume");
    const first = capture(mock, ["--out", out, "--simulate-failure"]);
    expect(await exportExecutions.main(first.ctx)).toBe(1);
    expect(await readLines(join(out, "executions.ndjson"))).toHaveLength(2);
    expect(await readLines(join(out, "executions.csv"))).toHaveLength(3);
    const checkpoint = JSON.parse(await readFile(join(out, "checkpoint.json"), "utf8")) as Record<string, unknown>;
    expect(checkpoint).toMatchObject({ version: 2, recordsYielded: 2 });
    expect(first.err()).toContain("Export stopped after 2 records");
    expect(first.out()).toContain("Run the same command again to resume.");

    const second = capture(mock, ["--out", out]);
    expect(await exportExecutions.main(second.ctx)).toBe(0);
    expect(second.out()).toContain("Resuming the export saved in");
    expect(second.out()).toContain("1 record written by this run, 3 in total.");
    const ids = (await readLines(join(out, "executions.ndjson"))).map(
      (line) => (JSON.parse(line) as { id: string }).id,
    );
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    expect(await readLines(join(out, "executions.csv"))).toHaveLength(4);
    expect(existsSync(join(out, "checkpoint.json"))).toBe(false);
  });
});

describe("place-call-and-wait", () => {
  it("places the call and stops at the first final status (completed: exit 0)", async () => {
    const run = capture(mock);
    expect(await placeCallAndWait.main(run.ctx)).toBe(0);
    expect(run.out()).toContain("Call 123e4567-e89b-12d3-a456-426614174000 ended.");
    expect(run.out()).toContain("Final status: completed, 68.4 s of conversation, cost 12.71 cents");
  });

  it("exits 1 when the call ends without being answered", async () => {
    const run = capture(mock, [], prefer("example=busy", isExecutionRead));
    expect(await placeCallAndWait.main(run.ctx)).toBe(1);
    expect(run.out()).toContain("Final status: busy");
  });

  it("keeps polling a non-final status with backoff and exits 124 at the timeout", async () => {
    const reads: Request[] = [];
    const run = capture(
      mock,
      ["--timeout-ms", "600", "--poll-ms", "50"],
      prefer("example=callDisconnected", isExecutionRead, reads),
    );
    expect(await placeCallAndWait.main(run.ctx)).toBe(124);
    expect(reads.length).toBeGreaterThanOrEqual(3);
    // A status is reported when it changes, not on every read.
    expect(run.lines.filter((line) => line.includes("call-disconnected"))).toHaveLength(1);
    expect(run.out()).toContain("No final status after 600 ms");
  });
});

describe("run-batch", () => {
  it("uploads the contacts as a CSV with repeated from_phone_numbers, and schedules with +00:00", async () => {
    const forms: Array<{ path: string; form: FormData }> = [];
    const recordForms = async (request: Request): Promise<Response> => {
      if (request.method === "POST")
        forms.push({ path: new URL(request.url).pathname, form: await request.clone().formData() });
      return fetch(request);
    };
    const run = capture(mock, [], recordForms);
    expect(await runBatch.main(run.ctx)).toBe(0);
    expect(run.out()).toContain("Batch 3c90c3cc0d444b5088888dd25736052a scheduled");

    const [create, schedule] = forms;
    expect(create?.path).toBe("/batches");
    expect(create?.form.getAll("from_phone_numbers")).toEqual(["+918035739196", "+918035739197"]);
    const file = create?.form.get("file");
    expect(file).toBeInstanceOf(File);
    expect(await (file as File).text()).toBe(
      "contact_number,customer_name,appointment_day\r\n" +
        '+919876543210,Asha,Friday\r\n+919812345678,Ravi,Monday\r\n+15551234567,"Lee, Jordan",Tuesday\r\n',
    );
    expect(schedule?.path).toBe("/batches/3c90c3cc0d444b5088888dd25736052a/schedule");
    const scheduledAt = String(schedule?.form.get("scheduled_at"));
    expect(scheduledAt).toMatch(/\+00:00$/);
    const ahead = Date.parse(scheduledAt) - Date.now();
    expect(ahead).toBeGreaterThan(2 * 60_000);
    expect(ahead).toBeLessThan(4 * 60_000);
  });

  it("refuses a start less than 2 minutes ahead before sending anything", async () => {
    const sent: Request[] = [];
    const soon = new Date(Date.now() + 30_000).toISOString();
    const run = capture(mock, ["--at", soon], (request) => {
      sent.push(request);
      return fetch(request);
    });
    await expect(runBatch.main(run.ctx)).rejects.toThrow(/at least 2 minutes ahead/);
    expect(sent).toHaveLength(0);
  });
});

describe("simple-agent and agent-from-json", () => {
  it("create the agent after the client's check", async () => {
    const simple = capture(mock);
    expect(await simpleAgent.main(simple.ctx)).toBe(0);
    expect(simple.out()).toMatch(/^Created agent [0-9a-f-]{36}/);
    const fromJson = capture(mock);
    expect(await agentFromJson.main(fromJson.ctx)).toBe(0);
    expect(fromJson.out()).toContain(`from ${agentFromJson.SAMPLE_AGENT}`);
  });

  it("refuses a file with a misspelt setting, naming its path, and sends nothing", async () => {
    const agent = JSON.parse(await readFile(agentFromJson.SAMPLE_AGENT, "utf8")) as {
      agent_config: { tasks: Array<{ tools_config: { transcriber: Record<string, unknown> } }> };
    };
    agent.agent_config.tasks[0]!.tools_config.transcriber["langauge"] = "en";
    const file = join(tmp, "typo-agent.json");
    await writeFile(file, JSON.stringify(agent));
    const sent: Request[] = [];
    const run = capture(mock, ["--file", file], (request) => {
      sent.push(request);
      return fetch(request);
    });
    expect(await agentFromJson.main(run.ctx)).toBe(2);
    expect(run.err()).toContain("agent_config.tasks[0].tools_config.transcriber");
    expect(run.err()).toContain("langauge");
    expect(sent).toHaveLength(0);
  });
});

describe("webhook-receiver", () => {
  it("passes its self-test: accepts, de-duplicates on (id, status), retries failures, rejects bad input and senders", async () => {
    const run = capture(mock);
    expect(await webhookReceiver.main(run.ctx)).toBe(0);
    expect(run.out()).toContain("Self-test passed (8 checks).");
    expect(run.lines.filter((line) => line.includes("[receiver] accepted:"))).toEqual([
      "  [receiver] accepted: execution 4c06b4d1-4096-4561-919a-4f94539c8d4a is call-disconnected",
      "  [receiver] accepted: execution 4c06b4d1-4096-4561-919a-4f94539c8d4a is completed",
    ]);
    expect(run.out()).toContain("processing 4c06b4d1-4096-4561-919a-4f94539c8d4a/completed failed");
  });

  it("answers 200 once the event is processed, and processes each (id, status) once", async () => {
    const events: string[] = [];
    const receiver = await webhookReceiver.startWebhookReceiver({
      allowLoopback: true,
      log: () => undefined,
      onEvent: (e) => void events.push(`${e.id}/${e.status}`),
    });
    try {
      const body = JSON.stringify({ ...webhookReceiver.SAMPLE_DELIVERY, status: "ringing" });
      const headers = { "content-type": "application/json" };
      const statuses = [];
      for (let i = 0; i < 3; i++) {
        statuses.push((await fetch(receiver.url, { method: "POST", body, headers })).status);
        expect(events).toEqual([`${webhookReceiver.SAMPLE_DELIVERY.id}/ringing`]);
      }
      expect(statuses).toEqual([200, 200, 200]);
      expect((await fetch(receiver.url)).status).toBe(405);
    } finally {
      await receiver.close();
    }
  });
});

describe("npm run example (scripts/example.ts)", { timeout: 20_000 }, () => {
  it("lists the examples without a name", async () => {
    const result = await runScript(["scripts/example.ts"]);
    expect(result.code).toBe(0);
    for (const name of ["run-batch", "export-executions", "place-call-and-wait", "simple-agent", "agent-from-json"]) {
      expect(result.stdout).toContain(name);
    }
  });

  it("runs an example against the URL and key in the environment, with its exit status", async () => {
    const result = await runScript(["scripts/example.ts", "place-call-and-wait"], {
      BOLNA_BASE_URL: mock.url,
      BOLNA_API_KEY: "test-key",
    });
    expect(result.stderr).toContain(`Using ${mock.url}`);
    expect(result.stdout).toContain("Final status: completed");
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain("test-key");
  });

  it("exits 2 on an unknown example", async () => {
    const result = await runScript(["scripts/example.ts", "no-such-example"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown example "no-such-example"');
  });
});

describe("npm start (scripts/start.ts)", () => {
  it("tours the client against its own mock and exits 0", async () => {
    const { code, stdout, stderr } = await tour;
    expect(stderr).not.toContain("npm start failed");
    expect(code).toBe(0);
    expect(stdout).toContain("tour runs against a local mock");
    expect(stdout).toContain("stateful mock");
    expect(stdout).toContain("2 agents:");
    expect(stdout).toMatch(/Created agent [0-9a-f-]{36} \(created\)/);
    // The call moves through the mock's statuses; the wait prints each one it sees and ends on the final one.
    expect(stdout).toMatch(/… completed\n {3}Execution [0-9a-f]{8}… ended completed, [\d.]+ s of conversation/);
    expect(stdout).toContain("splits the range into 3 windows");
    // The seeded history spreads over a month, so the 15 days hold records of several outcomes.
    const records = Number(/- records: +(\d+) \(each execution once\)/.exec(stdout)?.[1]);
    expect(records).toBeGreaterThan(10);
    expect(stdout).toMatch(/- pages: +\d+ over 3 windows/);
    expect(stdout).toMatch(/- statuses: +\d+ \(completed \d+, /);
    expect(stdout.trimEnd().endsWith("Mock stopped.")).toBe(true);
    // stderr is a pipe here: plain progress lines, no bar.
    expect(stderr).toContain("progress: window 3/3");
    expect(stderr).not.toContain("\r");
    expect(stdout).not.toContain("mock-key");
  }, 60_000);
});
