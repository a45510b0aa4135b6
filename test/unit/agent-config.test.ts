/**
 * Agent configuration, checked before sending. The spec's createAgent examples and the fixtures in
 * `test/fixtures/agents/` (a tour of every provider, ingest sources, patches) must be accepted by the client and
 * sent unchanged, be valid against the spec (Ajv over the bundled spec, the server's
 * view: open objects), and together use every schema and every alternative of the agent bodies. Each deliberately
 * wrong config must be refused with a `BolnaInputError` naming its path, with nothing sent. The client's own
 * validator must agree with Ajv on the normalized request schemas it uses.
 */
import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it, vi } from "vitest";
import {
  BolnaInputError,
  createBolnaClient,
  type AgentRequest,
  type BolnaClient,
  type BolnaClientOptions,
  type Logger,
} from "../../src/index.js";
import { requestBodySchemas, requestComponentSchemas } from "../../src/generated/request-bodies.js";
import { validateJsonSchema } from "../../src/extensions/internal/json-schema.js";
import { PATTERN_MEANING } from "../../src/extensions/internal/spec-refs.js";
import { componentSchema, schemaProblems } from "../contract/support/ajv.js";
import { patches } from "../fixtures/agents/patches.js";
import { ingestVariants, legacyTools, providerTour } from "../fixtures/agents/provider-tour.js";
import { acceptedByServer } from "../fixtures/agents/server-accepts.js";
import { wrongConfigs, type WrongConfig } from "../fixtures/agents/wrong.js";
import { requestBodyExample, requestBodyExamples } from "../support/spec-examples.js";
import { reachable, trace } from "./support/schema-coverage.js";

const AGENT_ID = "5f0a1b2c-3d4e-4f50-8a1b-2c3d4e5f6a7b";

const agents: Array<[string, AgentRequest]> = [
  ...requestBodyExamples("createAgent").map(([name, agent]): [string, AgentRequest] => [
    `spec example ${name}`,
    agent as AgentRequest,
  ]),
  ...providerTour.map((agent): [string, AgentRequest] => [`provider tour: ${agent.agent_config.agent_name}`, agent]),
  ...ingestVariants.map((agent, i): [string, AgentRequest] => [`ingest variant ${i}`, agent]),
  ["tools given as JSON text", legacyTools],
  ...acceptedByServer,
];

/** A client whose fetch records what would be sent and answers like the API. */
function recordingClient(options: Partial<BolnaClientOptions> = {}) {
  const sent: Array<{ method: string; path: string; body: unknown }> = [];
  const fetch = async (request: Request) => {
    sent.push({ method: request.method, path: new URL(request.url).pathname, body: JSON.parse(await request.text()) });
    const body =
      request.method === "POST" ? { agent_id: AGENT_ID, state: "created" } : { message: "success", state: "updated" };
    return Response.json(body, { status: request.method === "POST" ? 201 : 200 });
  };
  return { sent, bolna: createBolnaClient({ apiKey: "bn-test", env: {}, fetch, rateLimit: false, ...options }) };
}

describe("agent fixtures", () => {
  it.each(agents)("createAgent and replaceAgent send %s unchanged", async (_name, agent) => {
    const { sent, bolna } = recordingClient();
    await bolna.createAgent(agent);
    await bolna.replaceAgent({ agent_id: AGENT_ID, ...agent });
    expect(sent.map((s) => [s.method, s.path])).toEqual([
      ["POST", "/v2/agent"],
      ["PUT", `/v2/agent/${AGENT_ID}`],
    ]);
    for (const { body } of sent) expect(body).toEqual(JSON.parse(JSON.stringify(agent)));
  });

  it.each(agents)("%s is valid against the spec's AgentRequest (Ajv)", (_name, agent) => {
    expect(schemaProblems(componentSchema("AgentRequest"), agent)).toEqual([]);
  });

  it.each(patches.map((patch, i) => [i, patch] as const))(
    "patchAgent sends patch %i unchanged, valid against AgentPatchRequest",
    async (_i, patch) => {
      const { sent, bolna } = recordingClient();
      await bolna.patchAgent(patch);
      const { agent_id: _id, ...body } = patch;
      expect(sent).toEqual([{ method: "PATCH", path: `/v2/agent/${AGENT_ID}`, body }]);
      expect(schemaProblems(componentSchema("AgentPatchRequest"), body)).toEqual([]);
    },
  );

  it("together use every schema and every alternative of the agent bodies", () => {
    const used = new Set<string>();
    for (const [, agent] of agents) trace(componentSchema("AgentRequest"), agent, used);
    for (const { agent_id: _id, ...body } of patches) trace(componentSchema("AgentPatchRequest"), body, used);
    const expected = reachable(["AgentRequest", "AgentPatchRequest"]);
    const missing = [...expected].filter((label) => !used.has(label)).sort();
    expect(missing, "schemas or alternatives no fixture uses").toEqual([]);
    // A sanity floor, so that a broken tracer (which would also report nothing missing) cannot pass unnoticed.
    expect(expected.size).toBeGreaterThan(120);
  });
});

