/**
 * Issue 9, item 13: one retry policy, applied once per request. Layers above the transport do not add attempts, and
 * `maxRetryDelayMs` caps every wait, per client or per call.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createBolnaClient, InternalServerError, RateLimitError } from "../../../src/index.js";
import { sendJson, serverPool } from "../support/hostile-server.js";

const KEY = "bn-hostile-retries-0123456789";
const AGENT = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const WINDOW = { from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z" };

const servers = serverPool();
afterEach(() => servers.closeAll());

function page(pageNumber: number, hasMore: boolean) {
  return { page_number: pageNumber, page_size: 1, total: 3, has_more: hasMore, data: [{ id: `e${pageNumber}` }] };
}

describe("attempts per request", () => {
  it("a failing call is attempted 1 + maxRetries times, no more", async () => {
    const server = await servers.start((_req, res) => sendJson(res, 503, { detail: "busy" }));
    const bolna = createBolnaClient({
      apiKey: KEY,
      baseUrl: server.url,
      env: {},
      rateLimit: false,
      maxRetryDelayMs: 0,
    });
    await expect(bolna.getAgent({ agent_id: AGENT })).rejects.toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(3);
    await expect(bolna.getAgent({ agent_id: AGENT }, { maxRetries: 4 })).rejects.toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(3 + 5);
  });

  it("a paginated walk gives each page the transport's attempts only", async () => {
    const server = await servers.start((_req, res, request) => {
      const pageNumber = Number(request.query.get("page_number"));
      if (pageNumber === 2) sendJson(res, 503, { detail: "busy" });
      else sendJson(res, 200, page(pageNumber, true));
    });
    const bolna = createBolnaClient({
      apiKey: KEY,
      baseUrl: server.url,
      env: {},
      rateLimit: false,
      maxRetryDelayMs: 0,
    });
    const seen: string[] = [];
    const walk = async (): Promise<void> => {
      for await (const execution of bolna.listAgentExecutions({ agent_id: AGENT, ...WINDOW, page_size: 1 })) {
        seen.push(execution.id);
      }
    };
    await expect(walk()).rejects.toBeInstanceOf(InternalServerError);
    expect(seen).toEqual(["e1"]);
    expect(server.requests.map((r) => r.query.get("page_number"))).toEqual(["1", "2", "2", "2"]);
  });
});

describe("maxRetryDelayMs caps every wait", () => {
  it("a Retry-After longer than the per-call cap ends the retries at once", async () => {
    const server = await servers.start((_req, res) =>
      sendJson(res, 429, { detail: "slow down" }, { "retry-after": "30" }),
    );
    const bolna = createBolnaClient({ apiKey: KEY, baseUrl: server.url, env: {}, rateLimit: false });
    const error = await bolna.getAgent({ agent_id: AGENT }, { maxRetryDelayMs: 1_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(30_000);
    expect(server.requests).toHaveLength(1);
  });

  it("a Retry-After within the cap is waited out and retried", async () => {
    const server = await servers.start((_req, res, _request, n) =>
      n === 0
        ? sendJson(res, 429, { detail: "slow down" }, { "retry-after-ms": "20" })
        : sendJson(res, 200, { id: AGENT }),
    );
    const bolna = createBolnaClient({
      apiKey: KEY,
      baseUrl: server.url,
      env: {},
      rateLimit: false,
      maxRetryDelayMs: 0,
    });
    expect(await bolna.getAgent({ agent_id: AGENT }, { maxRetryDelayMs: 1_000 })).toEqual({ id: AGENT });
    expect(server.requests).toHaveLength(2);
  });
});
