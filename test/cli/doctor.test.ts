/**
 * `bolna-api doctor` (issue 19, item 5): against the mock it reports no drift; against a server that changed a
 * field's type it names that operation and pointer and exits 1; a refused key exits 3. The report never carries an
 * ID, a value or the key. One mock serves the file; the drifting server is a small loopback proxy in front of it.
 * The runs are in-process (`diagnose`), but for one child process that checks the command's exit status.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diagnose } from "../../src/cli/doctor.js";
import { doctorHelp } from "../../src/cli/help.js";
import { createBolnaClient } from "../../src/index.js";
import { startMockServer, type MockServer } from "../../src/mock/server.js";
import { listenOnLoopback, type LoopbackServer } from "../support/loopback-server.js";
import { successExample } from "../support/spec-examples.js";
import { runCli } from "./support/run-cli.js";

const KEY = "bn-doctor-test-key-0123456789";
const REFUSED_KEY = "bn-doctor-refused-key-0123456789";
/** The proxy's `Date` on every answer, so the clock check can be tested with an injected clock. */
const SERVER_DATE = "Tue, 01 Dec 2026 12:00:00 GMT";
const AGENT = successExample("/v2/agent/{agent_id}") as { id: string; agent_name: string };

let mock: MockServer;
let drifting: LoopbackServer;

/**
 * Forwards to the mock, answering a refused key with Bolna's 403, returning `agent_name` as a number, and sending a
 * rate-limit header the mock does not.
 */
async function startDriftingProxy(target: string): Promise<LoopbackServer> {
  return listenOnLoopback((req, res, received) => {
    void (async () => {
      if (received.headers.authorization === `Bearer ${REFUSED_KEY}`) {
        res.writeHead(403, { "content-type": "application/json", date: SERVER_DATE });
        res.end(JSON.stringify({ message: "Unrecognized access token" }));
        return;
      }
      const answer = await fetch(`${target}${req.url ?? "/"}`, {
        headers: { authorization: String(received.headers.authorization) },
      });
      const body = (await answer.json()) as Record<string, unknown>;
      if (/^\/v2\/agent\/[^/]+$/.test(received.path) && received.path !== "/v2/agent/all") body.agent_name = 42;
      const headers = { "content-type": "application/json", date: SERVER_DATE, "x-ratelimit-remaining": "99" };
      res.writeHead(answer.status, headers);
      res.end(JSON.stringify(body));
    })();
  }, 110_000);
}

async function report(baseUrl: string, options: { apiKey?: string; now?: () => number } = {}) {
  let text = "";
  const client = createBolnaClient({ apiKey: options.apiKey ?? KEY, baseUrl, env: {} });
  const write = (chunk: string) => (text += chunk);
  const status = await diagnose(client, { baseUrl, write, ...(options.now ? { now: options.now } : {}) });
  return { status, text };
}

/** Nothing the server holds is in the report: no ID, no value, no key. */
function expectNoValues(text: string): void {
  expect(text).not.toContain(KEY);
  expect(text).not.toContain(AGENT.id);
  expect(text).not.toContain(AGENT.agent_name);
}

beforeAll(async () => {
  mock = await startMockServer({ port: 0 });
  drifting = await startDriftingProxy(mock.url);
}, 60_000);

afterAll(async () => {
  await drifting?.close();
  await mock?.close();
});

describe("bolna-api doctor", () => {
  it("reports no drift against the mock, having sampled lists and the gets their IDs open", async () => {
    const { status, text } = await report(mock.url);
    expect(status).toBe(0);
    expect(text).toContain("API key       accepted (getCurrentUser answered 200)");
    expect(text).toMatch(/Rate limit +the server sent no rate-limit headers; the client's own limits per minute/);
    for (const id of ["listAgents", "getAgent", "listAgentExecutions", "getExecution", "getBatch"]) {
      expect(text).toMatch(new RegExp(`\\n  ok +${id} +GET `));
    }
    // Derived from the metadata: operations it cannot fill are listed with why, not silently left out.
    expect(text).toMatch(/searchPhoneNumbers +needs country/);
    expect(text).toContain("Result: no drift");
    expect(text).not.toMatch(/\n {2}(drift|failed) /);
    expectNoValues(text);
  });

  it("names the operation and pointer of a changed type, and the clock skew, exiting 1", async () => {
    const now = () => Date.parse(SERVER_DATE) + 120_000;
    const { status, text } = await report(drifting.url, { now });
    expect(status).toBe(1);
    expect(text).toMatch(
      /\n {2}drift +getAgent +GET \/v2\/agent\/\{agent_id\}\n +\/agent_name: expected string, got integer\n/,
    );
    expect(text).toMatch(/\n {2}ok +listAgents /);
    expect(text).toContain("Clock         120 s ahead of the server's Date header; set this machine's clock");
    expect(text).toContain("Rate limit    x-ratelimit-remaining: 99\n");
    expect(text).toContain("Result: drift in 1 of");
    expectNoValues(text);
  });

  it("exits 3 when the key is refused, after one request", async () => {
    const { status, text } = await report(drifting.url, { apiKey: REFUSED_KEY });
    expect(status).toBe(3);
    expect(text).toContain("API key       refused: getCurrentUser answered 403. Check BOLNA_API_KEY.");
    expect(text).not.toContain("Operations checked");
    expect(text).not.toContain(REFUSED_KEY);
  });

  it("as a command: the same report on stdout and exit status 1 on drift", async () => {
    const result = await runCli(["doctor", "--base-url", drifting.url], { BOLNA_API_KEY: KEY });
    expect(result).toMatchObject({ code: 1, stderr: "" });
    expect(result.stdout).toMatch(/drift +getAgent .*\n +\/agent_name: expected string, got integer/);
  });

  it("--help says what it checks, that the report holds no values, and the exit statuses", () => {
    const help = doctorHelp();
    expect(help).toContain("bolna-api doctor [--base-url URL]");
    expect(help).toContain("never an ID, a value or the key");
    expect(help.replace(/\s+/g, " ")).toContain(
      "0 no drift, 1 drift (or a sample that failed), 3 the key is missing or refused",
    );
  });
});
