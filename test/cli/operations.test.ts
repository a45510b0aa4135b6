/**
 * `bolna-api <operationId>` as a child process: calls against a Prism mock of the spec (JSON, multipart with a file,
 * `--body`), the exit status of each error class against a loopback server that answers what the test says, the
 * refusals that happen before anything is sent, and the API key never appearing in any output.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPrism, type PrismProcess } from "../../src/mock/prism.js";
import { startFaultServer, type Fault, type FaultServer } from "../support/fault-server.js";
import { runCli } from "./support/run-cli.js";

const AGENT_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const KEY = "bn-test-9f3c2a7e1d5b4c6a8e0f";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bolna-cli-ops-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("against the Prism mock of the spec", () => {
  let prism: PrismProcess;
  const env = () => ({ BOLNA_API_KEY: KEY, BOLNA_BASE_URL: prism.url });
  beforeAll(async () => {
    prism = await startPrism();
  }, 60_000);
  afterAll(() => prism.stop());

  it("listAgents prints the response as JSON on stdout", async () => {
    const result = await runCli(["listAgents"], env());
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const agents = JSON.parse(result.stdout) as Array<{ id: string }>;
    expect(Array.isArray(agents)).toBe(true);
    expect(agents[0]?.id).toBe(AGENT_ID);
  });

  it("getAgent takes its path parameter as --agent-id; --base-url overrides BOLNA_BASE_URL", async () => {
    const result = await runCli(["getAgent", "--agent-id", AGENT_ID, "--base-url", prism.url], {
      BOLNA_API_KEY: KEY,
      BOLNA_BASE_URL: "http://127.0.0.1:9",
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ id: AGENT_ID });
  });

  it("createBatch uploads --file @path as multipart, with a repeated array flag", async () => {
    const csv = join(dir, "contacts.csv");
    await writeFile(csv, "contact_number,name\n+919876543210,Lucius\n");
    const result = await runCli(
      [
        "createBatch",
        "--agent-id",
        AGENT_ID,
        "--file",
        `@${csv}`,
        "--from-phone-numbers",
        "+918035739196",
        "--from-phone-numbers",
        "+918035739197",
      ],
      env(),
    );
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(result.stdout)).toHaveProperty("batch_id");
  });

  it("makeCall takes its body from --body @file.json plus flags", async () => {
    const body = join(dir, "call.json");
    await writeFile(body, JSON.stringify({ agent_id: AGENT_ID, user_data: { name: "Lucius" } }));
    const result = await runCli(["makeCall", "--body", `@${body}`, "--recipient-phone-number", "+10123456789"], env());
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(result.stdout)).toHaveProperty("execution_id");
  });

  it("listAgentExecutions prints the page envelope", async () => {
    const result = await runCli(
      [
        "listAgentExecutions",
        "--agent-id",
        AGENT_ID,
        "--from",
        "2026-08-01T00:00:00Z",
        "--to",
        "2026-08-07T00:00:00Z",
        "--page-size",
        "5",
      ],
      env(),
    );
    expect(result.code).toBe(0);
    const page = JSON.parse(result.stdout) as { page_number: unknown; has_more: unknown; data: unknown };
    expect(page.page_number).toBe(1);
    expect(typeof page.has_more).toBe("boolean");
    expect(Array.isArray(page.data)).toBe(true);
  });
});

describe("exit statuses and refusals, against a loopback server", () => {
  let server: FaultServer;
  /** The answer per path: `/v2/agent/<status>` answers that status. */
  const answers: Record<string, Fault> = {
    "401": { status: 401, body: { detail: "Not authenticated" } },
    // Live Bolna answers a bad key with 403; the body echoes the key to check it is redacted from the message.
    "403": { status: 403, body: { message: `Unrecognized access token Bearer ${KEY}` } },
    "404": { status: 404, body: { detail: "Agent not found" } },
    "429": { status: 429, headers: { "retry-after-ms": "1" }, body: { detail: "Rate limit exceeded" } },
    "400": { status: 400, body: { message: "page_size must be between 1 and 50" } },
    "422": { status: 422, body: { detail: [{ loc: ["body", "agent_id"], msg: "field required" }] } },
    "409": { status: 409, body: { detail: "Batch is running" } },
    "503": { status: 503, headers: { "retry-after-ms": "1" }, body: { detail: "Service Unavailable" } },
  };
  beforeAll(async () => {
    server = await startFaultServer(
      (request) => answers[request.path.split("/").at(-1) ?? ""] ?? { status: 200, body: {} },
    );
  });
  afterAll(() => server.close());

  const call = (agentId: string, extraEnv: Record<string, string> = {}) =>
    runCli(["getAgent", "--agent-id", agentId], { BOLNA_API_KEY: KEY, BOLNA_BASE_URL: server.url, ...extraEnv });

  it.each([
    ["401", 3, "AuthenticationError: 401"],
    ["403", 3, "AuthenticationError: 403"],
    ["404", 4, "NotFoundError: 404"],
    ["429", 5, "RateLimitError: 429"],
    ["400", 2, "BadRequestError: 400"],
    ["422", 2, "UnprocessableEntityError: 422"],
    ["409", 1, "ConflictError: 409"],
    ["503", 1, "InternalServerError: 503"],
  ])("a %s answer exits %i", async (status, code, message) => {
    const result = await call(status);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain(KEY);
  });

  it("a refused connection exits 1", async () => {
    const result = await runCli(["listAgents"], { BOLNA_API_KEY: KEY, BOLNA_BASE_URL: "http://127.0.0.1:9" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("APIConnectionError");
  });

  it("refuses before sending: bad values (2), a missing key (3), a key given as a flag (2)", async () => {
    const before = server.requests.length;
    const env = { BOLNA_API_KEY: KEY, BOLNA_BASE_URL: server.url };
    const badEnum = await runCli(
      [
        "listAgentExecutions",
        "--agent-id",
        "a",
        "--from",
        "2026-08-01T00:00:00Z",
        "--to",
        "2026-08-02T00:00:00Z",
        "--call-type",
        "outgoing",
      ],
      env,
    );
    expect(badEnum.code).toBe(2);
    expect(badEnum.stderr).toContain("`call_type` must be one of");
    const wideWindow = await runCli(
      ["listAgentExecutions", "--agent-id", "a", "--from", "2026-08-01T00:00:00Z", "--to", "2026-08-30T00:00:00Z"],
      env,
    );
    expect(wideWindow.code).toBe(2);
    expect(wideWindow.stderr).toContain("at most 7 days");
    const notANumber = await runCli(["listAgentExecutions", "--agent-id", "a", "--page-size", "ten"], env);
    expect(notANumber).toMatchObject({ code: 2, stderr: '--page-size must be an integer; got "ten".\n' });
    const snakeCase = await runCli(["getAgent", "--agent_id", "a"], env);
    expect(snakeCase.code).toBe(2);
    expect(snakeCase.stderr).toContain("flags use dashes: --agent-id");
    const unknown = await runCli(["getAgents"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "getAgents"');
    const bodyForPath = await runCli(["patchAgent", "--agent-id", "a", "--body", '{"agent_id":"b"}'], env);
    expect(bodyForPath.code).toBe(2);
    expect(bodyForPath.stderr).toContain("pass --agent-id instead");
    const noFile = await runCli(["createBatch", "--agent-id", "a", "--file", `@${join(dir, "missing.csv")}`], env);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain("--file: cannot read");

    const noKey = await runCli(["listAgents"], { BOLNA_BASE_URL: server.url });
    expect(noKey.code).toBe(3);
    expect(noKey.stderr).toContain("BOLNA_API_KEY is not set");

    for (const args of [
      ["listAgents", `--api-key=${KEY}`],
      ["listAgents", "--api-key", KEY],
      ["export", "--token", KEY],
    ]) {
      const flagged = await runCli(args, { BOLNA_BASE_URL: server.url });
      expect(flagged.code).toBe(2);
      expect(flagged.stderr).toMatch(
        /^Refusing --(api-key|token): an API key typed on the command line stays in your shell history/,
      );
      expect(flagged.stderr + flagged.stdout).not.toContain(KEY);
    }
    expect(server.requests.length, "requests sent by commands that should have been refused").toBe(before);
  });
});