const refused = wrongConfigs.filter((c) => c.sentAtRuntime !== true);
const sentAtRuntime = wrongConfigs.filter((c) => c.sentAtRuntime === true);

function send(bolna: BolnaClient, c: WrongConfig): Promise<unknown> {
  return c.operationId === "createAgent"
    ? bolna.createAgent(c.body as AgentRequest)
    : bolna.patchAgent(c.body as never);
}

describe("wrong agent configs", () => {
  it.each(refused.map((c) => [c.name, c] as const))("refuses %s before sending, naming the path", async (_name, c) => {
    const { sent, bolna } = recordingClient();
    const error = await send(bolna, c).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BolnaInputError);
    expect((error as BolnaInputError).field).toBe(c.path);
    expect((error as BolnaInputError).message).toContain(`\`${c.path}\``);
    expect((error as BolnaInputError).message).toMatch(c.message);
    expect(sent, "nothing sent").toEqual([]);
  });

  it.each(sentAtRuntime.map((c) => [c.name, c] as const))(
    "sends %s as given (a compile error only), with a debug line naming the path",
    async (_name, c) => {
      const logger = { debug: vi.fn<Logger["debug"]>(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
      const { sent, bolna } = recordingClient({ logger, logLevel: "debug" });
      await send(bolna, c);
      const { agent_id: _id, ...body } = c.body;
      expect(sent.map((s) => s.body)).toEqual([JSON.parse(JSON.stringify(body))]);
      const lines = logger.debug.mock.calls.map(([line]) => String(line)).filter((line) => line.includes("declare"));
      expect(lines[0]).toContain(`\`${c.path}\``);
      for (const line of lines) expect(line).toMatch(/^bolna: \w+ sends `[^`]+`, a key the spec does not declare/);
    },
  );

  it("refuses an unknown top-level argument by name", async () => {
    const { sent, bolna } = recordingClient();
    const body = {
      ...(requestBodyExample("createAgent", "receptionist") as object),
      agent_confg: {},
    } as unknown as AgentRequest;
    await expect(bolna.createAgent(body)).rejects.toThrow(
      /`agent_confg` is not allowed here \(did you mean "agent_config"\?\)/,
    );
    expect(sent).toEqual([]);
  });

  it("refuses a provider Bolna's server does not know, naming the field", async () => {
    const { sent, bolna } = recordingClient();
    const agent = requestBodyExample("createAgent", "receptionist") as AgentRequest;
    const tools = agent.agent_config.tasks[0]!.tools_config;
    tools.synthesizer = { provider: "newvendor", provider_config: { timbre: "warm", pace: 1.1 } } as never;
    await expect(bolna.createAgent(agent)).rejects.toThrow(
      /`agent_config.tasks\[0\].tools_config.synthesizer.provider`/,
    );
    expect(sent).toEqual([]);
  });
});

describe("the client's validator agrees with Ajv on the normalized request schemas", () => {
  const ajv = new Ajv2020.default({ strict: true, allowUnionTypes: true, allErrors: true });
  // The words for a pattern's meaning are an annotation Ajv need not know.
  ajv.addVocabulary(["components", PATTERN_MEANING]);
  ajv.addSchema({ $id: "request-bodies.json", components: { schemas: requestComponentSchemas } });
  const rebase = (schema: unknown): object =>
    JSON.parse(
      JSON.stringify(schema).replaceAll('"#/components/schemas/', '"request-bodies.json#/components/schemas/'),
    );
  const validators = Object.fromEntries(
    Object.entries(requestBodySchemas).map(([id, schema]) => [id, ajv.compile(rebase(schema))]),
  );

  const bodies: Array<[string, string, unknown, boolean]> = [
    ...agents.map(([name, agent]): [string, string, unknown, boolean] => [name, "createAgent", agent, true]),
    ...patches.map(({ agent_id: _id, ...body }, i): [string, string, unknown, boolean] => [
      `patch ${i}`,
      "patchAgent",
      body,
      true,
    ]),
    ...wrongConfigs.map((c): [string, string, unknown, boolean] => {
      const { agent_id: _id, ...body } = c.body;
      return [c.name, c.operationId, body, false];
    }),
  ];

  it.each(bodies)("%s (%s)", (_name, operationId, body, valid) => {
    const schema = requestBodySchemas[operationId];
    const ours = validateJsonSchema(schema ?? false, body, requestComponentSchemas);
    expect(ours.length === 0, JSON.stringify(ours)).toBe(valid);
    expect(validators[operationId]?.(body), JSON.stringify(validators[operationId]?.errors)).toBe(valid);
  });
});
