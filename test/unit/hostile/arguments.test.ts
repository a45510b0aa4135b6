/**
 * Issue 9, items 9 and 12, and issue 13's "dates everywhere": what a caller passes is checked as own properties, a
 * path parameter cannot resolve to another route, and every date-time goes out in one canonical form (or is refused,
 * with nothing sent).
 */
import { afterEach, describe, expect, it } from "vitest";
import { BolnaInputError, createBolnaClient, type OperationArgs } from "../../../src/index.js";
import { sendJson, serverPool, type HostileServer } from "../support/hostile-server.js";

const KEY = "bn-hostile-arguments-0123456789";
const AGENT = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const EMPTY_PAGE = { page_number: 1, page_size: 20, total: 0, has_more: false, data: [] };

const servers = serverPool();
afterEach(() => servers.closeAll());

/** A server answering every request with a plausible 200 for its path. */
async function okServer(): Promise<HostileServer> {
  return servers.start((req, res) => {
    const path = req.url ?? "";
    sendJson(
      res,
      200,
      path.includes("/executions") ? EMPTY_PAGE : { message: "success", state: "done", execution_id: "e1" },
    );
  });
}

async function refused(
  server: HostileServer,
  call: () => PromiseLike<unknown>,
  field: string,
): Promise<BolnaInputError> {
  const error = await Promise.resolve(call()).then(
    () => expect.unreachable("the call was sent"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BolnaInputError);
  expect((error as BolnaInputError).field).toBe(field);
  expect(server.requests).toHaveLength(0);
  return error as BolnaInputError;
}

describe("path parameters", () => {
  it.each([
    ["deleteBatch", "batch_id", ".."],
    ["deleteBatch", "batch_id", "."],
    ["getAgent", "agent_id", "."],
    ["getAgent", "agent_id", ".."],
    ["stopBatch", "batch_id", "."],
  ] as const)(
    "%s({ %s: %j }) is refused: the URL parser would resolve it to another route",
    async (method, field, value) => {
      const server = await okServer();
      const bolna = createBolnaClient({ apiKey: KEY, baseUrl: server.url, env: {}, rateLimit: false });
      const call = bolna[method] as unknown as (args: Record<string, unknown>) => Promise<unknown>;
      const error = await refused(server, () => call({ [field]: value }), field);
      expect(error.message).toContain(`must not be "${value}"`);
    },
  );

  it("still sends ids that merely contain dots", async () => {
    const server = await okServer();
    const bolna = createBolnaClient({ apiKey: KEY, baseUrl: server.url, env: {}, rateLimit: false });
    await bolna.getBatch({ batch_id: "v1..2" });
    expect(server.requests.map((r) => r.path)).toEqual(["/batches/v1..2"]);
  });
});

describe("arguments are own properties", () => {
  it("an inherited agent_id does not satisfy the required check", async () => {
    const server = await okServer();
    const bolna = createBolnaClient({ apiKey: KEY, baseUrl: server.url, env: {}, rateLimit: false });
    const args = Object.create({ agent_id: AGENT }) as OperationArgs<"getAgent">;
    const error = await refused(server, () => bolna.getAgent(args), "agent_id");
    expect(error.message).toContain("is required");
  });

  it("an own __proto__ key (as JSON.parse makes) is refused, not merged into the body's prototype", async () => {
    const server = await okServer();
    const bolna = createBolnaClient({ apiKey: KEY, baseUrl: server.url, env: {}, rateLimit: false });
    const args = JSON.parse(
      `{"agent_id": "${AGENT}", "recipient_phone_number": "+10123456789", "__proto__": {"bypass_call_guardrails": true}}`,
    ) as OperationArgs<"makeCall">;
    await refused(server, () => bolna.makeCall(args), "__proto__");
  });

  it.each([null, "agent", ["a"]])("refuses %j as the argument object", async (args) => {
    const server = await okServer();
    const bolna = createBolnaClient({ apiKey: KEY, baseUrl: server.url, env: {}, rateLimit: false });
    await refused(server, () => bolna.getAgent(args as unknown as OperationArgs<"getAgent">), "arguments");
  });
});

describe("date-times", () => {
  const window = { from: "2026-01-01T00:00:00Z", to: "2026-01-08T00:00:00Z" };

  it("refuses a window of 7 days and 0.9 ms: the end rounds up, and the check sees what is sent", async () => {
    const server = await okServer();
    const bolna = createBolnaClient({ apiKey: KEY, baseUrl: server.url, env: {}, rateLimit: false });
    const error = await refused(
      server,
      () => bolna.listAgentExecutions({ agent_id: AGENT, from: window.from, to: "2026-01-08T00:00:00.0009Z" }),
      "to",
    );
    expect(error.message).toMatch(/7 days/);
  });

  it("sends exactly 7 days, and every accepted spelling of from/to in one canonical form", async () => {
    const server = await okServer();
    const bolna = createBolnaClient({ apiKey: KEY, baseUrl: server.url, env: {}, rateLimit: false });
    await bolna.listAgentExecutions({ agent_id: AGENT, ...window });
    await bolna.listAgentExecutions({ agent_id: AGENT, from: "2026-01-01 00:00:00z", to: "2026-01-08T05:30+05:30" });
    await bolna.listAgentExecutions({
      agent_id: AGENT,
      from: new Date("2026-01-01T00:00:00Z"),
      to: new Date("2026-01-07T23:59:59.999Z"),
    });
    await bolna.listAgentExecutions({ agent_id: AGENT, from: "2026-01-01T00:00:00.000000Z", to: "2026-01-08T00:00Z" });
    expect(server.requests.map((r) => [r.query.get("from"), r.query.get("to")])).toEqual([
      ["2026-01-01T00:00:00.000Z", "2026-01-08T00:00:00.000Z"],
      ["2026-01-01T00:00:00.000Z", "2026-01-08T00:00:00.000Z"],
      ["2026-01-01T00:00:00.000Z", "2026-01-07T23:59:59.999Z"],
      ["2026-01-01T00:00:00.000Z", "2026-01-08T00:00:00.000Z"],
    ]);
  });

  it("the typed arguments accept a Date for query date-times as well as body ones", () => {
    const args: OperationArgs<"listAgentExecutions"> = { agent_id: AGENT, from: new Date(), to: new Date() };
    const call: OperationArgs<"makeCall"> = { agent_id: AGENT, recipient_phone_number: "+1", scheduled_at: new Date() };
    expect(args.from).toBeInstanceOf(Date);
    expect(call.scheduled_at).toBeInstanceOf(Date);
  });

  it("sends scheduled_at with a numeric offset in one canonical form", async () => {
    const server = await okServer();
    const bolna = createBolnaClient({ apiKey: KEY, baseUrl: server.url, env: {}, rateLimit: false });
    const call = { agent_id: AGENT, recipient_phone_number: "+10123456789" };
    await bolna.makeCall({ ...call, scheduled_at: "2026-06-05 10:00+05:30" });
    await bolna.makeCall({ ...call, scheduled_at: "2026-06-05T04:30:00.000z" });
    await bolna.makeCall({ ...call, scheduled_at: new Date("2026-06-05T04:30:00.250Z") });
    expect(server.requests.map((r) => (JSON.parse(r.body) as { scheduled_at: string }).scheduled_at)).toEqual([
      "2026-06-05T10:00:00+05:30",
      "2026-06-05T04:30:00+00:00",
      "2026-06-05T04:30:00.250+00:00",
    ]);
  });

  it("reads a string without a zone as UTC, as Bolna writes its own timestamps", async () => {
    const server = await okServer();
    const bolna = createBolnaClient({ apiKey: KEY, baseUrl: server.url, env: {}, rateLimit: false });
    await bolna.listAgentExecutions({ agent_id: AGENT, from: "2026-01-01T00:00:00.123456", to: window.to });
    expect(server.requests[0]?.query.get("from")).toBe("2026-01-01T00:00:00.123Z");
  });

  it.each([
    ["a date without a time", "2026-01-01"],
    ["an invalid Date", new Date(Number.NaN)],
    ["a Date past year 9999", new Date("+010000-01-01T00:00:00Z")],
  ])("refuses %s for from, with nothing sent", async (_label, from) => {
    const server = await okServer();
    const bolna = createBolnaClient({ apiKey: KEY, baseUrl: server.url, env: {}, rateLimit: false });
    await refused(server, () => bolna.listAgentExecutions({ agent_id: AGENT, from, to: window.to }), "from");
  });
});
