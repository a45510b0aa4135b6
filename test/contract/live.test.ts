/**
 * Opt-in live run: the read-only operations of the spec (every GET, nothing else) against a real server, each
 * response validated with Ajv against the spec. Runs only when both variables are set:
 *
 *   BOLNA_TEST_BASE_URL=https://api.bolna.ai BOLNA_API_KEY=… npx vitest run --project contract test/contract/live.test.ts
 *
 * Path parameters are taken from what the account actually has (the first agent of `listAgents`, its first
 * batch and execution, the first knowledgebase); an operation whose id cannot be found is skipped and listed.
 * Nothing but GET can leave this file: the transport refuses any other method. The key is never printed.
 *
 * To catch drift on every request rather than only in these tests, put Prism's validating proxy in front of the
 * live API and point anything (these tests, the examples, your app) at it:
 *
 *   node node_modules/@stoplight/prism-cli/dist/index.js proxy src/generated/openapi.json https://api.bolna.ai --errors --port 4011
 *   BOLNA_TEST_BASE_URL=http://127.0.0.1:4011 BOLNA_API_KEY=… npx vitest run --project contract test/contract/live.test.ts
 *
 * With `--errors`, a live response that breaks the spec becomes a 500 `…#VIOLATIONS` listing the differences
 * (without it, the response passes through with an `sl-violations` header, which these tests also fail on).
 */
import { describe, expect, it } from "vitest";
import { APIError, createBolnaClient } from "../../src/index.js";
import { assertValid, componentSchema } from "./support/ajv.js";
import { flatten, requiredOnlyParts } from "./support/args.js";
import { operations, successResponses, type SpecOperation } from "./support/spec.js";
import { callOperation, recordingFetch } from "./support/wire.js";

const baseUrl = process.env.BOLNA_TEST_BASE_URL?.trim() ?? "";
const apiKey = process.env.BOLNA_API_KEY?.trim() ?? "";
const configured = baseUrl !== "" && apiKey !== "";

if (!configured) {
  console.log(
    "live contract run skipped: set BOLNA_TEST_BASE_URL and BOLNA_API_KEY to run the read-only operations against a real server",
  );
}

const readOnly = operations.filter((op) => op.method === "get");

/** Where a real value of each path parameter comes from: an earlier read-only call's data. */
const ID_SOURCES: Readonly<Record<string, { operationId: string; pick: (data: unknown) => unknown }>> = {
  agent_id: { operationId: "listAgents", pick: (d) => (d as Array<{ id?: unknown }>)[0]?.id },
  batch_id: { operationId: "listAgentBatches", pick: (d) => (d as Array<{ batch_id?: unknown }>)[0]?.batch_id },
  execution_id: {
    operationId: "listAgentExecutions",
    pick: (d) => (d as { data?: Array<{ id?: unknown }> }).data?.[0]?.id,
  },
  rag_id: { operationId: "listKnowledgebases", pick: (d) => (d as Array<{ rag_id?: unknown }>)[0]?.rag_id },
};

/** A window bound to the last `max_days` days, so the executions listing has a chance to return something. */
function liveWindow(op: SpecOperation): Record<string, string> {
  if (!op.maxWindow) return {};
  const to = new Date();
  const from = new Date(to.getTime() - op.maxWindow.max_days * 24 * 3600 * 1000 + 60_000);
  return { [op.maxWindow.from]: from.toISOString(), [op.maxWindow.to]: to.toISOString() };
}

describe.skipIf(!configured)("live API, read-only operations", () => {
  const wire = recordingFetch({
    send: (request) => {
      if (request.method !== "GET")
        throw new Error(`The live run sends GET only; refused ${request.method} ${new URL(request.url).pathname}`);
      return globalThis.fetch(request);
    },
  });
  const client = configured ? createBolnaClient({ apiKey, baseUrl, env: {}, fetch: wire.fetch }) : undefined;
  const data = new Map<string, unknown>();
  const skipped: string[] = [];

  it(
    "calls every read-only operation it can resolve ids for, and every response matches the spec",
    { timeout: 120_000 },
    async () => {
      const pending = [...readOnly];
      const results: string[] = [];
      while (pending.length > 0) {
        const ready = pending.findIndex((op) =>
          op.parameters.every(
            (p) =>
              p.in !== "path" || data.has(ID_SOURCES[p.name]?.operationId ?? "") || ID_SOURCES[p.name] === undefined,
          ),
        );
        if (ready === -1) break;
        const [op] = pending.splice(ready, 1) as [SpecOperation];
        const args = { ...flatten(op, requiredOnlyParts(op)), ...liveWindow(op) };
        let resolved = true;
        for (const param of op.parameters.filter((p) => p.in === "path")) {
          const source = ID_SOURCES[param.name];
          const value = source ? source.pick(data.get(source.operationId)) : undefined;
          if (typeof value !== "string" || value === "") resolved = false;
          else args[param.name] = value;
        }
        if (!resolved) {
          skipped.push(
            `${op.operationId} (no ${op.parameters
              .filter((p) => p.in === "path")
              .map((p) => p.name)
              .join("/")} on this account)`,
          );
          continue;
        }
        try {
          const result = await callOperation(client as NonNullable<typeof client>, op.operationId, args);
          const exchange = wire.exchanges[wire.exchanges.length - 1];
          const response = successResponses(op).find((r) => r.status === exchange?.status);
          expect(response, `${op.operationId}: status ${exchange?.status} is documented`).toBeDefined();
          assertValid(response?.schema ?? {}, result, `${op.operationId} live data`);
          expect(exchange?.violations, `${op.operationId}: sl-violations from a validating proxy`).toBeUndefined();
          data.set(op.operationId, result);
          results.push(`${op.operationId} ${exchange?.status}`);
        } catch (error) {
          // A documented refusal (e.g. 403 for enterprise-only sub-accounts) is reported, not failed; its body must
          // still match the spec.
          if (
            !(error instanceof APIError) ||
            !op.responses.some((r) => r.status === error.status) ||
            error.status >= 500
          )
            throw error;
          assertValid(componentSchema("ErrorBody"), error.body, `${op.operationId} ${error.status} body`);
          results.push(`${op.operationId} ${error.status} (${error.constructor.name})`);
        }
      }
      for (const op of pending) skipped.push(`${op.operationId} (ids unavailable)`);
      console.log(
        `live contract run against ${new URL(baseUrl).origin}: ${results.join(", ")}${skipped.length ? `; skipped: ${skipped.join(", ")}` : ""}`,
      );
      expect(results.length).toBeGreaterThan(0);
      expect(wire.exchanges.every((e) => e.method === "GET")).toBe(true);
    },
  );
});
