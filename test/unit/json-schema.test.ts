/** The small JSON Schema validator behind webhook parsing: each supported keyword, and issue paths. */
import { describe, expect, it } from "vitest";
import { validateJsonSchema, type JsonSchema } from "../../src/extensions/internal/json-schema.js";

const paths = (schema: JsonSchema, value: unknown, schemas = {}) =>
  validateJsonSchema(schema, value, schemas).map((i) => `${i.path} ${i.message}`);

describe("validateJsonSchema", () => {
  it("checks types, including integer vs number and type arrays", () => {
    expect(paths({ type: "integer" }, 1.5)).toEqual(["$ must be integer, got number"]);
    expect(paths({ type: "number" }, 2)).toEqual([]);
    expect(paths({ type: ["string", "null"] }, null)).toEqual([]);
    expect(paths({ type: ["string", "null"] }, 3)).toEqual(["$ must be string or null, got integer"]);
  });

  it("checks enum, const, pattern, lengths and ranges", () => {
    expect(paths({ enum: ["a", "b"] }, "c")).toEqual(['$ must be one of "a", "b", got "c"']);
    expect(paths({ const: 1 }, 2)).toEqual(["$ must equal 1"]);
    // A pattern is said in words: its meaning when the schema gives one, else its example; never the expression.
    expect(paths({ type: "string", pattern: "^\\d+$" }, "4a")).toEqual([
      '$ is not in the form this field takes, got "4a"',
    ]);
    expect(paths({ pattern: "^\\d+$", examples: ["42"] }, "4a")).toEqual([
      '$ is not in the form this field takes, such as "42", got "4a"',
    ]);
    expect(
      paths({ pattern: "^\\+\\d+$", "x-bolna-pattern-meaning": "an E.164 phone number such as +15551234567" }, "555"),
    ).toEqual(['$ must be an E.164 phone number such as +15551234567, got "555"']);
    expect(paths({ minLength: 2, maxLength: 3 }, "a")).toHaveLength(1);
    expect(paths({ minimum: 1, maximum: 50 }, 51)).toEqual(["$ must be ≤ 50, got 51"]);
  });

  it("walks properties, required, additionalProperties and items with JSON paths", () => {
    const schema = {
      type: "object",
      required: ["id"],
      properties: { tags: { type: "array", items: { type: "string" } }, "odd key": { type: "boolean" } },
      additionalProperties: false,
    };
    expect(paths(schema, { tags: ["x", 2], "odd key": "no", extra: 1 })).toEqual([
      "$.id is required",
      "$.tags[1] must be string, got integer",
      '$["odd key"] must be boolean, got string',
      "$.extra is not allowed here",
    ]);
  });

  it("resolves component $refs and handles anyOf/oneOf", () => {
    const schemas = { Id: { type: "string" } };
    expect(paths({ $ref: "#/components/schemas/Id" }, 1, schemas)).toEqual(["$ must be string, got integer"]);
    expect(paths({ $ref: "#/components/schemas/Nope" }, 1, schemas)[0]).toMatch(/unknown schema/);
    expect(paths({ anyOf: [{ type: "string" }, { type: "null" }] }, null)).toEqual([]);
    expect(paths({ oneOf: [{ type: "number" }, { type: "integer" }] }, 3)).toEqual([
      "$ matches 2 of the oneOf alternatives; exactly one is allowed",
    ]);
    expect(paths({ allOf: [{ minimum: 0 }, { maximum: 1 }] }, 2)).toEqual(["$ must be ≤ 1, got 2"]);
  });
});

describe("validateJsonSchema: the keywords of strict request bodies", () => {
  it("checks not, contains, propertyNames and min/maxProperties", () => {
    expect(paths({ not: { enum: ["a", "b"] } }, "a")).toEqual(['$ must not be one of "a", "b"']);
    expect(paths({ not: { type: "string" } }, "a")).toEqual(["$ matches a shape that is not allowed here"]);
    const router = { contains: { required: ["kind"], properties: { kind: { const: "fallback" } } } };
    expect(paths(router, [{ kind: "rule" }])).toEqual([
      '$ must contain at least one item that has `kind` equal "fallback"',
    ]);
    expect(paths(router, [{ kind: "rule" }, { kind: "fallback" }])).toEqual([]);
    const prompts = { propertyNames: { pattern: "^task_[1-9]$" }, minProperties: 1, maxProperties: 2 };
    expect(paths(prompts, { task1: 1 })).toEqual([
      '$.task1 is not an allowed key here (the key is not in the form this field takes, got "task1")',
    ]);
    expect(paths(prompts, {})).toEqual(["$ must have at least 1 entries"]);
    expect(paths(prompts, { task_1: 1, task_2: 2, task_3: 3 })).toEqual(["$ must have at most 2 entries"]);
  });

  it("suggests the declared key a misspelt one was meant to be", () => {
    const closed = { type: "object", properties: { call_terminate: {}, voice_id: {} }, additionalProperties: false };
    expect(paths(closed, { call_terminat: 1, voiceid: 2, zzz: 3 })).toEqual([
      '$.call_terminat is not allowed here (did you mean "call_terminate"?)',
      '$.voiceid is not allowed here (did you mean "voice_id"?)',
      "$.zzz is not allowed here",
    ]);
  });

  it("reports the issues of the alternative a value selects by its constants, or the discriminating property", () => {
    const closed = (kind: string, props: Record<string, unknown>, required: string[] = []) => ({
      title: kind,
      type: "object",
      required: ["kind", ...required],
      properties: { kind: { const: kind }, ...props },
      additionalProperties: false,
    });
    const other = {
      type: "object",
      required: ["kind"],
      not: { required: ["kind"], properties: { kind: { enum: ["voice", "text"] } } },
      properties: { kind: { type: "string" } },
      additionalProperties: true,
    };
    const union = {
      oneOf: [closed("voice", { voice_id: { type: "string" } }, ["voice_id"]), closed("text", { body: {} }), other],
    };
    // A misspelt key of a known kind is not swallowed by the catch-all, and the message names the key.
    expect(paths(union, { kind: "voice", voice_idd: "x" })).toEqual([
      "$.voice_id is required",
      '$.voice_idd is not allowed here (did you mean "voice_id"?)',
    ]);
    expect(paths(union, { kind: "video", anything: 1 })).toEqual([]);
    const closedOnly = { oneOf: [closed("voice", {}), closed("text", {})] };
    expect(paths(closedOnly, { kind: "vioce" })).toEqual(['$.kind must be one of "voice", "text"; got "vioce"']);
    // Without constants, alternatives of the value's own JSON type come first.
    const listOrText = { oneOf: [{ type: "array", items: { type: "integer" } }, { type: "string" }] };
    expect(paths(listOrText, [1, "x"])).toEqual(["$[1] must be integer, got string"]);
  });
});
