/**
 * `bolna-api call`, `batch run` and `recording download` as child processes against one loopback server that plays
 * the API (and the storage host), plus the help screens and the CLI wording of SDK messages in-process. Waits use
 * short poll intervals, and the one timeout is a second long.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batchHelp } from "../../src/cli/batch.js";
import { callHelp } from "../../src/cli/call.js";
import { describeError, inCliTerms } from "../../src/cli/exit.js";
import { operationHelp } from "../../src/cli/help.js";
import { operationDoc } from "../../src/cli/spec.js";
import { BolnaInputError, WaitTimeoutError } from "../../src/index.js";
import { ALL_OPERATIONS } from "../../src/extensions/internal/operation-table.js";
import { startFaultServer, type Fault, type FaultServer, type RecordedRequest } from "../support/fault-server.js";
import { runCli } from "./support/run-cli.js";

const KEY = "bn-test-cli-workflows-7c1e";
const AGENT = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const DONE = "11111111-1111-4111-8111-111111111111";
const STUCK = "22222222-2222-4222-8222-222222222222";
const BATCH = "5f2d0c8e9a1b4c3d8e7f6a5b4c3d2e1f";
const AUDIO = new Uint8Array([0x49, 0x44, 0x33, 0x04, 0x00, 0x2a, 0xff]);

let server: FaultServer;
let dir: string;
const env = () => ({ BOLNA_API_KEY: KEY, BOLNA_BASE_URL: server.url });
const sent = (method: string, path: string) => server.requests.filter((r) => r.method === method && r.path === path);

/** How many times each path was read so far, so a script can answer the n-th read. */
function nth(request: RecordedRequest): number {
  return sent(request.method, request.path).length - 1;
}

function answer(request: RecordedRequest): Fault {
  const { method, path } = request;
  if (method === "POST" && path === "/call") {
    const to = (JSON.parse(request.text) as { recipient_phone_number: string }).recipient_phone_number;
    return { status: 200, body: { status: "queued", execution_id: to.endsWith("9") ? STUCK : DONE } };
  }
  if (method === "GET" && path === `/executions/${DONE}`) {
    return { status: 200, body: { id: DONE, agent_id: AGENT, status: nth(request) === 0 ? "ringing" : "completed" } };
  }
  if (method === "GET" && path === `/executions/${STUCK}`) {
    return { status: 200, body: { id: STUCK, agent_id: AGENT, status: "in-progress" } };
  }
  if (method === "POST" && path === "/batches") return { status: 201, body: { batch_id: BATCH, state: "created" } };
  if (method === "POST" && path === `/batches/${BATCH}/schedule`) {
    return { status: 200, body: { message: "success", state: "scheduled" } };
  }
  if (method === "GET" && path === `/batches/${BATCH}`) {
    const done = nth(request) > 0;
    return {
      status: 200,
      body: { batch_id: BATCH, status: done ? "completed" : "running", execution_status: { completed: done ? 2 : 1 } },
    };
  }
  if (method === "GET" && path === `/recordings/call/${DONE}`) {
    return { status: 302, headers: { location: `${server.url}/storage/${DONE}.mp3?X-Amz-Signature=abc` } };
  }
  if (method === "GET" && path === `/storage/${DONE}.mp3`) {
    return { status: 200, headers: { "content-type": "audio/mpeg" }, body: AUDIO };
  }
  return { status: 404, body: { message: `no route for ${method} ${path}` } };
}

function helpOf(operationId: string): string {
  const meta = ALL_OPERATIONS.find((candidate) => candidate.operationId === operationId);
  if (!meta) throw new Error(`no operation ${operationId}`);
  return operationHelp(meta, operationDoc(operationId));
}

/** The multipart form a request carried. */
function formOf(request: RecordedRequest | undefined): Promise<FormData> {
  if (!request) throw new Error("no such request");
  const headers = { "content-type": String(request.headers["content-type"]) };
  return new Request("http://form.test/", { method: "POST", headers, body: new Uint8Array(request.body) }).formData();
}

