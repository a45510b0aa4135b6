/** The small JSON Schema validator behind webhook parsing: each supported keyword, and issue paths. */
import { describe, expect, it } from "vitest";
import { validateJsonSchema, type JsonSchema } from "../../src/extensions/json-schema.js";

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
    expect(paths({ type: "string", pattern: "^\\d+$" }, "4a")).toEqual(['$ must match ^\\d+$, got "4a"']);
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
