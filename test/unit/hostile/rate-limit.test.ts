/**
 * Issue 9, item 10: with the client's limit equal to the server's, a server that counts arrivals in a sliding window
 * (as Bolna's does) never answers 429, even at a short window with an event loop that keeps stalling, because a slot
 * is freed one window after its response arrives, not after its grant.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createBolnaClient, RateLimitError } from "../../../src/index.js";
import { sendJson, serverPool } from "../support/hostile-server.js";

const KEY = "bn-hostile-ratelimit-0123456789";
const AGENT = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const WINDOW_MS = 250;
const LIMIT = 8;
const REQUESTS = 40;

const servers = serverPool();
afterEach(() => servers.closeAll());

/** Blocks the event loop for `ms`, as a CPU-heavy consumer or a GC pause would. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

describe("rate limiter against an arrival-counting server", () => {
  it("gets no 429 at a short window while the event loop stalls longer than the old safety margin", async () => {
    const arrivals: number[] = [];
    let refused = 0;
    const server = await servers.start((_req, res, request, n) => {
      const inWindow = arrivals.filter((t) => t > request.arrivedAt - WINDOW_MS).length;
      arrivals.push(request.arrivedAt);
      if (inWindow >= LIMIT) {
        refused++;
        sendJson(res, 429, { detail: "Rate limit exceeded" });
        return;
      }
      // Answers take 0–30 ms, differently per request.
      setTimeout(() => sendJson(res, 200, { id: AGENT, agent_name: "Ada" }), (n * 7) % 31);
    });
    const bolna = createBolnaClient({
      apiKey: KEY,
      baseUrl: server.url,
      env: {},
      maxRetries: 0, // a 429 would surface as a RateLimitError instead of being retried away
      rateLimit: { windowMs: WINDOW_MS, limits: { agent: LIMIT } },
    });
    // Stalls of 80 ms (more than the 50 ms margin the limiter used to keep) every 100 ms.
    const staller = setInterval(() => busy(80), 100);
    try {
      const results = await Promise.allSettled(
        Array.from({ length: REQUESTS }, () => bolna.getAgent({ agent_id: AGENT })),
      );
      const rejected = results.filter((r) => r.status === "rejected").map((r) => r.reason);
      expect(rejected.filter((reason) => reason instanceof RateLimitError)).toEqual([]);
      expect(rejected).toEqual([]);
    } finally {
      clearInterval(staller);
    }
    expect(refused).toBe(0);
    expect(arrivals).toHaveLength(REQUESTS);
    const busiest = Math.max(
      ...arrivals.map((start) => arrivals.filter((t) => t >= start && t < start + WINDOW_MS).length),
    );
    expect(busiest).toBeLessThanOrEqual(LIMIT);
  });
});