beforeAll(async () => {
  [server, dir] = await Promise.all([startFaultServer(answer), mkdtemp(join(tmpdir(), "bolna-cli-workflows-"))]);
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("bolna-api call", () => {
  it("--wait prints the execution in its final status, having placed the call once", async () => {
    const result = await runCli(
      ["call", "--agent-id", AGENT, "--to", "+15551234567", "--wait", "--poll-interval", "20ms"],
      env(),
    );
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(result.stdout)).toMatchObject({ id: DONE, status: "completed" });
    expect(sent("POST", "/call")).toHaveLength(1);
    expect(sent("GET", `/executions/${DONE}`)).toHaveLength(2);
  });

  it("a wait that times out exits 1, names the execution and the commands to follow it, and never calls again", async () => {
    const before = sent("POST", "/call").length;
    const result = await runCli(
      ["call", "--agent-id", AGENT, "--to", "+15551234569", "--wait", "--timeout", "1s", "--poll-interval", "100ms"],
      env(),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`execution ${STUCK} has no final status after 1s (last status: in-progress)`);
    expect(result.stderr).toContain(`bolna-api getExecution --execution-id ${STUCK}`);
    expect(sent("POST", "/call")).toHaveLength(before + 1);
  });
});

describe("bolna-api batch run", () => {
  it("reports every bad row by its line and sends nothing", async () => {
    const csv = join(dir, "bad.csv");
    await writeFile(
      csv,
      'contact_number,name\r\n+15551234567,Ok\r\n5551234567,"Two\r\nlines"\r\n+15557654321,Fine\r\n,Empty\r\n',
    );
    const before = server.requests.length;
    const result = await runCli(["batch", "run", csv, "--agent-id", AGENT], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`2 of 4 rows of ${csv} cannot be called; nothing was sent`);
    expect(result.stderr).toContain('line 3: contact_number "5551234567" is not an E.164 number');
    expect(result.stderr).toContain('line 6: contact_number ""');
    expect(result.stderr).not.toContain("contacts[");
    expect(server.requests).toHaveLength(before);
  });

  it("uploads the rows, schedules the batch and with --wait prints the finished batch", async () => {
    const csv = join(dir, "good.csv");
    await writeFile(csv, '\uFEFFcontact_number,customer_name\n+15551234567,"Lee, Jordan"\n+919876543210,Asha\n');
    const result = await runCli(
      ["batch", "run", csv, "--agent-id", AGENT, "--from-number", "+918035739196", "--wait", "--poll-interval", "20ms"],
      env(),
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Batch ${BATCH} scheduled (scheduled).`);
    expect(JSON.parse(result.stdout)).toMatchObject({ batch_id: BATCH, status: "completed" });
    const form = await formOf(sent("POST", "/batches")[0]);
    expect(form.getAll("from_phone_numbers")).toEqual(["+918035739196"]);
    expect(await (form.get("file") as File).text()).toBe(
      'contact_number,customer_name\r\n+15551234567,"Lee, Jordan"\r\n+919876543210,Asha\r\n',
    );
    const scheduled = (await formOf(sent("POST", `/batches/${BATCH}/schedule`)[0])).get("scheduled_at");
    expect(scheduled).toMatch(/\+00:00$/);
  });
});

describe("bolna-api recording download", () => {
  it("saves the audio, sending the key to the API only", async () => {
    const file = join(dir, "call.mp3");
    const result = await runCli(["recording", "download", DONE, "-o", file], env());
    expect(result).toMatchObject({ code: 0, stdout: "" });
    expect(result.stderr).toContain(`Saved the recording to ${file} (audio/mpeg).`);
    expect(new Uint8Array(await readFile(file))).toEqual(AUDIO);
    expect(sent("GET", `/recordings/call/${DONE}`)[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent("GET", `/storage/${DONE}.mp3`)[0]?.headers.authorization).toBeUndefined();
  });
});

describe("CLI wording", () => {
  it("the 7-day window error suggests bolna-api export, not a library function", async () => {
    const result = await runCli(
      ["listAgentExecutions", "--agent-id", AGENT, "--from", "2026-08-01T00:00:00Z", "--to", "2026-08-20T00:00:00Z"],
      env(),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Narrow it, or use `bolna-api export`, which splits any range into 7-day windows.");
    expect(result.stderr).not.toContain("exportExecutions");
  });

  it("names CLI commands for every library call an SDK message suggests", () => {
    expect(inCliTerms("Call getRecordingUrl() or downloadRecording() from a server.")).toBe(
      "Call `bolna-api recording download` from a server.",
    );
    expect(inCliTerms('wait again with waitForBatch("abc"), or stop it')).toBe(
      "wait again with `bolna-api getBatch --batch-id abc`, or stop it",
    );
    const timeout = new WaitTimeoutError('Execution x timed out: wait again with waitForExecution("x").', {
      timeoutMs: 1,
    });
    expect(describeError(timeout)).toBe(
      "WaitTimeoutError: Execution x timed out: wait again with `bolna-api getExecution --execution-id x`.",
    );
    expect(
      inCliTerms(
        "302 Found: redirected to https://s3.test/a.mp3, which the client does not follow (GET /recordings/call/e1)",
      ),
    ).toBe(
      "302 Found: redirected to https://s3.test/a.mp3, which the client does not follow (GET /recordings/call/e1). " +
        "Save the audio with `bolna-api recording download e1 -o FILE`",
    );
    expect(describeError(new BolnaInputError("f", "use exportExecutions()"))).toBe(
      "BolnaInputError: use `bolna-api export`",
    );
  });

  it("createBatch --help gives the CSV format and points to batch run; the new commands document themselves", () => {
    const help = helpOf("createBatch");
    expect(help).toContain("CSV format");
    expect(help).toMatch(/contact_number,\s+the\s+number\s+in\s+E\.164/);
    expect(help).toMatch(/Every\s+other\s+column\s+is\s+a\s+variable/);
    expect(help.replace(/\s+/g, " ")).toContain("`bolna-api batch run contacts.csv --agent-id ID`");
    const recording = helpOf("getCallRecording");
    expect(recording.replace(/\s+/g, " ")).toContain("`bolna-api recording download EXECUTION_ID -o FILE`");
    expect(callHelp()).toContain("--timeout <duration>");
    expect(callHelp()).toMatch(/call-disconnected\s+is\s+not\s+final/);
    expect(batchHelp()).toContain("contact_number,customer_name,appointment_day");
  });
});
