import { describe, expect, it } from "vitest";
import { BolnaInputError, parseBolnaDuration } from "../../src/index.js";
import { parseExecutionWebhook } from "../../src/webhooks.js";

describe("parseBolnaDuration", () => {
  it.each([
    ["a string of digits", "69", 69],
    ["a decimal string (busy Twilio calls)", "0.0", 0],
    ["a decimal string", "12.75", 12.75],
    ["an integer (current docs examples)", 16, 16],
    ["a float", 41.5, 41.5],
    ["zero", 0, 0],
  ])("reads %s", (_label, value, seconds) => {
    expect(parseBolnaDuration(value)).toBe(seconds);
  });

  it.each([null, undefined, ""])("gives null for a duration not known yet (%j)", (value) => {
    expect(parseBolnaDuration(value)).toBeNull();
  });

  it.each(["abc", "-1", "1e3", " 5", "5.", Number.NaN, -3, Number.POSITIVE_INFINITY])(
    "refuses %j with a typed error",
    (value) => {
      expect(() => parseBolnaDuration(value)).toThrow(BolnaInputError);
      expect(() => parseBolnaDuration(value)).toThrow(
        /^Not a call duration: .*Expected seconds as a number or a numeric string/,
      );
    },
  );
});

describe("durations in webhook deliveries", () => {
  const base = {
    id: "9b2f3c1e-7d4a-4e8b-a1c2-5f6e7d8c9b0a",
    agent_id: "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    status: "busy",
    created_at: "2026-01-28T12:02:11.550210",
    updated_at: "2026-01-28T12:02:40.031877",
  };

  it.each([
    [
      "a Twilio busy delivery",
      { duration: "0.0", provider: "twilio", hangup_by: "Carrier", hangup_provider_code: 3010 },
      0,
    ],
    ["a digits string", { duration: "69" }, 69],
    ["an integer, as the current docs print it", { duration: 16 }, 16],
    ["null while the call runs", { duration: null }, null],
  ])("parses %s", (_label, telephony_data, seconds) => {
    const execution = parseExecutionWebhook({
      ...base,
      telephony_data,
      transfer_call_data: { duration: telephony_data.duration },
    });
    expect(parseBolnaDuration(execution.telephony_data?.duration)).toBe(seconds);
    expect(parseBolnaDuration(execution.transfer_call_data?.duration)).toBe(seconds);
  });

  it("still refuses a duration that is not a number of seconds", () => {
    expect(() => parseExecutionWebhook({ ...base, telephony_data: { duration: "about a minute" } })).toThrow(
      /telephony_data\.duration/,
    );
    expect(() => parseExecutionWebhook({ ...base, telephony_data: { duration: -4 } })).toThrow(
      /telephony_data\.duration/,
    );
  });
});
