/**
 * The hand-written webhook validator (`parseExecutionWebhook`, a small JSON Schema walker that avoids Ajv in the
 * bundle) cross-checked against Ajv on the spec: it must accept every named example of every webhook body and
 * every execution inside any response example, and agree with Ajv on mutated payloads, valid or not.
 */
import { describe, expect, it } from "vitest";
import { isObject } from "../../src/extensions/internal/guards.js";
import { webhookBodySchemas } from "../../src/generated/webhooks.js";
import { parseExecutionWebhook, WebhookValidationError } from "../../src/webhooks.js";
import { componentSchema, isValid, schemaProblems } from "./support/ajv.js";
import { deref, operations, spec, type NamedExample, type Schema } from "./support/spec.js";

interface Webhook {
  name: string;
  schema: Schema;
  examples: NamedExample[];
}

function webhooks(): Webhook[] {
  const all = (spec.webhooks ?? {}) as Record<string, Schema>;
  return Object.entries(all).map(([name, item]) => {
    const post = deref<Schema>(item).post as Schema;
    const media = (deref<Schema>(post.requestBody).content as Record<string, Schema>)["application/json"] as Schema;
    const examples = Object.entries((media.examples ?? {}) as Record<string, unknown>).map(([n, e]) => ({
      name: n,
      value: deref<Schema>(e).value,
    }));
    return { name, schema: media.schema as Schema, examples };
  });
}

const EXECUTION_REF = "#/components/schemas/Execution";

/** Every value in `value` that sits where `schema` says "an Execution" (through $ref, arrays and properties). */
function executionsIn(schema: unknown, value: unknown, out: unknown[] = []): unknown[] {
  const node = schema as Schema;
  if (typeof node !== "object" || node === null) return out;
  if (node.$ref === EXECUTION_REF) {
    out.push(value);
    return out;
  }
  const resolved = deref<Schema>(node);
  if (Array.isArray(value) && resolved.items !== undefined)
    for (const item of value) executionsIn(resolved.items, item, out);
  if (isObject(value) && typeof resolved.properties === "object") {
    for (const [key, sub] of Object.entries(resolved.properties as Record<string, unknown>)) {
      if (key in value) executionsIn(sub, value[key], out);
    }
  }
  for (const keyword of ["allOf", "anyOf", "oneOf"] as const) {
    if (Array.isArray(resolved[keyword])) for (const sub of resolved[keyword]) executionsIn(sub, value, out);
  }
  return out;
}

function accepts(payload: unknown): boolean {
  try {
    parseExecutionWebhook(payload);
    return true;
  } catch (error) {
    if (error instanceof WebhookValidationError) return false;
    throw error;
  }
}

const executionSchema = componentSchema("Execution");
const hooks = webhooks();
const responseExecutions = operations.flatMap((op) =>
  op.responses.flatMap((response) =>
    response.examples.flatMap((example) =>
      executionsIn(response.schema, example.value).map(
        (execution, i) => [`${op.operationId} ${response.status} ${example.name} #${i}`, execution] as const,
      ),
    ),
  ),
);

