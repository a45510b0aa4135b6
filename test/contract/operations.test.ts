/**
 * Per-operation contract of the generated client against the Prism mock of the bundled spec.
 *
 * Every operation is enumerated from the spec (paths × methods) and gets, with arguments built from the spec's
 * own examples:
 *  - required parameters only, and all parameters (one call per named request-body example): accepted, the request
 *    on the wire is exactly the arguments (query and body, multipart included), the data validates against the
 *    2xx schema with Ajv, and Prism reports no `sl-violations`;
 *  - every other documented 2xx status and every named response example (`Prefer: code=N, example=X`);
 *  - every documented error status (`Prefer: code=N`, per named example): the right typed `APIError`, with the
 *    parsed body (valid against the error schema) and the documented headers (`Retry-After` → `retryAfterMs`);
 *  - no credentials → 401 → `AuthenticationError`;
 *  - deliberately invalid requests derived from the spec's constraints, sent raw: rejected by the mock with a
 *    violation of that very keyword; and the client refuses the same input before sending (`BolnaInputError`,
 *    nothing sent) where it promises to, or surfaces the mock's rejection as a typed error where it does not.
 * The last test asserts that every operation, every documented response status and every named example was
 * exercised, and prints the counts.
 */
import { describe, expect, inject, it } from "vitest";
import { APIError, BolnaInputError, RateLimitError } from "../../src/index.js";
import { operationMetadata } from "../../src/generated/operations.js";
import { assertValid, componentSchema } from "./support/ajv.js";
import { allParamsParts, flatten, rawRequest, requiredOnlyParts, type RequestParts } from "./support/args.js";
import { expectedBody, sentBody } from "./support/body.js";
import { Coverage } from "./support/coverage.js";
import { expectedErrorClass, validationStatus } from "./support/expectations.js";
import { negativeCases, PRISM_BLIND_SPOTS, type NegativeCase } from "./support/negative.js";
import { errorResponses, operations, successResponses, type SpecOperation, type SpecResponse } from "./support/spec.js";
import {
  callOperation,
  CONTRACT_API_KEY,
  contractClient,
  recordingFetch,
  withHeaders,
  withoutAuthorization,
  type Exchange,
  type Violation,
} from "./support/wire.js";

const baseUrl = inject("prismUrl");
const coverage = new Coverage(operations);
const counts = { accepted: 0, errors: 0, negatives: 0, refusedByClient: 0, typedByClient: 0 };

/**
 * Client-side checks the design promises but the client does not (yet) make: these cases are run with `it.fails`,
 * so the suite stays green while the gap exists and turns red (remove the entry) once it is fixed.
 */
const KNOWN_CLIENT_GAPS: Readonly<Record<string, string>> = {};

async function outcome(promise: Promise<unknown>): Promise<{ data?: unknown; error?: unknown }> {
  try {
    return { data: await promise };
  } catch (error) {
    return { error };
  }
}

function only<T>(items: readonly T[], what: string): T {
  expect(items, what).toHaveLength(1);
  return items[0] as T;
}

function stringQuery(query: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)]));
}

/** Calls through the client and asserts a clean 2xx whose data matches its schema; returns the exchange. */
async function expectAccepted(
  op: SpecOperation,
  parts: RequestParts,
  prefer?: string,
): Promise<{ data: unknown; exchange: Exchange }> {
  const wire = recordingFetch({
    coverage,
    ...(prefer ? { transform: (r: Request) => withHeaders(r, { Prefer: prefer }) } : {}),
  });
  const result = await outcome(callOperation(contractClient(baseUrl, wire), op.operationId, flatten(op, parts)));
  const exchange = only(wire.exchanges, "requests sent");
  expect(
    result.error,
    `${op.operationId} threw (HTTP ${exchange.status} ${JSON.stringify(exchange.violations ?? exchange.body)})`,
  ).toBeUndefined();
  expect(exchange.operation?.operationId, "route on the wire").toBe(op.operationId);
  expect(exchange.violations, "Prism sl-violations").toBeUndefined();
  // A paginated method always names the page it asks for (the first page: 1 unless the caller chose one).
  const pageParam = (op.raw["x-bolna-pagination"] as { request?: { page?: string } } | undefined)?.request?.page;
  const query = pageParam && parts.query[pageParam] === undefined ? { ...parts.query, [pageParam]: 1 } : parts.query;
  expect(Object.fromEntries(exchange.url.searchParams), "query sent").toEqual(stringQuery(query));
  expect(await sentBody(op, exchange.request), "body sent").toEqual(await expectedBody(op, parts.body));
  const response = successResponses(op).find((r) => r.status === exchange.status);
  expect(response, `status ${exchange.status} is a documented 2xx of ${op.operationId}`).toBeDefined();
  if (response?.schema) assertValid(response.schema, result.data, `${op.operationId} ${exchange.status} data`);
  expect(result.data, "returned data is the parsed body").toEqual(exchange.body);
  counts.accepted++;
  return { data: result.data, exchange };
}

