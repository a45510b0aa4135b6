/**
 * The client's agent-body check accepts what Bolna's server model accepts (an empty or missing prompt of a graph
 * agent, `agent_type: ""`, `stop` and `summarization_details`, the flat `llm_agent` form, a speech-to-speech task)
 * and still refuses, naming the field, what the server refuses too.
 */
import { describe, expect, it } from "vitest";
import { BolnaInputError } from "../../src/index.js";
import { assertStrictBody } from "../../src/extensions/internal/strict-body.js";
import { acceptedByServer, refusedByServer } from "../fixtures/agents/server-accepts.js";

describe("agent bodies the server model accepts", () => {
  it.each(acceptedByServer)("accepts %s", (_name, body) => {
    expect(() => assertStrictBody("createAgent", body)).not.toThrow();
  });
});

describe("agent bodies the server refuses too", () => {
  it.each(refusedByServer.map((c) => [c.name, c] as const))("refuses %s, naming the field", (_name, c) => {
    let error: unknown;
    try {
      assertStrictBody("createAgent", c.body);
    } catch (caught) {
      error = caught;
    }
    expect(error, c.why).toBeInstanceOf(BolnaInputError);
    expect((error as BolnaInputError).field, c.why).toBe(c.path);
    expect((error as BolnaInputError).message, c.why).toMatch(c.message);
  });
});
