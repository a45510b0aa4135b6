/**
 * Paths that two templates can match: `/sub-accounts/all/usage` is both the literal path of `listSubAccountsUsage`
 * and an instance of `getSubAccountUsage`'s `/sub-accounts/{sub_account_id}/usage`. OpenAPI gives the literal
 * path precedence; the mock, the client's route table (which picks the rate-limit bucket and retry policy) and the
 * contract suite's own matcher must all agree with it.
 */
import { describe, expect, inject, it } from "vitest";
import { ALL_OPERATIONS } from "../../src/extensions/internal/operation-table.js";
import { createRouteTable } from "../../src/extensions/internal/routes.js";
import { assertValid } from "./support/ajv.js";
import { matchOperation, operation, successResponses } from "./support/spec.js";
import { CONTRACT_API_KEY } from "./support/wire.js";

const baseUrl = inject("prismUrl");
const routes = createRouteTable(ALL_OPERATIONS);

/** Every concrete path of the spec that a templated path of the same method also matches. */
function shadowedLiteralPaths(): Array<{ method: string; path: string; operationId: string }> {
  const all = ALL_OPERATIONS;
  return all
    .filter((meta) => !meta.path.includes("{"))
    .filter((meta) =>
      all.some((other) => {
        if (other === meta || other.method !== meta.method || !other.path.includes("{")) return false;
        const pattern = new RegExp(`^${other.path.replace(/\{[^}]+\}/g, "[^/]+")}/?$`);
        return pattern.test(meta.path);
      }),
    )
    .map((meta) => ({ method: meta.method, path: meta.path, operationId: meta.operationId }));
}

describe("a literal path shadowing a template", () => {
  const shadowed = shadowedLiteralPaths();

  it("exists in the spec (the case this file guards)", () => {
    expect(shadowed.map((s) => s.operationId)).toContain("listSubAccountsUsage");
  });

  it.each(shadowed.map((s) => [`${s.method.toUpperCase()} ${s.path}`, s] as const))(
    "%s is routed to its own operation",
    async (_label, s) => {
      const url = new URL(`${baseUrl}${s.path}`);
      expect(routes.match(s.method, url)?.operationId, "client route table (limiter, retries)").toBe(s.operationId);
      expect(matchOperation(s.method, url)?.operationId, "contract matcher").toBe(s.operationId);

      // The mock answers with the literal operation's response, which the templated one's schema would not fit.
      const response = await fetch(url, {
        method: s.method.toUpperCase(),
        headers: { Authorization: `Bearer ${CONTRACT_API_KEY}` },
      });
      expect(response.status).toBe(200);
      const body: unknown = await response.json();
      const own = successResponses(operation(s.operationId))[0];
      expect(own?.schema).toBeDefined();
      assertValid(own?.schema ?? {}, body, `${s.operationId} answer`);
      expect(body).toEqual(own?.examples[0]?.value);
    },
  );

  it("still routes an id in that position to the templated operation", async () => {
    const url = new URL(`${baseUrl}/sub-accounts/7d2c4e91-58a3-4b6f-9e20-1c3f5a7b9d04/usage`);
    expect(routes.match("GET", url)?.operationId).toBe("getSubAccountUsage");
    const response = await fetch(url, { headers: { Authorization: `Bearer ${CONTRACT_API_KEY}` } });
    expect(await response.json()).toEqual(successResponses(operation("getSubAccountUsage"))[0]?.examples[0]?.value);
  });
});