describe("webhook validator vs. Ajv", () => {
  it("has a generated validator for every webhook of the spec", () => {
    expect(hooks.map((h) => h.name).sort()).toEqual(Object.keys(webhookBodySchemas).sort());
    expect(hooks.find((h) => h.name === "executionStatus")?.schema).toEqual({ $ref: EXECUTION_REF });
  });

  const bodies = hooks.flatMap((hook) => hook.examples.map((e) => [`${hook.name} ${e.name}`, e.value] as const));
  it.each(bodies)("accepts webhook example %s (object, JSON text and bytes), as Ajv does", (_name, value) => {
    expect(schemaProblems(executionSchema, value)).toEqual([]);
    expect(parseExecutionWebhook(value)).toEqual(value);
    expect(parseExecutionWebhook(JSON.stringify(value))).toEqual(value);
    expect(parseExecutionWebhook(new TextEncoder().encode(JSON.stringify(value)))).toEqual(value);
  });

  it("finds executions in the response examples", () => {
    expect(responseExecutions.length).toBeGreaterThanOrEqual(8);
  });

  it.each(responseExecutions)("accepts the execution in response example %s, as Ajv does", (_name, value) => {
    expect(schemaProblems(executionSchema, value)).toEqual([]);
    expect(accepts(value)).toBe(true);
  });

  const base = (hooks[0]?.examples[0]?.value ?? {}) as Record<string, unknown>;
  const set = (path: string[], value: unknown): Record<string, unknown> => {
    const copy = structuredClone(base);
    let node = copy;
    for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    const last = path[path.length - 1] as string;
    if (value === undefined) delete node[last];
    else node[last] = value;
    return copy;
  };
  const mutations: Array<[string, unknown, boolean]> = [
    ["id missing", set(["id"], undefined), false],
    ["status missing", set(["status"], undefined), false],
    ["status an unlisted string (the status is an open string)", set(["status"], "exploded"), true],
    ["status a number", set(["status"], 42), false],
    ["id a number", set(["id"], 42), false],
    ["created_at with second 89", set(["created_at"], "2024-02-29T04:22:89Z"), false],
    ["created_at not a timestamp", set(["created_at"], "yesterday"), false],
    ["updated_at naive with microseconds", set(["updated_at"], "2026-01-28T13:17:50.116924"), true],
    ["scheduled_at null", set(["scheduled_at"], null), true],
    ["transcript as an array of turns", set(["transcript"], [{ role: "assistant", content: "Hello" }]), true],
    ["transcript a number", set(["transcript"], 42), false],
    ["conversation_duration a string", set(["conversation_duration"], "68.4"), false],
    ["telephony_data a string", set(["telephony_data"], "twilio"), false],
    ["telephony_data.duration a number (current docs)", set(["telephony_data", "duration"], 42), true],
    ["telephony_data.duration a decimal string (Twilio busy)", set(["telephony_data", "duration"], "0.0"), true],
    ["telephony_data.duration a negative number", set(["telephony_data", "duration"], -1), false],
    ["telephony_data.duration words", set(["telephony_data", "duration"], "one minute"), false],
    ["cost_breakdown.llm a string", set(["cost_breakdown", "llm"], "cheap"), false],
    ["answered_by_voice_mail a string", set(["answered_by_voice_mail"], "yes"), false],
    ["retry_count fractional", set(["retry_count"], 1.5), false],
    ["an unknown extra key", set(["brand_new_field"], { any: "thing" }), true],
    ["batch_run_details.retried negative", set(["batch_run_details"], { retried: -1 }), false],
    ["the body an array", [base], false],
    ["the body null", null, false],
  ];

  it.each(mutations.map(([name, payload, valid]) => [name, valid, payload] as const))(
    "agrees with Ajv on a payload with %s (valid: %s)",
    (_name, valid, payload) => {
      expect(isValid(executionSchema, payload)).toBe(valid);
      expect(accepts(payload)).toBe(valid);
    },
  );

  it("agrees with Ajv when any top-level property takes a value of another type", () => {
    const properties = Object.keys(deref<Schema>(executionSchema).properties ?? {});
    const disagreements: string[] = [];
    for (const name of properties) {
      for (const value of [null, 0, 1.5, "x", true, {}, []]) {
        const payload = set([name], value);
        if (accepts(payload) !== isValid(executionSchema, payload))
          disagreements.push(`${name} = ${JSON.stringify(value)}`);
      }
    }
    expect(disagreements).toEqual([]);
    expect(properties.length).toBeGreaterThan(30);
  });

  it("names the bad field in its error", () => {
    const error = (() => {
      try {
        parseExecutionWebhook(set(["telephony_data", "duration"], "one minute"));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(WebhookValidationError);
    expect((error as WebhookValidationError).issues.map((i) => i.path)).toContain("$.telephony_data.duration");
  });
});
