/**
 * The generator's reading of operations: OpenAPI's parameter override rule, and every refusal (`SpecError`) that
 * keeps a malformed spec from turning into a client with silent defaults.
 */
import { describe, expect, it } from "vitest";
import { rateLimitBuckets } from "../../scripts/generate/operations.js";
import { readOperations } from "../../scripts/generate/read-operations.js";
import { SpecError } from "../../scripts/generate/spec-walk.js";

type Json = Record<string, unknown>;

const ok = { "200": { content: { "application/json": { schema: { type: "object" } } } } };

/** A spec with one operation; `op` overrides the defaults of a valid GET /things/{id}. */
function specWith(op: Json, pathItem: Json = {}, extra: Json = {}): Json {
  return {
    paths: {
      "/things/{id}": {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        ...pathItem,
        get: {
          operationId: "getThing",
          "x-bolna-rate-limit": { bucket: "default", requests_per_minute: 1000 },
          "x-bolna-retry-safe": true,
          responses: ok,
          ...op,
        },
      },
    },
    ...extra,
  };
}

function refusal(spec: Json): string {
  try {
    readOperations(spec);
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return (error as Error).message;
  }
  throw new Error("expected a SpecError, but the spec was accepted");
}

describe("path-level and operation-level parameters", () => {
  it("lets an operation override a path-level parameter with the same name and location", () => {
    const spec = specWith({
      parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", minLength: 3 } }],
    });
    const [read] = readOperations(spec);
    expect(read?.meta.fields).toEqual([{ name: "id", in: "path", required: true, type: "string", minLength: 3 }]);
  });

  it("keeps both when only the name is shared, and then refuses the colliding argument name", () => {
    const spec = specWith({ parameters: [{ name: "id", in: "query", schema: { type: "string" } }] });
    expect(refusal(spec)).toBe("GET /things/{id}: argument name id is used twice");
  });

  it("refuses the same parameter twice at one level", () => {
    const query = { name: "q", in: "query", schema: { type: "string" } };
    expect(refusal(specWith({ parameters: [query, query] }))).toBe("parameter q (in query) is declared twice");
  });
});

describe("what argument rules carry for the client's messages", () => {
  it("the known values of an open list, the words of a pattern, and no pattern on a date-time it rewrites", () => {
    const spec = specWith({
      parameters: [
        {
          name: "status",
          in: "query",
          schema: { anyOf: [{ enum: ["completed", "failed"] }, { type: "string", "x-bolna-other-values": true }] },
        },
        {
          name: "phone",
          in: "query",
          schema: { type: "string", pattern: "^\\+\\d+$", "x-bolna-pattern-meaning": "a phone number such as +1555" },
        },
        { name: "since", in: "query", schema: { type: "string", format: "date-time", pattern: "Z$" } },
      ],
    });
    const [read] = readOperations(spec);
    expect(read?.meta.fields.slice(1)).toEqual([
      { name: "status", in: "query", type: "string", knownValues: ["completed", "failed"] },
      {
        name: "phone",
        in: "query",
        type: "string",
        pattern: "^\\+\\d+$",
        patternMeaning: "a phone number such as +1555",
      },
      { name: "since", in: "query", type: "string", dateTime: "utc" },
    ]);
  });
});

describe("SpecError refusals", () => {
  it("an operationId that is not camelCase", () => {
    expect(refusal(specWith({ operationId: "get_thing" }))).toBe("GET /things/{id}: operationId must be camelCase");
  });

  it("a missing or malformed x-bolna-rate-limit / x-bolna-retry-safe", () => {
    expect(refusal(specWith({ "x-bolna-rate-limit": undefined }))).toBe(
      "GET /things/{id}: missing or malformed x-bolna-rate-limit",
    );
    expect(refusal(specWith({ "x-bolna-rate-limit": { bucket: "default", requests_per_minute: 1.5 } }))).toMatch(
      /malformed x-bolna-rate-limit/,
    );
    expect(refusal(specWith({ "x-bolna-retry-safe": "yes" }))).toBe(
      "GET /things/{id}: missing or malformed x-bolna-retry-safe",
    );
  });

  it("a duplicate operationId", () => {
    const spec = specWith({});
    (spec.paths as Json)["/other"] = { get: ((spec.paths as Json)["/things/{id}"] as Json).get };
    expect(refusal(spec)).toBe("duplicate operationId getThing");
  });

  it("a path parameter and a body property with the same name", () => {
    const body = {
      content: { "application/json": { schema: { type: "object", properties: { id: { type: "string" } } } } },
    };
    expect(refusal(specWith({ requestBody: body }))).toBe("GET /things/{id}: argument name id is used twice");
  });

  it("request bodies it cannot send", () => {
    const xml = { content: { "application/xml": { schema: { type: "object" } } } };
    expect(refusal(specWith({ requestBody: xml }))).toBe(
      "GET /things/{id}: unsupported request media type application/xml",
    );
    const two = { content: { "application/json": { schema: {} }, "multipart/form-data": { schema: {} } } };
    expect(refusal(specWith({ requestBody: two }))).toBe("GET /things/{id}: exactly one request media type expected");
    const form = { content: { "multipart/form-data": { schema: { type: "object" } } } };
    expect(refusal(specWith({ requestBody: form, "x-bolna-strict-body": true }))).toBe(
      "GET /things/{id}: x-bolna-strict-body needs a JSON body",
    );
  });

  it("$refs it cannot follow", () => {
    const param = (ref: string) => specWith({ parameters: [{ $ref: ref }] });
    expect(refusal(param("other.yaml#/Thing"))).toBe("unexpected non-local $ref other.yaml#/Thing in the bundle");
    expect(refusal(param("#/components/parameters/Missing"))).toBe("unresolvable $ref #/components/parameters/Missing");
    const cycle = specWith(
      { parameters: [{ $ref: "#/components/parameters/A" }] },
      {},
      {
        components: {
          parameters: { A: { $ref: "#/components/parameters/B" }, B: { $ref: "#/components/parameters/A" } },
        },
      },
    );
    expect(refusal(cycle)).toMatch(/^\$ref cycle at #\/components\/parameters\/[AB]$/);
  });

  it("one rate-limit bucket given two limits", () => {
    const spec = specWith({});
    const other = { ...(((spec.paths as Json)["/things/{id}"] as Json).get as Json) };
    other.operationId = "listThings";
    other["x-bolna-rate-limit"] = { bucket: "default", requests_per_minute: 500 };
    (spec.paths as Json)["/things"] = { get: other };
    expect(() => rateLimitBuckets(readOperations(spec))).toThrow(
      new SpecError("x-bolna-rate-limit: bucket default is 1000/min in getThing but 500/min in listThings"),
    );
    other["x-bolna-rate-limit"] = { bucket: "default", requests_per_minute: 1000 };
    expect(rateLimitBuckets(readOperations(spec))).toEqual({ default: 1000 });
  });
});
