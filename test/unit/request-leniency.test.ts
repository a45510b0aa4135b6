/**
 * What the client lets through that its checks used to refuse, end to end through `createBolnaClient` with an
 * injected fetch: unknown agent keys (with a debug line), text for numbers and booleans, the off switch at both
 * levels, near misses of open filter values, every timestamp form Bolna writes, and window bounds rounded so that
 * a record on a bound is kept.
 */
import { describe, expect, it, vi } from "vitest";
import {
  BolnaInputError,
  createBolnaClient,
  parseBolnaTimestamp,
  type AgentRequest,
  type BolnaClientOptions,
  type Logger,
} from "../../src/index.js";
import { requestBodyExamples } from "../support/spec-examples.js";

const AGENT = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const BATCH = "baab7cdc833145bf8dd260ff1f0a3f21";

/** Bolna's own form: microseconds, no zone. */
const CREATED_AT = "2025-06-01T10:00:00.123456";

/** Microseconds since the epoch of a timestamp in any form `parseBolnaTimestamp` reads. */
function micros(timestamp: string): number {
  const fraction = /\.(\d+)/.exec(timestamp)?.[1] ?? "";
  return parseBolnaTimestamp(timestamp).getTime() * 1000 + Number(fraction.slice(3, 6).padEnd(3, "0"));
}

/**
 * A fetch that records what is sent and lists one execution, created at `CREATED_AT`, when it lies in the
 * inclusive `[from, to]` window, compared to the microsecond as the server compares.
 */
function recordingClient(extra: BolnaClientOptions = {}) {
  const sent: Request[] = [];
  const fetch = async (request: Request) => {
    sent.push(request.clone());
    const url = new URL(request.url);
    if (url.pathname.endsWith("/executions")) {
      const [from, to] = [url.searchParams.get("from") ?? "", url.searchParams.get("to") ?? ""];
      const inside = micros(from) <= micros(CREATED_AT) && micros(CREATED_AT) <= micros(to);
      const data = inside ? [{ id: "exec-1", agent_id: AGENT, created_at: CREATED_AT, status: "completed" }] : [];
      return Response.json({ page_number: 1, page_size: 50, total: data.length, has_more: false, data });
    }
    return Response.json(request.method === "POST" ? { agent_id: AGENT, state: "created" } : { state: "ok" });
  };
  const bolna = createBolnaClient({ apiKey: "bn-test-key", env: {}, fetch, rateLimit: false, ...extra });
  return { sent, bolna };
}

