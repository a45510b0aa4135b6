/**
 * Issue 9, item 11: a webhook receiver (a loopback server using the `./webhooks` helpers, as a user would) cannot be
 * steered by prototype keys in a delivery, and its de-duplication key cannot collide.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createWebhookDeduplicator, parseExecutionWebhook, WebhookValidationError } from "../../../src/webhooks.js";
import type { Execution } from "../../../src/index.js";
import { sendJson, serverPool } from "../support/hostile-server.js";

const ID = "4c06b4d1-4096-4561-919a-4f94539c8d4a";
const AGENT = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

const servers = serverPool();
afterEach(() => servers.closeAll());

/** A receiver: validates each delivery, drops repeats, keeps the accepted executions. */
async function receiver() {
  const seen = createWebhookDeduplicator();
  const accepted: Execution[] = [];
  const server = await servers.start((_req, res, request) => {
    try {
      const execution = parseExecutionWebhook(request.body);
      if (!seen.isDuplicate(execution)) accepted.push(execution);
      sendJson(res, 200, { ok: true });
    } catch (error) {
      sendJson(res, error instanceof WebhookValidationError ? 400 : 500, { error: (error as Error).message });
    }
  });
  const deliver = async (text: string): Promise<number> =>
    (
      await fetch(`${server.url}/bolna`, {
        method: "POST",
        body: text,
        headers: { "content-type": "application/json" },
      })
    ).status;
  return { accepted, deliver };
}

describe("prototype keys in a delivery", () => {
  it("drops an own __proto__ (and constructor, prototype) at any depth, so copies keep Object's prototype", async () => {
    const { accepted, deliver } = await receiver();
    const text =
      `{"id": "${ID}", "agent_id": "${AGENT}", "status": "completed", "__proto__": {"isAdmin": true}, ` +
      `"constructor": {"prototype": {"polluted": true}}, ` +
      `"telephony_data": {"provider": "twilio", "__proto__": {"to_number": "+1999"}, "prototype": 1}}`;
    expect(await deliver(text)).toBe(200);
    const [execution] = accepted;
    expect(execution).toBeDefined();
    expect(Object.hasOwn(execution as object, "__proto__")).toBe(false);
    expect(Object.hasOwn(execution as object, "constructor")).toBe(false);
    const copy = Object.assign({}, execution, { ...execution?.telephony_data });
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.keys(execution?.telephony_data ?? {})).toEqual(["provider"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("does not find a required field through the prototype", () => {
    const inherited = Object.create({ id: ID, agent_id: AGENT }) as Record<string, unknown>;
    inherited.status = "completed";
    let error: unknown;
    try {
      parseExecutionWebhook(inherited);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WebhookValidationError);
    expect((error as WebhookValidationError).issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining(["$.id", "$.agent_id"]),
    );
  });

  it("refuses a delivery nested absurdly deep with a validation error, not a crash", async () => {
    const { accepted, deliver } = await receiver();
    const deep = `{"id": "${ID}", "agent_id": "${AGENT}", "extra": ${"[".repeat(20_000)}${"]".repeat(20_000)}}`;
    expect(await deliver(deep)).toBe(400);
    expect(accepted).toHaveLength(0);
  });
});

describe("de-duplication key", () => {
  const delivery = (id: string, status: string | null): string => JSON.stringify({ id, agent_id: AGENT, status });

  it("cannot be forged by a separator inside the id or the status", async () => {
    const { accepted, deliver } = await receiver();
    expect(await deliver(delivery("a\u0000b", "c"))).toBe(200);
    expect(await deliver(delivery("a", "b\u0000c"))).toBe(200);
    expect(accepted.map((e) => [e.id, e.status])).toEqual([
      ["a\u0000b", "c"],
      ["a", "b\u0000c"],
    ]);
  });

  it("keeps status null apart from an empty status, and still drops a true repeat", () => {
    const seen = createWebhookDeduplicator();
    expect(seen.isDuplicate({ id: ID, status: null })).toBe(false);
    expect(seen.isDuplicate({ id: ID, status: "" })).toBe(false);
    expect(seen.isDuplicate({ id: ID, status: null })).toBe(true);
    expect(seen.isDuplicate({ id: ID })).toBe(true);
    expect(seen.isDuplicate({ id: ID, status: "" })).toBe(true);
  });
});
