import { describe, expect, it } from "vitest";
import {
  backoffMs,
  failedBeforeSend,
  isRetryableFailure,
  isRetryableStatus,
  parseRetryAfterMs,
  retryDelayAfter,
} from "../../src/extensions/internal/retry-policy.js";

describe("which outcomes are retried", () => {
  it("retries 408, 409, 429 and 5xx on retry-safe routes, only 429 on the others, never a 3xx or another 4xx", () => {
    for (const status of [408, 409, 429, 500, 502, 503, 504]) expect(isRetryableStatus(status, true)).toBe(true);
    for (const status of [301, 302, 303, 307, 308, 400, 401, 403, 404, 422]) {
      expect(isRetryableStatus(status, true)).toBe(false);
      expect(isRetryableStatus(status, false)).toBe(false);
    }
    expect(isRetryableStatus(429, false)).toBe(true);
    for (const status of [408, 409, 500, 503]) expect(isRetryableStatus(status, false)).toBe(false);
  });

  it("retries a failure without a response on retry-safe routes, elsewhere only one that never left", () => {
    const refused = new TypeError("fetch failed", {
      cause: Object.assign(new Error("refused"), { code: "ECONNREFUSED" }),
    });
    const reset = new TypeError("fetch failed", { cause: Object.assign(new Error("reset"), { code: "ECONNRESET" }) });
    expect(isRetryableFailure({ kind: "timeout" }, true)).toBe(true);
    expect(isRetryableFailure({ kind: "timeout" }, false)).toBe(false);
    expect(isRetryableFailure({ kind: "connection", error: reset }, true)).toBe(true);
    expect(isRetryableFailure({ kind: "connection", error: reset }, false)).toBe(false);
    expect(isRetryableFailure({ kind: "connection", error: refused }, false)).toBe(true);
    expect(failedBeforeSend(new AggregateError([refused, refused]))).toBe(true);
    expect(failedBeforeSend(new AggregateError([refused, reset]))).toBe(false);
  });
});

describe("how long to wait", () => {
  it("backs off 0.5 s × 2ⁿ up to 8 s, capped by maxRetryDelayMs, jitter only shortening it", () => {
    expect([0, 1, 2, 3, 4, 5].map((retry) => backoffMs(retry, 60_000, () => 0))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000,
    ]);
    expect(backoffMs(3, 1500, () => 0)).toBe(1500);
    expect(backoffMs(0, 60_000, () => 0.999)).toBeGreaterThanOrEqual(375);
  });

  it("honours the server's wait up to maxRetryDelayMs, and returns a response asking for longer", () => {
    const asking = (retryAfter: string): Response =>
      new Response(null, { status: 429, headers: { "retry-after": retryAfter } });
    expect(retryDelayAfter(asking("2"), false, 0, 60_000, () => 0)).toBe(2000);
    expect(retryDelayAfter(asking("120"), false, 0, 60_000, () => 0)).toBeUndefined();
    expect(retryDelayAfter(new Response(null, { status: 503 }), true, 1, 60_000, () => 0)).toBe(1000);
    expect(retryDelayAfter(new Response(null, { status: 503 }), false, 1, 60_000, () => 0)).toBeUndefined();
  });
});

describe("parseRetryAfterMs", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  const parse = (headers: Record<string, string>): number | undefined => parseRetryAfterMs(new Headers(headers), now);

  it("reads Retry-After as seconds, including fractions", () => {
    expect(parse({ "retry-after": "2" })).toBe(2000);
    expect(parse({ "retry-after": "0.5" })).toBe(500);
    expect(parse({ "retry-after": "0" })).toBe(0);
  });

  it("reads Retry-After as an HTTP date", () => {
    expect(parse({ "retry-after": "Thu, 01 Jan 2026 00:00:07 GMT" })).toBe(7000);
  });

  it("prefers retry-after-ms", () => {
    expect(parse({ "retry-after-ms": "250", "retry-after": "9" })).toBe(250);
    expect(parse({ "retry-after-ms": "12.5" })).toBe(12.5);
    expect(parse({ "retry-after-ms": "soon", "retry-after": "1" })).toBe(1000);
  });

  it.each([
    {},
    { "retry-after": "-1" },
    { "retry-after": "later" },
    { "retry-after": "Wed, 31 Dec 2025 23:59:00 GMT" },
    { "retry-after-ms": "-5" },
  ])("is undefined for %o", (headers) => {
    expect(parse(headers)).toBeUndefined();
  });
});