function violationsOf(exchange: Exchange): Violation[] {
  if (exchange.violations) return exchange.violations;
  const body = exchange.body as { validation?: Violation[] } | undefined;
  return Array.isArray(body?.validation) ? body.validation : [];
}

function mentions(violation: Violation, field: string): boolean {
  if (field === "") return true;
  return (
    (violation.location ?? []).includes(field) ||
    (violation.message ?? "").includes(`'${field}'`) ||
    (violation.message ?? "").includes(` ${field}`)
  );
}

function negativeTitle(op: SpecOperation, c: NegativeCase): string {
  return `${op.operationId} ${c.location} ${c.field}: ${c.keyword}`;
}

describe("the client and the spec list the same operations", () => {
  it("has one generated method per spec operation, and no other", () => {
    const specIds = operations.map((op) => op.operationId).sort();
    expect(Object.keys(operationMetadata).sort()).toEqual(specIds);
    const client = contractClient(baseUrl, recordingFetch());
    for (const id of specIds) expect(typeof (client as unknown as Record<string, unknown>)[id], id).toBe("function");
    for (const op of operations) {
      const meta = operationMetadata[op.operationId as keyof typeof operationMetadata];
      expect({ method: meta.method, path: meta.path }, op.operationId).toEqual({ method: op.method, path: op.path });
    }
  });
});

/**
 * An operation that answers only with a redirect (a recording: 302 to a pre-signed URL). Its success is the
 * redirect itself, read through the raw client with `redirect: "manual"`, never followed: the target is a storage
 * host that must not see the client's request.
 */
function redirectOnly(op: SpecOperation): SpecResponse | undefined {
  return successResponses(op).length === 0 ? op.responses.find((r) => r.status >= 300 && r.status < 400) : undefined;
}

