/** The route table: from a concrete request back to its operation (transport) and from a template (raw calls). */
import { describe, expect, it } from "vitest";
import { ALL_OPERATIONS } from "../../src/extensions/internal/operation-table.js";
import { createRouteTable } from "../../src/extensions/internal/routes.js";

const ALL = ALL_OPERATIONS;
const match = (method: string, url: string, basePath = ""): string | undefined =>
  createRouteTable(ALL, basePath).match(method, new URL(url))?.operationId;

describe("createRouteTable", () => {
  it("maps every operation's own path back to it", () => {
    const routes = createRouteTable(ALL);
    for (const meta of ALL) {
      const path = meta.path.replace(/\{[^}]+\}/g, "x1");
      expect(routes.match(meta.method.toUpperCase(), new URL(`https://api.bolna.ai${path}`))?.operationId, path).toBe(
        meta.operationId,
      );
    }
  });

  it("prefers literal segments over parameters, and tells methods apart", () => {
    expect(match("GET", "https://api.bolna.ai/v2/agent/all")).toBe("listAgents");
    expect(match("GET", "https://api.bolna.ai/v2/agent/a1")).toBe("getAgent");
    expect(match("PUT", "https://api.bolna.ai/v2/agent/a1")).toBe("replaceAgent");
    expect(match("POST", "https://api.bolna.ai/call/e1/stop")).toBe("stopCall");
    expect(match("post", "https://api.bolna.ai/call")).toBe("makeCall");
  });

  it("answers /sub-accounts/all/usage with its own operation, not the {sub_account_id}/usage template", () => {
    // Both templates match the path; the literal `all` must win, or the limiter and retry policy would use the
    // other operation's metadata (and a raw call would be typed as the other response).
    expect(match("GET", "https://api.bolna.ai/sub-accounts/all/usage?from=2026-08-01T00:00:00Z")).toBe(
      "listSubAccountsUsage",
    );
    expect(match("GET", "https://api.bolna.ai/sub-accounts/7d2c4e91/usage")).toBe("getSubAccountUsage");
    expect(match("GET", "https://api.bolna.ai/sub-accounts/all")).toBe("listSubAccounts");
    expect(match("PATCH", "https://api.bolna.ai/sub-accounts/7d2c4e91")).toBe("updateSubAccount");
  });

  it("accepts one trailing slash but no empty segment, and ignores the query", () => {
    expect(match("GET", "https://api.bolna.ai/v2/agent/a1/")).toBe("getAgent");
    expect(match("GET", "https://api.bolna.ai/v2/agent/a1/executions?page_number=2")).toBe("listAgentExecutions");
    expect(match("GET", "https://api.bolna.ai/v2/agent//executions")).toBeUndefined();
    expect(match("GET", "https://api.bolna.ai/v2/agent/a1//")).toBeUndefined();
    expect(match("GET", "https://api.bolna.ai/")).toBeUndefined();
    expect(match("GET", "https://api.bolna.ai/v2/unknown/a1")).toBeUndefined();
    expect(match("PATCH", "https://api.bolna.ai/call")).toBeUndefined();
  });

  it("strips the base URL's path first", () => {
    expect(match("GET", "https://proxy.example.com/bolna/v2/agent/a1", "/bolna/")).toBe("getAgent");
    expect(match("GET", "https://proxy.example.com/bolna/user/me", "/bolna")).toBe("getCurrentUser");
  });

  it("finds an operation by method and template", () => {
    const routes = createRouteTable(ALL);
    expect(routes.byTemplate("POST", "/batches")?.operationId).toBe("createBatch");
    expect(routes.byTemplate("GET", "/batches")).toBeUndefined();
  });
});
