/**
 * `validateResponses` (issue 19, item 5): a 2xx body that differs from the spec is reported with the operation, a
 * JSON pointer and the expected vs actual type, as one `warn` line or as an `InvalidResponseError`, for every page
 * of a paginated method; what is not drift (extra keys) passes; the option is off by default.
 */
import { describe, expect, it, vi } from "vitest";
import { ConfigurationError, InvalidResponseError, createBolnaClient, type Logger } from "../../src/index.js";
import type { BolnaClientOptions } from "../../src/index.js";
import { findDrift, jsonPointer } from "../../src/extensions/internal/response-check.js";
import { validateJsonSchema } from "../../src/extensions/internal/json-schema.js";
import { createFitCompiler } from "../../src/extensions/internal/schema-fit.js";
import { responseBodySchemas, responseComponentSchemas } from "../../src/generated/response-bodies.js";
import { exampleExecutionIds, successExample } from "../support/spec-examples.js";

const KEY = "bn-validate-responses-0123456789";
const AGENT = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

type Agent = Record<string, unknown> & { agent_config: { tasks: Array<Record<string, unknown>> } };

/** The spec's example agent, changed by `edit`. */
function agent(edit: (body: Agent) => void = () => {}): Agent {
  const body = structuredClone(successExample("/v2/agent/{agent_id}")) as Agent;
  edit(body);
  return body;
}

function spyLogger() {
  const warn = vi.fn<Logger["warn"]>();
  return { debug: vi.fn<Logger["debug"]>(), info: vi.fn<Logger["info"]>(), warn, error: vi.fn<Logger["error"]>() };
}

/** A client whose every request is answered 200 with `bodyFor(url)` as JSON. */
function clientAnswering(bodyFor: (url: URL) => unknown, options: BolnaClientOptions = {}) {
  return createBolnaClient({
    apiKey: KEY,
    baseUrl: "https://api.bolna.ai",
    env: {},
    rateLimit: false,
    maxRetries: 0,
    fetch: async (request) => Response.json(bodyFor(new URL(request.url))),
    ...options,
  });
}

describe("what counts as drift", () => {
  it("the spec's own example is not drift, and neither is an unknown extra key", () => {
    expect(findDrift("getAgent", 200, agent())).toEqual([]);
    expect(
      findDrift(
        "getAgent",
        200,
        agent((a) => (a.brand_new_field = { nested: [1] })),
      ),
    ).toEqual([]);
  });

  it("a changed type, a missing required field and a value outside a closed enum are", () => {
    const drifted = agent((a) => {
      a.agent_name = 42;
      delete a.id;
      const task = a.agent_config.tasks[0] as { tools_config: { input: Record<string, unknown> } };
      task.tools_config.input.provider = "carrier-pigeon";
    });
    expect(findDrift("getAgent", 200, drifted)).toEqual([
      { pointer: "/id", expected: "present", actual: "missing" },
      { pointer: "/agent_name", expected: "string", actual: "integer" },
      {
        pointer: "/agent_config/tasks/0/tools_config/input/provider",
        expected: expect.stringMatching(/^one of "twilio", "plivo", /) as string,
        actual: "another string",
      },
    ]);
  });

  it("null where the spec does not allow it is a type change", () => {
    expect(
      findDrift(
        "getAgent",
        200,
        agent((a) => (a.agent_name = null)),
      ),
    ).toEqual([{ pointer: "/agent_name", expected: "string", actual: "null" }]);
  });

  it("a status the spec gives no JSON schema is not checked", () => {
    expect(findDrift("getAgent", 299, "anything")).toEqual([]);
  });

  it("pointers follow RFC 6901", () => {
    expect(jsonPointer("$")).toBe("");
    expect(jsonPointer("$.tasks[0].tools_config")).toBe("/tasks/0/tools_config");
    expect(jsonPointer('$["a/b"]["~x"][12]')).toBe("/a~1b/~0x/12");
  });
});

/** Every copy of `body` with one value replaced by another kind of value, or one key removed. */
function* mutations(body: unknown): Generator<unknown> {
  const replacements: unknown[] = [42, 1.5, "text", true, null, {}, []];
  function* at(node: unknown, rebuild: (value: unknown) => unknown): Generator<unknown> {
    for (const other of replacements) if (JSON.stringify(other) !== JSON.stringify(node)) yield rebuild(other);
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) {
        yield* at(item, (value) => rebuild(node.map((old, j) => (j === i ? value : old))));
      }
    } else if (node !== null && typeof node === "object") {
      for (const [key, item] of Object.entries(node)) {
        const { [key]: _removed, ...without } = node as Record<string, unknown>;
        yield rebuild(without);
        yield* at(item, (value) => rebuild({ ...node, [key]: value }));
      }
    }
  }
  yield* at(body, (value) => value);
}