describe.concurrent.each(operations.map((op) => [op.operationId, op] as const))("%s", (_id, op) => {
  const bodyExamples = op.requestBody?.examples ?? [];
  const redirect = redirectOnly(op);

  if (redirect)
    it("answers with its documented redirect, read without following it", async () => {
      const wire = recordingFetch({ coverage });
      const client = contractClient(baseUrl, wire);
      const { path } = allParamsParts(op);
      const raw = client[op.method.toUpperCase() as "GET"] as unknown as (
        p: string,
        init: object,
      ) => Promise<{ response: Response }>;
      const { response } = await raw(op.path, { params: { path }, redirect: "manual", parseAs: "stream" });
      const exchange = only(wire.exchanges, "requests sent (the redirect is not followed)");
      expect(exchange.operation?.operationId, "route on the wire").toBe(op.operationId);
      expect(exchange.violations, "Prism sl-violations").toBeUndefined();
      expect(response.status).toBe(redirect.status);
      const location = redirect.headers.Location;
      expect(location?.example, "the spec documents the Location").toBeDefined();
      expect(response.headers.get("location")).toBe(String(location?.example));
      coverage.recordCall(op.operationId);
    });
  else
    it("accepts the required parameters only", async () => {
      const parts = requiredOnlyParts(op);
      await expectAccepted(op, parts);
      coverage.recordCall(op.operationId);
    });

  const variants: Array<string | undefined> = redirect
    ? []
    : bodyExamples.length > 0
      ? bodyExamples.map((e) => e.name)
      : [undefined];
  if (variants.length > 0)
    it.each(variants.map((name) => [name ?? "no body", name] as const))(
      "accepts all parameters (request example: %s)",
      async (_label, name) => {
        const { exchange } = await expectAccepted(op, allParamsParts(op, name));
        if (name !== undefined) coverage.recordExample(op.operationId, "request", name);
        const first = successResponses(op)[0];
        const served = first?.examples[0];
        if (first && served && exchange.status === first.status) {
          expect(exchange.body, "Prism serves the first named example by default").toEqual(served.value);
          coverage.recordExample(op.operationId, String(first.status), served.name);
        }
      },
    );

  const otherSuccesses = successResponses(op).flatMap((response, r) =>
    (response.examples.length > 0 ? response.examples : [undefined]).flatMap((example, e) =>
      r === 0 && e === 0
        ? []
        : [[`${response.status} ${example?.name ?? "(no example)"}`, response, example?.name] as const],
    ),
  );
  if (otherSuccesses.length > 0) {
    it.each(otherSuccesses)("serves %s", async (_label, response, exampleName) => {
      const prefer = exampleName ? `code=${response.status}, example=${exampleName}` : `code=${response.status}`;
      const { data, exchange } = await expectAccepted(op, allParamsParts(op), prefer);
      expect(exchange.status).toBe(response.status);
      if (exampleName) {
        expect(data).toEqual(response.examples.find((e) => e.name === exampleName)?.value);
        coverage.recordExample(op.operationId, String(response.status), exampleName);
      }
    });
  }

  it.each(
    errorResponses(op).map((r) => [r.status, expectedErrorClass(r.status, r.examples[0]?.name).name, r] as const),
  )("surfaces %i as %s with its parsed body", async (status, _className, response: SpecResponse) => {
    const examples = response.examples.length > 0 ? response.examples : [undefined];
    for (const [index, example] of examples.entries()) {
      // The first example is what a bare `Prefer: code=N` gets; the others are asked for by name.
      const prefer = index === 0 || !example ? `code=${status}` : `code=${status}, example=${example.name}`;
      const wire = recordingFetch({ coverage });
      const client = contractClient(baseUrl, wire);
      const { data, error } = await outcome(
        callOperation(client, op.operationId, flatten(op, allParamsParts(op)), { headers: { Prefer: prefer } }),
      );
      expect(data).toBeUndefined();
      const exchange = only(wire.exchanges, "requests sent (no retries)");
      expect(exchange.request.headers.get("prefer"), "per-call headers reach the wire").toBe(prefer);
      expect(exchange.violations, "Prism sl-violations").toBeUndefined();
      expect(error).toBeInstanceOf(expectedErrorClass(status, example?.name));
      const apiError = error as APIError;
      expect(apiError.status).toBe(status);
      expect(apiError.body).toEqual(exchange.body);
      if (example) expect(apiError.body).toEqual(example.value);
      if (response.schema) assertValid(response.schema, apiError.body, `${op.operationId} ${status} error body`);
      expect(apiError.message).toContain(`${status}`);
      expect(apiError.message).not.toContain(CONTRACT_API_KEY);
      for (const [name, header] of Object.entries(response.headers)) {
        if (header.example !== undefined)
          expect(apiError.headers.get(name), `header ${name}`).toBe(String(header.example));
      }
      if (apiError instanceof RateLimitError) {
        const retryAfter = response.headers["Retry-After"]?.example;
        expect(apiError.retryAfterMs).toBe(retryAfter === undefined ? undefined : Number(retryAfter) * 1000);
      }
      if (example) coverage.recordExample(op.operationId, String(status), example.name);
      counts.errors++;
    }
  });

  it("answers a request without credentials with 401 → AuthenticationError", async () => {
    const wire = recordingFetch({ coverage, transform: withoutAuthorization });
    const { error } = await outcome(
      callOperation(contractClient(baseUrl, wire), op.operationId, flatten(op, allParamsParts(op))),
    );
    const exchange = only(wire.exchanges, "requests sent");
    expect(exchange.request.headers.get("authorization")).toBeNull();
    expect(exchange.status).toBe(401);
    expect(error).toBeInstanceOf(expectedErrorClass(401));
    expect((error as APIError).status).toBe(401);
    const documented = op.responses.find((r) => r.status === 401);
    if (documented?.schema) assertValid(documented.schema, (error as APIError).body, `${op.operationId} 401 body`);
    else assertValid(componentSchema("ErrorBody"), (error as APIError).body, `${op.operationId} 401 body`);
  });

  const cases = negativeCases(op);
  if (cases.length > 0) {
    it.each(cases.map((c) => [c.title, c] as const))("rejects %s", async (_title, c: NegativeCase) => {
      // 1. Sent raw, past every client-side check: the mock itself must reject it, for this very keyword.
      const raw = recordingFetch({ coverage });
      await raw.fetch(rawRequest(baseUrl, op, c.parts, { apiKey: CONTRACT_API_KEY }));
      const exchange = only(raw.exchanges, "raw request");
      expect(exchange.status, JSON.stringify(exchange.body)).toBe(validationStatus(op));
      const violations = violationsOf(exchange);
      expect(
        violations.some((v) => v.code === c.prismCode && mentions(v, c.field)),
        `expected a ${c.prismCode} violation on ${c.field || "the body"}, got ${JSON.stringify(violations)}`,
      ).toBe(true);
      counts.negatives++;
    });

    for (const c of cases) {
      const gap = c.clientRefuses ? KNOWN_CLIENT_GAPS[negativeTitle(op, c)] : undefined;
      const title = c.clientRefuses
        ? `the client refuses ${c.title} before sending${gap ? ` (KNOWN GAP: ${gap})` : ""}`
        : `the client sends ${c.title} (not a client-side check) and surfaces the rejection as a typed error`;
      (gap ? it.fails : it)(title, async () => {
        const wire = recordingFetch({ coverage });
        const { data, error } = await outcome(
          callOperation(contractClient(baseUrl, wire), op.operationId, flatten(op, c.parts)),
        );
        expect(data).toBeUndefined();
        if (c.clientRefuses) {
          expect(error).toBeInstanceOf(BolnaInputError);
          expect((error as BolnaInputError).field).toBe(c.clientField ?? c.field);
          expect(wire.exchanges, "nothing sent").toHaveLength(0);
          counts.refusedByClient++;
        } else {
          const status = validationStatus(op);
          expect(error).toBeInstanceOf(expectedErrorClass(status));
          expect((error as APIError).status).toBe(status);
          expect((error as APIError).body, "the rejection's body, parsed").toEqual(
            only(wire.exchanges, "requests sent").body,
          );
          counts.typedByClient++;
        }
      });
    }
  }
});

describe("coverage", () => {
  it("exercised every operation, documented response and named example of the spec", () => {
    const report = coverage.report();
    const negatives = operations.reduce((n, op) => n + negativeCases(op).length, 0);
    console.log(
      `contract coverage: ${report.operations.covered}/${report.operations.total} operations, ` +
        `${report.responses.covered}/${report.responses.total} responses, ` +
        `${report.examples.covered}/${report.examples.total} named examples; ` +
        `${counts.accepted} accepted calls, ${counts.errors} typed error responses, ` +
        `${counts.negatives}/${negatives} negative cases rejected by the mock ` +
        `(client: ${counts.refusedByClient} refused before sending, ${counts.typedByClient} surfaced as typed errors)` +
        (PRISM_BLIND_SPOTS.size > 0 ? `; not checkable by Prism: ${[...PRISM_BLIND_SPOTS].join("; ")}` : ""),
    );
    expect(report.operations.missing, "operations never called successfully").toEqual([]);
    expect(report.responses.missing, "documented responses never received").toEqual([]);
    expect(report.examples.missing, "named examples never sent or served").toEqual([]);
    expect(counts.negatives).toBe(negatives);
  });
});
