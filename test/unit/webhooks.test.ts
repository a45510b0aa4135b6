/**
 * Webhook helpers: payload validation against the spec's webhook schema, (id, status) de-duplication, and the
 * documented sender IPs.
 */
import { describe, expect, it } from "vitest";
import {
  BOLNA_WEBHOOK_IPS,
  createWebhookDeduplicator,
  isBolnaWebhookIp,
  parseExecutionWebhook,
  WebhookValidationError,
} from "../../src/webhooks.js";

/** A delivery shaped like a captured live payload: naive timestamps, string duration, unknown extra keys. */
const delivery = {
  id: "4c06b4d1-4096-4561-919a-4f94539c8d4a",
  agent_id: "3c90c3cc-0d44-4b50-8888-8dd25736052a",
  batch_id: null,
  status: "completed",
  conversation_duration: 68.4,
  total_cost: 12.71,
  answered_by_voice_mail: null,
  transcript: "assistant: Hello\nuser: Hi",
  created_at: "2026-01-28T13:17:50.116924",
  updated_at: "2026-01-28T13:21:02.487113",
  telephony_data: { duration: "69", to_number: "+10123456789", call_type: "outbound", provider: "twilio" },
  extracted_data: { user_interested: true, address: "42 world lane" },
  arq_job_id: "a1b2c3",
  some_future_field: { nested: [1, 2, 3] },
};

describe("parseExecutionWebhook", () => {
  it("accepts a live-shaped delivery as text, bytes or an object", () => {
    const text = JSON.stringify(delivery);
    expect(parseExecutionWebhook(text).id).toBe(delivery.id);
    expect(parseExecutionWebhook(new TextEncoder().encode(text)).status).toBe("completed");
    expect(parseExecutionWebhook(delivery).telephony_data?.duration).toBe("69");
  });

  it("accepts extracted_data in the category form too", () => {
    const categorised = {
      ...delivery,
      extracted_data: { Delivery: { "Customer available": { subjective: "yes", objective: "yes", confidence: 0.9 } } },
    };
    expect(parseExecutionWebhook(categorised).extracted_data).toEqual(categorised.extracted_data);
  });

  it("lists every bad field with its path", () => {
    const bad = {
      ...delivery,
      id: 7432382142914,
      created_at: "2024-02-29T04:22:89Z",
      conversation_duration: "68.4",
    };
    let error: unknown;
    try {
      parseExecutionWebhook(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WebhookValidationError);
    const paths = (error as WebhookValidationError).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["$.id", "$.created_at", "$.conversation_duration"]));
    expect((error as Error).message).toMatch(/\$\.id must be string/);
  });

  it("reports missing required fields and non-JSON bodies", () => {
    const { id: _omitted, ...withoutId } = delivery;
    expect(() => parseExecutionWebhook(withoutId)).toThrow(/\$\.id is required/);
    expect(() => parseExecutionWebhook("{not json")).toThrow(/not valid JSON/);
    expect(() => parseExecutionWebhook([delivery])).toThrow(WebhookValidationError);
  });
});

describe("createWebhookDeduplicator", () => {
  it("keys on (id, status), never on id alone", () => {
    const dedupe = createWebhookDeduplicator();
    expect(dedupe.isDuplicate({ id: "a", status: "call-disconnected" })).toBe(false);
    expect(dedupe.isDuplicate({ id: "a", status: "completed" })).toBe(false);
    expect(dedupe.isDuplicate({ id: "a", status: "completed" })).toBe(true);
    expect(dedupe.isDuplicate({ id: "b", status: "completed" })).toBe(false);
    expect(dedupe.size).toBe(3);
  });

  it("forgets the oldest pairs beyond maxEntries", () => {
    const dedupe = createWebhookDeduplicator({ maxEntries: 2 });
    dedupe.isDuplicate({ id: "1", status: "queued" });
    dedupe.isDuplicate({ id: "2", status: "queued" });
    dedupe.isDuplicate({ id: "3", status: "queued" });
    expect(dedupe.size).toBe(2);
    expect(dedupe.isDuplicate({ id: "3", status: "queued" })).toBe(true);
    expect(dedupe.isDuplicate({ id: "1", status: "queued" })).toBe(false);
    expect(() => createWebhookDeduplicator({ maxEntries: 0 })).toThrow(/positive integer/);
  });
});

describe("sender IPs", () => {
  it("exports the three documented addresses", () => {
    expect([...BOLNA_WEBHOOK_IPS].sort()).toEqual(["13.126.9.249", "13.202.133.53", "13.203.39.153"]);
  });

  it("recognises them, including IPv4-mapped IPv6, and nothing else", () => {
    expect(isBolnaWebhookIp("13.203.39.153")).toBe(true);
    expect(isBolnaWebhookIp("::ffff:13.126.9.249")).toBe(true);
    expect(isBolnaWebhookIp("13.200.45.61")).toBe(false); // Bolna's SIP media IP, not a webhook sender
    expect(isBolnaWebhookIp("127.0.0.1")).toBe(false);
    expect(isBolnaWebhookIp(undefined)).toBe(false);
  });

  it("accepts this machine's addresses only with allowLoopback", () => {
    const local = ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"];
    for (const ip of local) {
      expect(isBolnaWebhookIp(ip), ip).toBe(false);
      expect(isBolnaWebhookIp(ip, { allowLoopback: true }), ip).toBe(true);
    }
    for (const ip of ["10.0.0.1", "128.0.0.1", "::2", "::ffff:10.0.0.1", "1127.0.0.1", ""]) {
      expect(isBolnaWebhookIp(ip, { allowLoopback: true }), ip).toBe(false);
    }
    expect(isBolnaWebhookIp("13.203.39.153", { allowLoopback: true })).toBe(true);
    expect(isBolnaWebhookIp(undefined, { allowLoopback: true })).toBe(false);
  });
});