describe("the fast check agrees with the full validator", () => {
  const fitOf = createFitCompiler(responseComponentSchemas);
  it.each([
    ["getAgent", "/v2/agent/{agent_id}"],
    ["getExecution", "/executions/{execution_id}"],
    ["listAgents", "/v2/agent/all"],
  ])("on every one-value change of %s's example", (operationId, path) => {
    const schema = responseBodySchemas[operationId]?.["200"];
    if (schema === undefined) throw new Error(`no response schema for ${operationId}`);
    let drifted = 0;
    let count = 0;
    for (const body of mutations(successExample(path))) {
      const fits = validateJsonSchema(schema, body, responseComponentSchemas).length === 0;
      expect(fitOf(schema)(body), JSON.stringify(body).slice(0, 200)).toBe(fits);
      count++;
      if (!fits) drifted++;
    }
    // Both outcomes occur, so the comparison is not one-sided.
    expect(drifted).toBeGreaterThan(10);
    expect(count - drifted).toBeGreaterThan(10);
  });
});

describe("validateResponses", () => {
  const longName = `${KEY} ${"x".repeat(200)}`;
  const drifted = () => agent((a) => (a.agent_name = { value: longName }));

  it("is off by default: a drifted body comes back as it is, and nothing is logged", async () => {
    const logger = spyLogger();
    const bolna = clientAnswering(drifted, { logger, logLevel: "debug" });
    await expect(bolna.getAgent({ agent_id: AGENT })).resolves.toMatchObject({ agent_name: { value: longName } });
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('"warn" logs one line naming the operation, pointer and types, with a short redacted excerpt', async () => {
    const logger = spyLogger();
    const bolna = clientAnswering(drifted, { logger, validateResponses: "warn" });
    const data = await bolna.getAgent({ agent_id: AGENT });
    expect(data.agent_name).toEqual({ value: longName });
    expect(logger.warn).toHaveBeenCalledTimes(1);
    const line = String(logger.warn.mock.calls[0]?.[0]);
    expect(line).toContain("getAgent");
    expect(line).toContain("/agent_name: expected string, got object");
    expect(line).toContain(`GET /v2/agent/${AGENT}`);
    expect(line).not.toContain(KEY);
    expect(line).not.toContain("x".repeat(30));
    expect(line).not.toMatch(/\n/);
  });

  it('"throw" throws an InvalidResponseError carrying the operation, pointer, and expected vs actual', async () => {
    const bolna = clientAnswering(drifted, { validateResponses: "throw" });
    const error = await bolna.getAgent({ agent_id: AGENT }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({
      status: 200,
      operationId: "getAgent",
      pointer: "/agent_name",
      expected: "string",
      actual: "object",
      mismatches: [{ pointer: "/agent_name", expected: "string", actual: "object" }],
    });
    expect((error as Error).message).toContain("getAgent");
    expect(JSON.stringify(error)).not.toContain(KEY);
  });

  it("a call's own setting overrides the client's, false included", async () => {
    const logger = spyLogger();
    const throwing = clientAnswering(drifted, { logger, validateResponses: "throw" });
    await expect(throwing.getAgent({ agent_id: AGENT }, { validateResponses: false })).resolves.toBeDefined();
    await expect(throwing.getAgent({ agent_id: AGENT }, { validateResponses: "warn" })).resolves.toBeDefined();
    expect(logger.warn).toHaveBeenCalledTimes(1);
    const off = clientAnswering(drifted, { logger });
    await expect(off.getAgent({ agent_id: AGENT }, { validateResponses: "throw" })).rejects.toBeInstanceOf(
      InvalidResponseError,
    );
  });

  it("checks every page of a paginated method", async () => {
    const ids = exampleExecutionIds();
    const page = (n: number) => ({
      page_number: n,
      page_size: 1,
      total: 2,
      has_more: n === 1,
      // The second page's record lost its required `status`.
      data: [n === 1 ? { id: ids[0], agent_id: AGENT, status: "completed" } : { id: ids[1], agent_id: AGENT }],
    });
    const bolna = clientAnswering((url) => page(Number(url.searchParams.get("page_number"))), {
      validateResponses: "throw",
    });
    const seen: unknown[] = [];
    const walk = async () => {
      for await (const execution of bolna.listAgentExecutions({
        agent_id: AGENT,
        from: "2026-11-01T00:00:00Z",
        to: "2026-11-02T00:00:00Z",
        page_size: 1,
      }))
        seen.push(execution);
    };
    await expect(walk()).rejects.toMatchObject({
      operationId: "listAgentExecutions",
      pointer: "/data/0/status",
      actual: "missing",
    });
    expect(seen).toHaveLength(1);
  });

  it("refuses a value it does not know, client-wide and per call", async () => {
    expect(() => clientAnswering(() => agent(), { validateResponses: "log" as never })).toThrow(ConfigurationError);
    const bolna = clientAnswering(() => agent());
    await expect(bolna.getAgent({ agent_id: AGENT }, { validateResponses: true as never })).rejects.toThrow(
      /validateResponses must be "warn", "throw" or false/,
    );
  });
});
