/**
 * The generator's normalization of strict request bodies (scripts/generate/request-bodies.ts): compositions become
 * self-contained closed objects, tests (`not`, `contains`, `propertyNames`) are left as they are, references stay
 * references, and a conflict the normalization cannot represent fails the generation.
 */
import { describe, expect, it } from "vitest";
import { strictBodySchemas } from "../../scripts/generate/request-bodies.js";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const schemas = {
  Body: {
    title: "Body",
    type: "object",
    required: ["voice"],
    properties: { voice: ref("Voice"), tags: { type: "array", items: ref("Tag") } },
  },
  Voice: {
    title: "Voice",
    description: "dropped",
    type: "object",
    properties: { stream: { type: "boolean", default: true } },
    oneOf: [ref("Known"), ref("Other")],
  },
  Known: {
    title: "Known",
    type: "object",
    unevaluatedProperties: true,
    required: ["provider"],
    properties: { provider: { const: "known" } },
  },
  Other: {
    title: "Other",
    type: "object",
    required: ["provider"],
    additionalProperties: true,
    not: { required: ["provider"], properties: { provider: { enum: ["known"] } } },
    properties: { provider: { type: "string", format: "hostname" } },
  },
  Tag: { allOf: [ref("Named")], title: "Tag", type: "object", properties: { weight: { type: "number" } } },
  Named: {
    title: "Named",
    type: "object",
    unevaluatedProperties: true,
    required: ["name"],
    properties: { name: { type: "string" } },
  },
};

describe("strictBodySchemas", () => {
  const { bodies, components } = strictBodySchemas(schemas, [{ operationId: "op", schema: ref("Body") }]);

  it("keeps references and emits each referenced component once", () => {
    expect(bodies).toEqual({ op: ref("Body") });
    expect(Object.keys(components)).toEqual(["Body", "Tag", "Voice"]);
    expect(components.Body).toMatchObject({ additionalProperties: false, properties: { voice: ref("Voice") } });
  });

  it("copies shared properties into each alternative and closes it, unless the alternative is open", () => {
    expect(components.Voice).toEqual({
      oneOf: [
        {
          title: "Known",
          type: "object",
          properties: { stream: { type: "boolean" }, provider: { const: "known" } },
          required: ["provider"],
          additionalProperties: false,
        },
        {
          title: "Other",
          type: "object",
          properties: { stream: { type: "boolean" }, provider: { type: "string" } },
          required: ["provider"],
          additionalProperties: true,
          // A test of the value, not a shape of data: not closed.
          not: { required: ["provider"], properties: { provider: { enum: ["known"] } } },
        },
      ],
    });
  });

  it("merges allOf members, the schema's own title winning", () => {
    expect(components.Tag).toEqual({
      title: "Tag",
      type: "object",
      required: ["name"],
      properties: { name: { type: "string" }, weight: { type: "number" } },
      additionalProperties: false,
    });
  });

  it("refuses a composition it cannot represent", () => {
    const conflicting = {
      A: {
        allOf: [
          { type: "object", minProperties: 1 },
          { type: "object", minProperties: 2 },
        ],
      },
    };
    expect(() => strictBodySchemas(conflicting, [{ operationId: "op", schema: ref("A") }])).toThrow(
      /conflicting minProperties/,
    );
    const disjoint = { A: { allOf: [{ type: "string" }, { type: "object" }] } };
    expect(() => strictBodySchemas(disjoint, [{ operationId: "op", schema: ref("A") }])).toThrow(/no common type/);
  });
});
