/**
 * What keeps a consistent change of the spec from slipping through. Everything else in the contract suite is
 * derived from the spec, so if a `required` or a bound disappeared from it, the derived tests would simply follow.
 * Two things here do not follow:
 *
 *  1. Anchors: facts about the live Bolna API, from its documentation and observed behaviour, that the spec
 *     must keep encoding. Each is sent raw to the mock, which must reject it for that reason, and given to the
 *     client, which must refuse it before sending (or, where it promises to, fix it).
 *  2. The contract surface: a snapshot of every operation's route, parameters, body properties, constraints and
 *     documented statuses. Changing any of them is a change of the client's contract and must be deliberate:
 *     review the diff, then `npx vitest run --project contract -u`.
 *
 * It also pins the checks Prism cannot make (the 7-day window), so their absence on the mock stays visible.
 */
import { describe, expect, inject, it } from "vitest";
import { BolnaInputError } from "../../src/index.js";
import { allParamsParts, flatten, rawRequest, type RequestParts } from "./support/args.js";
import { validationStatus } from "./support/expectations.js";
import { deref, operation, operations, spec, type Schema, type SpecOperation } from "./support/spec.js";
import { callOperation, CONTRACT_API_KEY, contractClient, recordingFetch, type Violation } from "./support/wire.js";

const baseUrl = inject("prismUrl");

interface Anchor {
  /** Why the API is known to reject this. */
  fact: string;
  operationId: string;
  change: (parts: RequestParts) => void;
  /** The violation Prism must report: keyword and the field it names. */
  code: string;
  field: string;
  /** What the client does: refuse before sending (BolnaInputError on `field`), or send a corrected value. */
  client: "refuses" | "corrects";
}

const body = (parts: RequestParts) => parts.body as Record<string, unknown>;

const ANCHORS: Anchor[] = [
  {
    fact: "POST /call needs the number to dial (docs: recipient_phone_number required)",
    operationId: "makeCall",
    change: (p) => void delete body(p).recipient_phone_number,
    code: "required",
    field: "recipient_phone_number",
    client: "refuses",
  },
  {
    fact: "POST /call needs the agent (docs: agent_id required)",
    operationId: "makeCall",
    change: (p) => void delete body(p).agent_id,
    code: "required",
    field: "agent_id",
    client: "refuses",
  },
  {
    fact: "phone numbers are E.164 with a leading + (docs)",
    operationId: "makeCall",
    change: (p) => void (body(p).recipient_phone_number = "9876543210"),
    code: "pattern",
    field: "recipient_phone_number",
    client: "refuses",
  },
  {
    fact: "the live API answers HTTP 500 to a Z-suffixed scheduled_at; a numeric offset is required",
    operationId: "makeCall",
    change: (p) => void (body(p).scheduled_at = "2026-08-21T10:35:00Z"),
    code: "pattern",
    field: "scheduled_at",
    client: "corrects",
  },
  {
    fact: "page_size is at most 50 (docs, pagination guides)",
    operationId: "listAgentExecutions",
    change: (p) => void (p.query.page_size = 51),
    code: "maximum",
    field: "page_size",
    client: "refuses",
  },
  {
    fact: "the executions listing rejects a missing `from` (live API, MCP)",
    operationId: "listAgentExecutions",
    change: (p) => void delete p.query.from,
    code: "required",
    field: "from",
    client: "refuses",
  },
  {
    fact: "the executions listing rejects a missing `to` (live API, MCP)",
    operationId: "listAgentExecutions",
    change: (p) => void delete p.query.to,
    code: "required",
    field: "to",
    client: "refuses",
  },
  {
    fact: "a batch needs its CSV (docs: file required)",
    operationId: "createBatch",
    change: (p) => void delete body(p).file,
    code: "required",
    field: "file",
    client: "refuses",
  },
  {
    fact: "a batch needs its agent (docs: agent_id required)",
    operationId: "createBatch",
    change: (p) => void delete body(p).agent_id,
    code: "required",
    field: "agent_id",
    client: "refuses",
  },
  {
    fact: "scheduling a batch needs the time (docs: scheduled_at required)",
    operationId: "scheduleBatch",
    change: (p) => void delete body(p).scheduled_at,
    code: "required",
    field: "scheduled_at",
    client: "refuses",
  },
  {
    fact: "only US and IN numbers are sold",
    operationId: "searchPhoneNumbers",
    change: (p) => void (p.query.country = "GB"),
    code: "enum",
    field: "country",
    client: "refuses",
  },
  {
    fact: "buying needs an E.164 number",
    operationId: "buyPhoneNumber",
    change: (p) => void (body(p).phone_number = "12345"),
    code: "pattern",
    field: "phone_number",
    client: "refuses",
  },
];

function violationsOf(headers: Headers, json: unknown): Violation[] {
  const header = headers.get("sl-violations");
  if (header) return JSON.parse(header) as Violation[];
  return (json as { validation?: Violation[] }).validation ?? [];
}

