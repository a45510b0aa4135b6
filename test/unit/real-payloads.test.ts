/**
 * Request bodies from public code (`test/fixtures/payloads/`) go through what the client does before sending —
 * the argument checks of the operation and, for the agent operations, the whole-body check — and, as the client
 * would send them, through Ajv over the bundled spec. Each is accepted by both, or refused by both for a reason the
 * server shares (the fixture says which field and why).
 *
 * Numbers and booleans written as text (`sampling_rate: "8000"`): the client's check accepts them, as the server's
 * pydantic model does, and sends them as given; the spec keeps them typed as numbers and booleans, so Ajv must
 * refuse such a body and accept it once text is read as the number or boolean it spells.
 */
import { describe, expect, it } from "vitest";
import { BolnaInputError } from "../../src/index.js";
import { prepareArguments } from "../../src/extensions/internal/arguments.js";
import * as argumentRules from "../../src/extensions/internal/argument-rules.js";
import { ALL_OPERATIONS } from "../../src/extensions/internal/operation-table.js";
import { assertStrictBody } from "../../src/extensions/internal/strict-body.js";
import { laxSchemaProblems, schemaProblems } from "../contract/support/ajv.js";
import { operation } from "../contract/support/spec.js";
import { payloads, type PayloadFixture } from "../fixtures/payloads/index.js";

const API_KEY = /\bbn-[0-9a-f]{16,}/i;

function metadataOf(operationId: string) {
  const meta = ALL_OPERATIONS.find((m) => m.operationId === operationId);
  if (meta === undefined) throw new Error(`${operationId} is not an operation of the spec`);
  return meta;
}

/** What the client sends for this fixture, or the error it throws instead. */
function clientCheck(fixture: PayloadFixture): { sent: Record<string, unknown> } | { error: unknown } {
  const meta = metadataOf(fixture.operation);
  try {
    const { body } = prepareArguments(meta, { ...fixture.path, ...fixture.body }, argumentRules);
    if (meta.body?.strict) assertStrictBody(fixture.operation, body);
    return { sent: body ?? {} };
  } catch (error) {
    return { error };
  }
}

function bodySchema(operationId: string) {
  const body = operation(operationId).requestBody;
  if (body === undefined) throw new Error(`${operationId} takes no body`);
  return body.schema;
}

const accepted = payloads.filter((p) => p.expected === "accepted");
const refused = payloads.flatMap((p) => (p.expected === "accepted" ? [] : [{ ...p, refusal: p.expected.refused }]));

describe("real payloads: provenance", () => {
  it("holds at least 20 bodies from at least 10 repositories", () => {
    expect(payloads.length).toBeGreaterThanOrEqual(20);
    expect(new Set(payloads.map((p) => p.source.repository)).size).toBeGreaterThanOrEqual(10);
  });

  it.each(payloads.map((p) => [p.name, p] as const))("%s names its source, operation and oddity", (_name, p) => {
    expect(p.source.repository).toMatch(/^[\w.-]+\/[\w.-]+$/);
    expect(p.source.path).not.toBe("");
    expect(p.note).not.toBe("");
    expect(p.sentTo).toMatch(/^(GET|POST|PUT|PATCH|DELETE) /);
    expect(() => metadataOf(p.operation)).not.toThrow();
    expect(JSON.stringify(p)).not.toMatch(API_KEY);
  });
});

describe("real payloads the server accepts", () => {
  it.each(accepted.map((p) => [p.name, p] as const))("%s passes the client's checks", (_name, p) => {
    const result = clientCheck(p);
    expect("error" in result ? result.error : undefined).toBeUndefined();
  });

  it.each(accepted.map((p) => [p.name, p] as const))("%s, as sent, is valid against the spec", (_name, p) => {
    const result = clientCheck(p);
    const sent = "sent" in result ? result.sent : p.body;
    const problems = schemaProblems(bodySchema(p.operation), sent);
    if (p.textNumbers) {
      expect(problems, "text numbers should fail the spec's types").not.toEqual([]);
      expect(laxSchemaProblems(bodySchema(p.operation), sent)).toEqual([]);
    } else {
      expect(problems).toEqual([]);
    }
  });
});

describe("real payloads the server refuses too", () => {
  it.each(refused.map((p) => [p.name, p] as const))("%s is refused by the client, naming the field", (_name, p) => {
    const result = clientCheck(p);
    const error = "error" in result ? result.error : undefined;
    expect(error, p.refusal.why).toBeInstanceOf(BolnaInputError);
    expect((error as BolnaInputError).field, p.refusal.why).toBe(p.refusal.field);
  });

  it.each(refused.map((p) => [p.name, p] as const))("%s is invalid against the spec at that field", (_name, p) => {
    const problems = schemaProblems(bodySchema(p.operation), p.body).join("\n");
    // Ajv names the field by its JSON pointer, or by its name when it is missing.
    const name = p.refusal.field.split(".").at(-1) ?? "";
    expect(problems, p.refusal.why).toContain(name.replace(/\[\d+\]$/, ""));
  });
});
