/**
 * The lenient side of the strict-body check: text the server reads as a number or boolean (pydantic's lax mode),
 * and keys the spec does not know yet, which go through unless they look like a typo of a known one.
 */
import { describe, expect, it } from "vitest";
import { declaredKeys, validateJsonSchema, type JsonSchema } from "../../src/extensions/internal/json-schema.js";
import { laxValue } from "../../src/extensions/internal/lax.js";
import { nearMiss } from "../../src/extensions/internal/near-miss.js";

describe("laxValue (pydantic's lax reading)", () => {
  it.each([
    ["180", ["integer"], 180],
    [" 8000 ", ["integer"], 8000],
    ["-3", ["integer"], -3],
    ["1_000", ["integer"], 1000],
    ["180.0", ["integer"], 180],
    ["0.7", ["number"], 0.7],
    ["1e3", ["number"], 1000],
    ["true", ["boolean"], true],
    ["False", ["boolean"], false],
    ["yes", ["boolean"], true],
    ["off", ["boolean"], false],
    ["1", ["boolean"], true],
    ["0", ["boolean"], false],
    [1, ["boolean"], true],
    [0, ["boolean"], false],
    ["8000", ["string", "integer"], 8000],
  ] as const)("reads %j as %j under %j", (value, types, expected) => {
    expect(laxValue(value, types)).toBe(expected);
  });

  it.each([
    ["180.5", ["integer"]],
    ["ninety", ["integer"]],
    ["", ["integer"]],
    ["0x10", ["integer"]],
    ["Infinity", ["number"]],
    ["truthy", ["boolean"]],
    [" true", ["boolean"]],
    [2, ["boolean"]],
    [true, ["integer"]],
    ["true", ["string"]],
  ] as const)("refuses %j under %j, as the server would", (value, types) => {
    expect(laxValue(value, types)).toBeUndefined();
  });
});

describe("nearMiss", () => {
  it("finds the known word a typo was meant to be, and nothing for a word close to none", () => {
    expect(nearMiss("hangup_after_silense", ["hangup_after_silence", "call_terminate"])).toBe("hangup_after_silence");
    expect(nearMiss("complete", ["completed", "failed"])).toBe("completed");
    expect(nearMiss("Completed", ["completed"])).toBe("completed");
    expect(nearMiss("completed", ["completed"])).toBeUndefined();
    expect(nearMiss("voicemail-detected", ["completed", "failed"])).toBeUndefined();
    expect(nearMiss("ambient_echo_guard", ["hangup_after_silence"])).toBeUndefined();
  });
});

const settings: JsonSchema = {
  type: "object",
  required: ["call_terminate"],
  additionalProperties: false,
  properties: {
    call_terminate: { type: "integer", minimum: 30 },
    sampling_rate: { type: "integer", enum: [8000, 16000] },
    hangup_after_silence: { type: "number" },
    backchanneling: { type: "boolean" },
  },
};

/** Lenient like the client's agent-body check, recording the keys it let through. */
function lenient(schema: JsonSchema, value: unknown, known = declaredKeys({}, schema)) {
  const passed: string[] = [];
  const issues = validateJsonSchema(
    schema,
    value,
    {},
    { lax: true, knownKeys: known, onUnknownKey: (p) => passed.push(p) },
  );
  return { issues: issues.map((i) => `${i.path} ${i.message}`), passed };
}

describe("validateJsonSchema, lenient", () => {
  it("checks the number or boolean that text stands for, then lets it through", () => {
    expect(lenient(settings, { call_terminate: "180", sampling_rate: "8000", backchanneling: "true" }).issues).toEqual(
      [],
    );
    expect(lenient(settings, { call_terminate: "10" }).issues).toEqual(["$.call_terminate must be ≥ 30, got 10"]);
    expect(lenient(settings, { call_terminate: 90, sampling_rate: "44100" }).issues).toEqual([
      '$.sampling_rate must be one of 8000, 16000, got "44100"',
    ]);
    expect(lenient(settings, { call_terminate: "ninety" }).issues).toEqual([
      "$.call_terminate must be integer, got string",
    ]);
  });

  it("stays exact without the option (webhook payloads)", () => {
    expect(validateJsonSchema(settings, { call_terminate: "180" })).toHaveLength(1);
    expect(validateJsonSchema(settings, { call_terminate: 90, new_knob: 1 })).toEqual([
      { path: "$.new_knob", message: "is not allowed here" },
    ]);
  });

  it("lets a key close to no known key through and reports its path; a near miss is refused", () => {
    expect(lenient(settings, { call_terminate: 90, ambient_echo_guard: 2 })).toEqual({
      issues: [],
      passed: ["$.ambient_echo_guard"],
    });
    expect(lenient(settings, { call_terminate: 90, hangup_after_silense: 10 })).toEqual({
      issues: ['$.hangup_after_silense is not allowed here (did you mean "hangup_after_silence"?)'],
      passed: [],
    });
  });

  it("reports no passed key when something else refuses the body", () => {
    expect(lenient(settings, { ambient_echo_guard: 2 })).toEqual({
      issues: ["$.call_terminate is required"],
      passed: [],
    });
  });

  it("passes a key the schemas declare elsewhere, and never takes it for a near miss of a local key", () => {
    // `agent_type` is one edit-distance step from nothing here but is a real name elsewhere: not a typo.
    const local: JsonSchema = {
      type: "object",
      additionalProperties: false,
      properties: { agent_name: { type: "string" }, call_terminate: { type: "integer" } },
    };
    const known = new Set([...declaredKeys({}, local), "agent_type", "reasoning_effort"]);
    expect(lenient(local, { agent_name: "a", agent_type: "other", reasoning_effort: "low" }, known)).toEqual({
      issues: [],
      passed: ["$.agent_type", "$.reasoning_effort"],
    });
    // Without that knowledge `agent_type` reads as a misspelt `agent_name`.
    expect(lenient(local, { agent_type: "other" }, new Set(["agent_name"])).issues).toEqual([
      '$.agent_type is not allowed here (did you mean "agent_name"?)',
    ]);
  });

  it("prefers the alternative that knows every key, so an unknown key never makes two alternatives match", () => {
    const byKind: JsonSchema = {
      oneOf: [
        { type: "object", additionalProperties: false, required: ["a"], properties: { a: { type: "string" } } },
        {
          type: "object",
          additionalProperties: false,
          required: ["a"],
          properties: { a: { type: "string" }, extra_setting: { type: "integer" } },
        },
      ],
    };
    expect(lenient(byKind, { a: "x", extra_setting: 1 }, new Set(["a"]))).toEqual({ issues: [], passed: [] });
    expect(lenient(byKind, { a: "x", brand_new_field: true }, new Set(["a", "extra_setting"]))).toEqual({
      issues: [],
      passed: ["$.brand_new_field"],
    });
  });
});
