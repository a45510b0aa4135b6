/**
 * Multipart operations (every operation whose spec body is `multipart/form-data`): the client sends a real
 * `FormData` (boundary set by fetch, files as file parts with the spec's content type, arrays as repeated fields,
 * JSON-text fields as text), through both the generated methods and the raw `POST`, and Prism accepts it; broken
 * forms are rejected. Prism does not tell a file part from a text field, nor check a part's content type against
 * `encoding`, so those are asserted here on the request itself.
 */
import { describe, expect, inject, it } from "vitest";
import { BolnaInputError, UnprocessableEntityError, type APIError } from "../../src/index.js";
import { assertValid } from "./support/ajv.js";
import { allParamsParts, flatten, isBinaryProperty, propertySchema, rawRequest } from "./support/args.js";
import { validationStatus } from "./support/expectations.js";
import { operation, operations, successResponses } from "./support/spec.js";
import { callOperation, CONTRACT_API_KEY, contractClient, recordingFetch } from "./support/wire.js";

const baseUrl = inject("prismUrl");
const multipart = operations.filter((op) => op.requestBody?.mediaType === "multipart/form-data");

describe("multipart operations", () => {
  it("are the ones the issue names (the spec decides; this only notices a change)", () => {
    expect(multipart.map((op) => op.operationId).sort()).toEqual([
      "createBatch",
      "createKnowledgebase",
      "scheduleBatch",
      "submitViolation",
    ]);
  });

  describe.each(multipart.map((op) => [op.operationId, op] as const))("%s", (_id, op) => {
    const body = op.requestBody;
    if (!body) throw new Error("unreachable");
    const binary = Object.keys(body.schema.properties ?? {}).filter((name) =>
      isBinaryProperty(propertySchema(body.schema, name)),
    );

    it.each(body.examples.map((e) => [e.name] as const))(
      "sends example %s as real form data, with file parts",
      async (name) => {
        const wire = recordingFetch();
        const parts = allParamsParts(op, name);
        const data = await callOperation(contractClient(baseUrl, wire), op.operationId, flatten(op, parts));
        const [exchange] = wire.exchanges;
        expect(exchange?.status).toBe(successResponses(op)[0]?.status);
        expect(exchange?.request.headers.get("content-type")).toMatch(/^multipart\/form-data; boundary=\S+$/);
        const form = await (exchange as NonNullable<typeof exchange>).request.formData();
        for (const field of binary.filter((f) => parts.body?.[f] !== undefined)) {
          const part = form.get(field);
          expect(part, `${field} is a file part`).toBeInstanceOf(File);
          expect((part as File).type).toBe(propertySchema(body.schema, field).contentMediaType);
          expect((part as File).name).toMatch(/\.\w+$/);
        }
        for (const [field, value] of Object.entries(parts.body ?? {})) {
          if (Array.isArray(value)) expect(form.getAll(field), `${field} repeated`).toEqual(value.map(String));
        }
        assertValid(successResponses(op)[0]?.schema ?? {}, data, `${op.operationId} data`);
      },
    );

    it("is sent as form data by the raw POST too", async () => {
      const wire = recordingFetch();
      const client = contractClient(baseUrl, wire);
      const parts = allParamsParts(op);
      const raw = client.POST as unknown as (
        path: string,
        init: object,
      ) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
      const { data, error, response } = await raw(op.path, {
        params: { path: parts.path, query: parts.query },
        body: parts.body,
      });
      expect(error).toBeUndefined();
      expect(response.status).toBe(successResponses(op)[0]?.status);
      expect(wire.exchanges[0]?.request.headers.get("content-type")).toMatch(/^multipart\/form-data; boundary=/);
      expect(wire.exchanges[0]?.violations).toBeUndefined();
      assertValid(successResponses(op)[0]?.schema ?? {}, data, `${op.operationId} raw data`);
    });

    it("is rejected when sent as JSON instead of a form", async () => {
      const parts = allParamsParts(op);
      const json = Object.fromEntries(Object.entries(parts.body ?? {}).filter(([, v]) => !(v instanceof Blob)));
      const request = rawRequest(
        baseUrl,
        { ...op, requestBody: { ...body, mediaType: "application/json" } },
        { ...parts, body: json },
        { apiKey: CONTRACT_API_KEY },
      );
      const wire = recordingFetch();
      await wire.fetch(request);
      expect(wire.exchanges[0]?.status).toBe(validationStatus(op));
      expect(wire.exchanges[0]?.violations?.[0]?.code).toBe(415);
    });
  });
});

