/**
 * With `validateResponses` off the client does not even import the response check (and its schemas): the module
 * is replaced by one that records being loaded, and only a call with the option on loads it.
 */
import { describe, expect, it, vi } from "vitest";
import { createBolnaClient } from "../../src/index.js";
import { successExample } from "../support/spec-examples.js";

const loads = vi.hoisted(() => ({ count: 0 }));
vi.mock("../../src/extensions/internal/response-check.js", () => {
  loads.count++;
  return { checkResponse: vi.fn() };
});

const AGENT = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

describe("the response check is loaded lazily", () => {
  it("is not imported while validateResponses is off, and is on the first call with it on", async () => {
    const bolna = createBolnaClient({
      apiKey: "bn-lazy-0123456789",
      baseUrl: "https://api.bolna.ai",
      env: {},
      rateLimit: false,
      fetch: async () => Response.json(successExample("/v2/agent/{agent_id}")),
    });
    await bolna.getAgent({ agent_id: AGENT });
    await bolna.getAgent({ agent_id: AGENT }, { validateResponses: false });
    expect(loads.count).toBe(0);
    await bolna.getAgent({ agent_id: AGENT }, { validateResponses: "warn" });
    expect(loads.count).toBe(1);
  });
});