describe("anchors: live-API facts the spec must keep encoding", () => {
  it.each(ANCHORS.map((a) => [a.operationId, a.fact, a] as const))("%s: %s", async (_id, _fact, anchor) => {
    const op = operation(anchor.operationId);
    const parts = allParamsParts(op);
    anchor.change(parts);

    const response = await fetch(rawRequest(baseUrl, op, parts, { apiKey: CONTRACT_API_KEY }));
    const json: unknown = await response.json();
    expect(response.status, "the mock rejects it").toBe(validationStatus(op));
    const violations = violationsOf(response.headers, json);
    expect(
      violations.some(
        (v) =>
          v.code === anchor.code &&
          ((v.location ?? []).includes(anchor.field) || (v.message ?? "").includes(`'${anchor.field}'`)),
      ),
      `a ${anchor.code} violation on ${anchor.field}, got ${JSON.stringify(violations)}`,
    ).toBe(true);

    const wire = recordingFetch();
    const outcome = await callOperation(contractClient(baseUrl, wire), op.operationId, flatten(op, parts)).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (anchor.client === "refuses") {
      expect(outcome).toBeInstanceOf(BolnaInputError);
      expect((outcome as BolnaInputError).field).toBe(anchor.field);
      expect(wire.exchanges).toHaveLength(0);
    } else {
      expect(outcome).toBeUndefined();
      expect(wire.exchanges[0]?.violations).toBeUndefined();
    }
  });
});

describe("constraints Prism cannot check", () => {
  it("the 7-day window of listAgentExecutions: the mock accepts 8 days, the client refuses them", async () => {
    const op = operation("listAgentExecutions");
    expect(op.maxWindow).toEqual({ from: "from", to: "to", max_days: 7 });
    const parts = allParamsParts(op);
    parts.query.from = "2025-05-01T00:00:00.000Z";
    parts.query.to = "2025-05-09T00:00:00.000Z";
    const response = await fetch(rawRequest(baseUrl, op, parts, { apiKey: CONTRACT_API_KEY }));
    expect(response.status, "Prism has no way to express a maximum distance between two parameters").toBe(200);
    await response.body?.cancel();

    const wire = recordingFetch();
    const error = await callOperation(contractClient(baseUrl, wire), op.operationId, flatten(op, parts)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BolnaInputError);
    expect((error as Error).message).toMatch(/at most 7 days/);
    expect(wire.exchanges).toHaveLength(0);
  });
});

/** One line per schema node: type, nullability and the constraints a request or a response is judged by. */
function describeSchema(schema: unknown, depth = 0): string {
  const s = (schema ?? {}) as Schema;
  // Named schemas are described once, in the component list, and referred to by name.
  if (typeof s.$ref === "string") return `->${s.$ref.replace("#/components/schemas/", "")}`;
  const parts: string[] = [];
  if (s.type !== undefined) parts.push(Array.isArray(s.type) ? s.type.join("|") : String(s.type));
  for (const key of [
    "enum",
    "const",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "pattern",
    "format",
    "minProperties",
  ]) {
    if (s[key] !== undefined) parts.push(`${key}=${JSON.stringify(s[key])}`);
  }
  if (Array.isArray(s.allOf) && s.allOf.length === 1 && depth < 3) parts.push(describeSchema(s.allOf[0], depth + 1));
  if (s.items !== undefined && depth < 3) parts.push(`items(${describeSchema(s.items, depth + 1)})`);
  for (const keyword of ["oneOf", "anyOf"] as const) {
    if (Array.isArray(s[keyword])) {
      parts.push(
        `${keyword}[${s[keyword]
          .map((b) => {
            const r = deref<Schema>(b);
            return Array.isArray(r.required)
              ? `required:${(r.required as string[]).join(",")}`
              : describeSchema(b, depth + 1);
          })
          .join(" / ")}]`,
      );
    }
  }
  return parts.join(" ");
}

function surface(op: SpecOperation): string[] {
  const lines = [`${op.operationId}: ${op.method.toUpperCase()} ${op.path}`];
  for (const p of op.parameters) lines.push(`  ${p.in} ${p.name}${p.required ? "*" : ""}: ${describeSchema(p.schema)}`);
  if (op.maxWindow) lines.push(`  window: ${op.maxWindow.from}..${op.maxWindow.to} <= ${op.maxWindow.max_days} days`);
  const rb = op.requestBody;
  if (rb) {
    lines.push(`  body ${rb.mediaType}${rb.required ? "*" : ""}: ${describeSchema(rb.schema)}`);
    const required = new Set((rb.schema.required as string[] | undefined) ?? []);
    for (const name of Object.keys(rb.schema.properties ?? {})) {
      lines.push(
        `    ${name}${required.has(name) ? "*" : ""}: ${describeSchema((rb.schema.properties as Record<string, unknown>)[name])}`,
      );
    }
  }
  lines.push(
    `  responses: ${op.responses.map((r) => `${r.status}${r.schema ? `:${String(r.schema.$ref ?? "inline").replace("#/components/schemas/", "")}` : ""}`).join(" ")}`,
  );
  return lines;
}

/** Component schemas: required properties and every constrained property, one level deep. */
function componentSurface(): string[] {
  const schemas = ((spec.components as Schema | undefined)?.schemas ?? {}) as Record<string, Schema>;
  return Object.entries(schemas).flatMap(([name, schema]) => {
    const required = (schema.required as string[] | undefined) ?? [];
    const lines = [`${name}: ${describeSchema(schema)}${required.length ? ` required=${required.join(",")}` : ""}`];
    for (const [prop, sub] of Object.entries((schema.properties ?? {}) as Record<string, unknown>)) {
      const described = describeSchema(sub);
      if (/=|->/.test(described)) lines.push(`  ${prop}: ${described}`);
    }
    return lines;
  });
}

describe("contract surface", () => {
  it("operations match the reviewed snapshot (update with -u after a deliberate contract change)", () => {
    expect(operations.flatMap(surface).join("\n")).toMatchSnapshot();
  });

  it("component schemas match the reviewed snapshot (update with -u after a deliberate contract change)", () => {
    expect(componentSurface().join("\n")).toMatchSnapshot();
  });
});