describe("broken forms", () => {
  const batch = operation("createBatch");

  it.each(["file", "agent_id"])("createBatch without %s: the mock rejects it, the client refuses it", async (field) => {
    const parts = allParamsParts(batch);
    delete parts.body?.[field];
    const raw = recordingFetch();
    await raw.fetch(rawRequest(baseUrl, batch, parts, { apiKey: CONTRACT_API_KEY }));
    expect(raw.exchanges[0]?.status).toBe(422);
    expect(raw.exchanges[0]?.violations?.[0]?.message).toContain(`'${field}'`);

    const wire = recordingFetch();
    const error = await callOperation(contractClient(baseUrl, wire), "createBatch", flatten(batch, parts)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BolnaInputError);
    expect((error as BolnaInputError).field).toBe(field);
    expect(wire.exchanges).toHaveLength(0);
  });

  it("createKnowledgebase with both a file and a url breaks the oneOf: the mock rejects it (the client does not check)", async () => {
    const kb = operation("createKnowledgebase");
    const withUrl = allParamsParts(kb, "fromUrl");
    const withFile = allParamsParts(kb, "fromPdf");
    const both = { ...withUrl, body: { ...withUrl.body, file: withFile.body?.file } };
    const wire = recordingFetch();
    const error = await callOperation(contractClient(baseUrl, wire), "createKnowledgebase", flatten(kb, both)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect((error as APIError).status).toBe(422);
    expect(wire.exchanges[0]?.violations?.some((v) => v.code === "oneOf")).toBe(true);
  });
});

describe("scheduled_at with Z (Bolna answers 500 to it)", () => {
  const schedule = operation("scheduleBatch");
  const parts = allParamsParts(schedule);
  const zulu = { ...parts, body: { ...parts.body, scheduled_at: "2026-06-05T04:10:00Z" } };

  it("is rejected by the mock when sent as is (the spec's pattern demands a numeric offset)", async () => {
    const wire = recordingFetch();
    await wire.fetch(rawRequest(baseUrl, schedule, zulu, { apiKey: CONTRACT_API_KEY }));
    expect(wire.exchanges[0]?.status).toBe(422);
    expect(wire.exchanges[0]?.violations?.[0]).toMatchObject({
      code: "pattern",
      location: ["request", "body", "scheduled_at"],
    });
  });

  it("is rewritten to +00:00 by the client, and then accepted", async () => {
    const wire = recordingFetch();
    await callOperation(contractClient(baseUrl, wire), "scheduleBatch", flatten(schedule, zulu));
    const form = await wire.exchanges[0]?.request.formData();
    expect(form?.get("scheduled_at")).toBe("2026-06-05T04:10:00+00:00");
    expect(wire.exchanges[0]?.status).toBe(200);
    expect(wire.exchanges[0]?.violations).toBeUndefined();
  });

  it("also as a Date", async () => {
    const wire = recordingFetch();
    const args = { ...flatten(schedule, parts), scheduled_at: new Date(Date.UTC(2026, 5, 5, 4, 10)) };
    await callOperation(contractClient(baseUrl, wire), "scheduleBatch", args);
    expect((await wire.exchanges[0]?.request.formData())?.get("scheduled_at")).toBe("2026-06-05T04:10:00+00:00");
    expect(wire.exchanges[0]?.status).toBe(200);
  });
});