function spyLogger() {
  const logger = { debug: vi.fn<Logger["debug"]>(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  return logger satisfies Logger;
}

/** A valid agent from the spec's examples, with `edit` applied to its first task's `task_config`. */
function agent(edit: (taskConfig: Record<string, unknown>) => void = () => {}): AgentRequest {
  const [[, example]] = requestBodyExamples("createAgent") as [[string, AgentRequest]];
  const copy = structuredClone(example);
  edit(copy.agent_config.tasks[0]?.task_config as Record<string, unknown>);
  return copy;
}

const sentJson = async (request: Request | undefined) => (await request?.json()) as Record<string, unknown>;
const firstTaskConfig = (body: Record<string, unknown>) =>
  (body.agent_config as { tasks: Array<{ task_config: Record<string, unknown> }> }).tasks[0]?.task_config;

describe("the agent-body check lets through what Bolna takes", () => {
  it("sends a key the spec does not know as given, with one debug line naming where", async () => {
    const logger = spyLogger();
    const { sent, bolna } = recordingClient({ logger, logLevel: "debug" });
    await bolna.createAgent(agent((c) => (c.ambient_echo_guard = 40)));
    expect(firstTaskConfig(await sentJson(sent[0]))?.ambient_echo_guard).toBe(40);
    const lines = logger.debug.mock.calls.map(([line]) => String(line)).filter((line) => line.includes("declare"));
    expect(lines).toEqual([
      "bolna: createAgent sends `agent_config.tasks[0].task_config.ambient_echo_guard`, a key the spec does " +
        "not declare; Bolna may ignore it.",
    ]);
  });

  it("writes no line below the debug level", async () => {
    const logger = spyLogger();
    const { sent, bolna } = recordingClient({ logger, logLevel: "info" });
    await bolna.createAgent(agent((c) => (c.ambient_echo_guard = 40)));
    expect(sent).toHaveLength(1);
    expect(logger.debug).not.toHaveBeenCalled();
  });

  it("accepts numbers and booleans as the text pydantic reads, and sends the text as given", async () => {
    const { sent, bolna } = recordingClient();
    await bolna.createAgent(
      agent((c) => Object.assign(c, { call_terminate: "180", hangup_after_LLMCall: "false" })) as AgentRequest,
    );
    const config = firstTaskConfig(await sentJson(sent[0]));
    expect([config?.call_terminate, config?.hangup_after_LLMCall]).toEqual(["180", "false"]);
  });

  it("still refuses a near miss of a known key, a wrong type and text that is no number", async () => {
    const { sent, bolna } = recordingClient();
    for (const [edit, pattern] of [
      [(c: Record<string, unknown>) => (c.hangup_after_silense = 10), /did you mean "hangup_after_silence"/],
      [(c: Record<string, unknown>) => (c.call_terminate = "ninety"), /call_terminate` must be integer/],
      [(c: Record<string, unknown>) => (c.hangup_after_LLMCall = "maybe"), /must be boolean/],
    ] as const) {
      await expect(bolna.createAgent(agent(edit))).rejects.toThrow(pattern);
    }
    expect(sent).toEqual([]);
  });
});

describe("validateRequestBodies turns the body checks off", () => {
  const misspelt = () => agent((c) => (c.hangup_after_silense = 10));

  it("for every call of a client", async () => {
    const { sent, bolna } = recordingClient({ validateRequestBodies: false });
    await bolna.createAgent(misspelt());
    await bolna.makeCall({ agent_id: AGENT, recipient_phone_number: "0044 20 7946 0000" });
    expect(firstTaskConfig(await sentJson(sent[0]))?.hangup_after_silense).toBe(10);
    expect((await sentJson(sent[1])).recipient_phone_number).toBe("0044 20 7946 0000");
  });

  it("for one call, either way round", async () => {
    const on = recordingClient();
    await on.bolna.createAgent(misspelt(), { validateRequestBodies: false });
    expect(on.sent).toHaveLength(1);
    await expect(on.bolna.createAgent(misspelt())).rejects.toBeInstanceOf(BolnaInputError);

    const off = recordingClient({ validateRequestBodies: false });
    await expect(off.bolna.createAgent(misspelt(), { validateRequestBodies: true })).rejects.toThrow(
      /did you mean "hangup_after_silence"/,
    );
    expect(off.sent).toEqual([]);
  });

  it("still checks path and query parameters", async () => {
    const { sent, bolna } = recordingClient({ validateRequestBodies: false });
    await expect(bolna.getAgent({ agent_id: ".." })).rejects.toBeInstanceOf(BolnaInputError);
    expect(sent).toEqual([]);
  });
});

describe("patterns are explained in words", () => {
  it("says what a phone number must be with an example, never as a regular expression", async () => {
    const { sent, bolna } = recordingClient();
    const error = (await bolna
      .makeCall({ agent_id: AGENT, recipient_phone_number: "98765 43210" })
      .catch((e: unknown) => e)) as BolnaInputError;
    expect(error).toBeInstanceOf(BolnaInputError);
    expect(error.field).toBe("recipient_phone_number");
    expect(error.message).toContain("must be an E.164 phone number such as +15551234567");
    expect(error.message).not.toMatch(/[\\^$]|\[1-9\]/);
    expect(sent).toEqual([]);
  });
});

describe("open filter values", () => {
  const window = { agent_id: AGENT, from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z" };

  it("refuses a near miss of a known value before sending, saying which was meant", async () => {
    const { sent, bolna } = recordingClient();
    await expect(bolna.listAgentExecutions({ ...window, status: "complete" })).rejects.toThrow(
      'listAgentExecutions: `status` is "complete"; did you mean "completed"?',
    );
    await expect(bolna.listAgentExecutions({ ...window, provider: "twillio" })).rejects.toThrow(
      /did you mean "twilio"/,
    );
    expect(sent).toEqual([]);
  });

  it("sends a known value, and a value far from every known one, as given", async () => {
    const { sent, bolna } = recordingClient();
    await bolna.listAgentExecutions({ ...window, status: "completed" });
    await bolna.listAgentExecutions({ ...window, status: "prepared" });
    expect(sent.map((r) => new URL(r.url).searchParams.get("status"))).toEqual(["completed", "prepared"]);
  });
});

describe("timestamps as Bolna writes them", () => {
  it.each([
    CREATED_AT,
    `${CREATED_AT}Z`,
    `${CREATED_AT}+00:00`,
    CREATED_AT.replace("T", " "),
    "2025-06-01T15:30:00.123456+05:30",
  ])("from and to accept %s, rounded outwards so the record at that instant is listed", async (stamp) => {
    const { sent, bolna } = recordingClient();
    const page = await bolna.listAgentExecutions({ agent_id: AGENT, from: stamp, to: stamp });
    const query = new URL(sent[0]?.url ?? "").searchParams;
    expect([query.get("from"), query.get("to")]).toEqual(["2025-06-01T10:00:00.123Z", "2025-06-01T10:00:00.124Z"]);
    expect(page.data?.map((e) => e.id)).toEqual(["exec-1"]);
  });

  it("exportExecutions reads from a record's created_at and keeps the record on the bound", async () => {
    const { bolna } = recordingClient();
    const ids: string[] = [];
    for await (const execution of bolna.exportExecutions({ agent_id: AGENT, from: CREATED_AT, to: CREATED_AT })) {
      ids.push(execution.id);
    }
    expect(ids).toEqual(["exec-1"]);
  });

  it("keeps the 7-day check exact on the instants sent", async () => {
    const { sent, bolna } = recordingClient();
    await bolna.listAgentExecutions({ agent_id: AGENT, from: "2025-06-01T00:00:00", to: "2025-06-08T00:00:00" });
    await expect(
      bolna.listAgentExecutions({ agent_id: AGENT, from: "2025-06-01T00:00:00", to: "2025-06-08T00:00:00.000001" }),
    ).rejects.toThrow(/at most 7 days/);
    expect(sent).toHaveLength(1);
  });

  it("sends scheduled_at without a zone as UTC with an explicit offset, microseconds as given", async () => {
    const { sent, bolna } = recordingClient();
    await bolna.makeCall({ agent_id: AGENT, recipient_phone_number: "+15551234567", scheduled_at: CREATED_AT });
    await bolna.scheduleBatch({ batch_id: BATCH, scheduled_at: "2026-12-01 10:30:00" });
    expect((await sentJson(sent[0])).scheduled_at).toBe("2025-06-01T10:00:00.123456+00:00");
    expect((await sent[1]?.formData())?.get("scheduled_at")).toBe("2026-12-01T10:30:00+00:00");
  });
});

describe("multipart forms carry text", () => {
  it('accepts "true"/"false" and numeric text where the form field is a boolean or a number', async () => {
    const { sent, bolna } = recordingClient();
    await bolna.scheduleBatch({
      batch_id: BATCH,
      scheduled_at: "2026-12-01T10:30:00+05:30",
      bypass_call_guardrails: "true",
    });
    await bolna.createKnowledgebase({ url: "https://example.com/faq", chunk_size: "512", similarity_top_k: "15" });
    expect((await sent[0]?.formData())?.get("bypass_call_guardrails")).toBe("true");
    const form = await sent[1]?.formData();
    expect([form?.get("chunk_size"), form?.get("similarity_top_k")]).toEqual(["512", "15"]);
  });

  it("refuses text the server would not read as the field's type", async () => {
    const { sent, bolna } = recordingClient();
    await expect(
      bolna.scheduleBatch({
        batch_id: BATCH,
        scheduled_at: "2026-12-01T10:30:00+05:30",
        // @ts-expect-error -- not text the server reads as a boolean; JavaScript callers get the runtime refusal
        bypass_call_guardrails: "sometimes",
      }),
    ).rejects.toThrow(/bypass_call_guardrails` must be a boolean/);
    expect(sent).toEqual([]);
  });
});
