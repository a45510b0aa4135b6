/**
 * The stateful mock's parts without Prism: the outcome rule, every record it writes (valid against the spec's
 * webhook schema at every status of every outcome), the seeded history, the caps, the CSV reader, the recording's
 * WAV bytes, and the webhook sender's retries, duplicates and out-of-order option against a loopback receiver.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseExecutionWebhook } from "../../src/extensions/webhooks.js";
import { recordingWav } from "../../src/mock/audio.js";
import { parseCsv } from "../../src/mock/batches.js";
import { advance, newExecution, type CallSpec } from "../../src/mock/execution-record.js";
import { micros } from "../../src/mock/executions.js";
import { HISTORY_DAYS, seedHistory } from "../../src/mock/history.js";
import { CappedStore, Timers } from "../../src/mock/state.js";
import { OUTCOMES, outcomeOf, stepsOf, COMPLETED_TIMELINE_MS } from "../../src/mock/timeline.js";
import { MAX_ATTEMPTS, WebhookSender } from "../../src/mock/webhooks-out.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

const DAY = 86_400_000;
const SPEC: CallSpec = { index: 7, agentId: "agent-1", recipient: "+14155550123", from: "+19876543007" };

describe("the outcome rule", () => {
  it("reads the recipient's last two digits, anything else completes", () => {
    expect(
      ["+14155550101", "+14155550102", "+14155550103", "+14155550104", "+14155550105"].map((n) => outcomeOf(n)),
    ).toEqual(["busy", "no-answer", "failed", "balance-low", "error"]);
    expect(outcomeOf("+14155550100")).toBe("completed");
    expect(outcomeOf("+14155550106")).toBe("completed");
  });

  it("lets the X-Mock-Outcome header override the number, and ignores an unknown one", () => {
    expect(outcomeOf("+14155550101", "completed")).toBe("completed");
    expect(outcomeOf("+14155550100", "no-answer")).toBe("no-answer");
    expect(outcomeOf("+14155550101", "voicemail")).toBe("busy");
  });

  it("runs a completed call through the documented lifecycle in about 3 s at timeScale 1", () => {
    expect(stepsOf("completed").map((step) => step.status)).toEqual([
      "queued",
      "initiated",
      "ringing",
      "in-progress",
      "call-disconnected",
      "completed",
    ]);
    expect(COMPLETED_TIMELINE_MS).toBe(3_000);
    for (const outcome of OUTCOMES) expect(stepsOf(outcome).at(-1)?.status).toBe(outcome);
  });
});

describe("the mock's execution records", () => {
  it("are valid webhook payloads at every status of every outcome", () => {
    for (const outcome of [...OUTCOMES]) {
      const execution = newExecution("e-1", SPEC, "queued", Date.now());
      for (const step of stepsOf(outcome)) {
        advance(execution, step.status, Date.now(), 1, SPEC, "http://127.0.0.1:1/recordings/call/e-1");
        expect(() => parseExecutionWebhook(JSON.parse(JSON.stringify(execution)))).not.toThrow();
      }
    }
  });

  it("fill in the transcript at call-disconnected, and the recording, cost and duration only at completed", () => {
    const execution = newExecution("e-2", SPEC, "queued", Date.now());
    advance(execution, "call-disconnected", Date.now(), 1, SPEC, "http://mock/recordings/call/e-2");
    expect(execution).toMatchObject({ conversation_duration: 0, telephony_data: { recording_url: "" } });
    expect(execution.transcript).toContain("assistant:");
    advance(execution, "completed", Date.now(), 1, SPEC, "http://mock/recordings/call/e-2");
    const legs = execution.cost_breakdown ?? {};
    const sum = [legs.llm, legs.network, legs.platform, legs.synthesizer, legs.transcriber].reduce(
      (total: number, leg) => total + (leg ?? 0),
      0,
    );
    expect(execution.total_cost).toBeCloseTo(sum, 2);
    expect(execution.conversation_duration).toBeGreaterThan(0);
    expect(execution.telephony_data?.recording_url).toBe("http://mock/recordings/call/e-2");
    expect(execution.telephony_data?.duration).toMatch(/^\d+$/);
  });
});

describe("the seeded history", () => {
  const startedAt = Date.parse("2026-11-28T12:00:00Z");
  const history = seedHistory({
    seed: 5,
    count: 300,
    startedAt,
    agentIds: ["a", "b"],
    recordingUrl: (id) => `http://mock/recordings/call/${id}`,
  });

  it("spreads over the last 30+ days, oldest first, all finished before the mock started", () => {
    const times = history.map((entry) => micros(entry.execution.created_at ?? "") / 1000);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(startedAt - (times[0] ?? startedAt)).toBeGreaterThan(30 * DAY);
    expect(startedAt - (times[0] ?? startedAt)).toBeLessThanOrEqual(HISTORY_DAYS * DAY + 600_000);
    expect(startedAt - (times.at(-1) ?? 0)).toBeGreaterThan(0);
    const weeks = new Set(times.map((time) => Math.floor((startedAt - time) / (7 * DAY))));
    expect(weeks.size).toBeGreaterThanOrEqual(5);
  });

  it("holds every value the listing filters select on", () => {
    const values = (read: (e: (typeof history)[number]) => unknown) => new Set(history.map(read));
    expect(values((e) => e.execution.status)).toEqual(new Set(OUTCOMES));
    expect(values((e) => e.execution.telephony_data?.call_type)).toEqual(new Set(["inbound", "outbound"]));
    expect(values((e) => e.execution.answered_by_voice_mail)).toEqual(new Set([true, false, null]));
    expect(values((e) => e.execution.provider).size).toBeGreaterThan(2);
    expect(values((e) => e.execution.agent_id)).toEqual(new Set(["a", "b"]));
  });

  it("is the same for the same seed and differs for another", () => {
    const again = seedHistory({ seed: 5, count: 300, startedAt, agentIds: ["a", "b"], recordingUrl: () => "" });
    const other = seedHistory({ seed: 6, count: 300, startedAt, agentIds: ["a", "b"], recordingUrl: () => "" });
    expect(again.map((e) => e.execution.id)).toEqual(history.map((e) => e.execution.id));
    expect(again.map((e) => e.execution.status)).toEqual(history.map((e) => e.execution.status));
    expect(other.map((e) => e.execution.id)).not.toEqual(history.map((e) => e.execution.id));
  });
});

describe("the caps and timers", () => {
  it("drop the oldest entries beyond the cap, and tell who dropped them", () => {
    const dropped: string[] = [];
    const store = new CappedStore<string>(3, (item) => dropped.push(item));
    for (const id of ["a", "b", "c", "d", "e"]) store.set(id, id);
    store.set("c", "c2");
    expect([...store.values()]).toEqual(["c2", "d", "e"]);
    expect(dropped).toEqual(["a", "b"]);
  });

  it("clear every pending timer on close, so nothing fires afterwards", async () => {
    const timers = new Timers();
    let fired = 0;
    timers.after(5, () => fired++);
    timers.after(10, () => fired++);
    timers.clear();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(fired).toBe(0);
  });
});

describe("the CSV of a batch", () => {
  it("reads quoted cells and a header, skipping blank lines", () => {
    expect(parseCsv('contact_number,name\r\n+14155550123,"Doe, Jane"\n\n+14155550124,"Say ""hi"""\n')).toEqual([
      { contact_number: "+14155550123", name: "Doe, Jane" },
      { contact_number: "+14155550124", name: 'Say "hi"' },
    ]);
  });
});

describe("the recording audio", () => {
  it("is a short RIFF/WAVE PCM file whose sizes add up", () => {
    const wav = recordingWav();
    const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
    const text = (offset: number) => new TextDecoder().decode(wav.subarray(offset, offset + 4));
    expect([text(0), text(8), text(12), text(36)]).toEqual(["RIFF", "WAVE", "fmt ", "data"]);
    expect(view.getUint32(4, true)).toBe(wav.byteLength - 8);
    expect(view.getUint32(40, true)).toBe(wav.byteLength - 44);
    expect(wav.byteLength).toBeLessThan(10_000);
  });
});

describe("the webhook sender", () => {
  let receiver: WebhookReceiver;
  /** Executions whose first two tries this receiver refuses with a 503. */
  const refuseTwice = new Set(["retry-me"]);
  const timers = new Timers();

  beforeAll(async () => {
    receiver = await startWebhookReceiver((execution, attempt) =>
      refuseTwice.has(execution.id) && attempt <= 2 ? 503 : 200,
    );
  });

  afterAll(async () => {
    timers.clear();
    await receiver.close();
  });

  /** Sends the completed timeline of execution `id` through a sender with these options. */
  async function sendTimeline(id: string, options: ConstructorParameters<typeof WebhookSender>[0]) {
    const sender = new WebhookSender(options, 0.001, 1, timers);
    const execution = newExecution(id, SPEC, "queued", Date.now());
    const statuses = stepsOf("completed").map((step) => step.status);
    for (const [index, status] of statuses.entries()) {
      advance(execution, status, Date.now(), 1, SPEC, "http://mock/r");
      sender.send(`${receiver.url}/hook`, execution, index === statuses.length - 1);
    }
    await receiver.until((d) => d.execution.id === id && d.execution.status === "completed" && d.answered === 200);
    await receiver.until((d) => d.execution.id === id && d.execution.status === "call-disconnected");
    return receiver.deliveries.filter((d) => d.execution.id === id && d.answered === 200);
  }

  it("delivers every status in lifecycle order by default, each payload valid", async () => {
    const statuses = (await sendTimeline("in-order", {})).map((d) => d.execution.status);
    expect(statuses).toEqual(stepsOf("completed").map((step) => step.status));
    expect(receiver.invalid).toEqual([]);
  });

  it("retries a refused delivery with backoff until it is accepted", async () => {
    const accepted = await sendTimeline("retry-me", {});
    expect(accepted.map((d) => d.attempt)).toEqual(accepted.map(() => 3));
    const tries = receiver.deliveries.filter((d) => d.execution.id === "retry-me" && d.execution.status === "queued");
    expect(tries.map((d) => [d.attempt, d.answered])).toEqual([
      [1, 503],
      [2, 503],
      [3, 200],
    ]);
    expect(MAX_ATTEMPTS).toBeGreaterThanOrEqual(3);
  });

  it("with outOfOrder, swaps each pair of statuses, still delivering each once", async () => {
    const statuses = (await sendTimeline("swapped", { outOfOrder: true })).map((d) => d.execution.status);
    expect(statuses).toEqual(["initiated", "queued", "in-progress", "ringing", "completed", "call-disconnected"]);
  });

  it("with duplicates: 1, delivers every status twice; with 0, once", async () => {
    await sendTimeline("doubled", { duplicates: 1 });
    const doubled = (d: { execution: { id: string; status?: unknown } }) => d.execution.id === "doubled";
    // The second copy of `completed` is the last delivery of the call.
    await receiver.until(
      () => receiver.deliveries.filter((d) => doubled(d) && d.execution.status === "completed").length === 2,
    );
    const twice = receiver.deliveries.filter(doubled).map((d) => d.execution.status);
    expect(twice).toEqual(stepsOf("completed").flatMap((step) => [step.status, step.status]));
    expect((await sendTimeline("once", { duplicates: 0 })).length).toBe(6);
  });

  it("calls only loopback URLs unless allowed", () => {
    const sender = new WebhookSender({}, 1, 1, timers);
    const before = receiver.deliveries.length;
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on("warning", onWarning);
    sender.send("https://hooks.example.com/bolna", newExecution("remote", SPEC, "queued", Date.now()), true);
    sender.close();
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        process.off("warning", onWarning);
        expect(receiver.deliveries.length).toBe(before);
        expect(warnings.join("\n")).toContain("only calls loopback addresses");
        resolve();
      }),
    );
  });
});
