import { describe, expect, it } from "vitest";
import {
  APIError,
  AuthenticationError,
  BadRequestError,
  BolnaError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from "../../src/extensions/errors.js";
import { createAPIError } from "../../src/extensions/internal/api-error.js";
import { readErrorMessage } from "../../src/extensions/internal/error-body.js";

const FAKE_KEY = "bn-0123456789abcdef0123456789abcdef";
const request = { method: "GET", url: "https://api.bolna.ai/batches/abc?page_number=2" };

function errorFor(status: number, body: unknown, init: ResponseInit = {}): APIError {
  return createAPIError(new Response(null, { status, ...init }), body, request);
}

describe("createAPIError", () => {
  it.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [422, UnprocessableEntityError],
    [429, RateLimitError],
    [500, InternalServerError],
    [503, InternalServerError],
    [418, APIError],
  ])("maps %i to %o", (status, ErrorClass) => {
    const error = errorFor(status, { message: "boom" });
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toBeInstanceOf(BolnaError);
    expect(error.name).toBe(ErrorClass.name);
    expect(error.status).toBe(status);
  });

  it("reads as status, reason, detail and the request, and keeps the response's parts", () => {
    const headers = new Headers({ "x-request-id": "req_123" });
    const body = { message: "Batch is not queued or running" };
    const error = createAPIError(new Response(null, { status: 404, statusText: "Not Found", headers }), body, request);
    expect(error.message).toBe("404 Not Found: Batch is not queued or running (GET /batches/abc)");
    expect(error.body).toBe(body);
    expect(error.headers.get("x-request-id")).toBe("req_123");
    expect(error.requestId).toBe("req_123");
    expect(error.method).toBe("GET");
    expect(error.url).toBe(request.url);
  });

  it("fills in the reason phrase when the response has none, and leaves out a missing detail", () => {
    expect(errorFor(500, undefined).message).toBe("500 Internal Server Error (GET /batches/abc)");
    expect(errorFor(599, "").message).toBe("599 (GET /batches/abc)");
    expect(errorFor(404, undefined).requestId).toBeUndefined();
  });

  it("treats live Bolna's 403 for a bad key as an authentication error", () => {
    const error = errorFor(403, { detail: "Unrecognized access token" });
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toBe("403 Forbidden: Unrecognized access token (GET /batches/abc)");
    expect(errorFor(403, { message: "Invalid API key" })).toBeInstanceOf(AuthenticationError);
    expect(errorFor(403, { detail: "This endpoint is available on enterprise plans only" })).toBeInstanceOf(
      PermissionDeniedError,
    );
    expect(errorFor(403, undefined)).toBeInstanceOf(PermissionDeniedError);
  });

  it("exposes Retry-After on a rate-limit error", () => {
    const error = errorFor(429, undefined, { headers: { "retry-after": "3" } });
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(3000);
    expect((errorFor(429, undefined) as RateLimitError).retryAfterMs).toBeUndefined();
  });

  it("never puts the API key in a message, even when the server echoes it", () => {
    const withKey = new Request(request.url, { headers: { Authorization: `Bearer ${FAKE_KEY}` } });
    const echoed = { detail: `Unrecognized access token ${FAKE_KEY}` };
    const error = createAPIError(new Response(null, { status: 403 }), echoed, withKey);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain("[redacted]");
    expect(error.message).not.toContain(FAKE_KEY);
    const echoes = [
      { message: FAKE_KEY },
      { detail: [{ loc: ["header"], msg: FAKE_KEY }] },
      { error: FAKE_KEY },
      FAKE_KEY,
    ];
    for (const status of [400, 401, 403, 404, 422, 429, 500]) {
      for (const body of echoes) {
        const echoing = createAPIError(new Response(null, { status }), body, withKey);
        expect(echoing.message).not.toContain(FAKE_KEY);
        expect(String(echoing.stack)).not.toContain(FAKE_KEY);
      }
    }
  });
});

describe("readErrorMessage", () => {
  it.each<[string, unknown, string | undefined]>([
    ["{error:int, message}", { error: 1001, message: "agent_id is required" }, "agent_id is required"],
    ["{message}", { message: "Access denied" }, "Access denied"],
    [
      "{message, details}",
      { message: "Concurrency limit exceeded", details: { max: 2 } },
      "Concurrency limit exceeded",
    ],
    ["{detail: string}", { detail: "Unrecognized access token" }, "Unrecognized access token"],
    [
      "{detail: FastAPI list}",
      {
        detail: [
          { loc: ["body", "agent_id"], msg: "field required", type: "value_error.missing" },
          { loc: ["query", "page_size"], msg: "ensure this value is less than or equal to 50", type: "x" },
        ],
      },
      "body.agent_id: field required; query.page_size: ensure this value is less than or equal to 50",
    ],
    ["{error: string}", { error: "No valid fields provided" }, "No valid fields provided"],
    ["{error, status: failure}", { error: "No valid fields provided", status: "failure" }, "No valid fields provided"],
    ["empty message falls through", { message: "  ", detail: "used instead" }, "used instead"],
    ["{error: int} alone", { error: 1001 }, '{"error":1001}'],
    ["raw text", "  upstream connect error  \n", "upstream connect error"],
    ["empty text", "", undefined],
    ["empty object", {}, undefined],
    ["undefined", undefined, undefined],
    ["null", null, undefined],
  ])("%s", (_shape, body, expected) => {
    expect(readErrorMessage(body)).toBe(expected);
  });

  it("caps long bodies such as HTML error pages", () => {
    const message = readErrorMessage(`<html>${"x".repeat(5000)}</html>`);
    expect(message).toHaveLength(501);
    expect(message?.endsWith("…")).toBe(true);
  });
});
