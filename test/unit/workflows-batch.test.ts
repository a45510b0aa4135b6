/**
 * `runBatch` and `waitForBatch` against a scripted API (injected fetch) under a fake clock: the CSV that is uploaded
 * (column order, RFC 4180 quoting, UTF-8), the checks that refuse every bad row before anything is sent, the
 * schedule time, and the progress reported while a batch runs.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  APIUserAbortError,
  BolnaInputError,
  InternalServerError,
  TERMINAL_BATCH_STATUSES,
  WaitTimeoutError,
  type BatchContact,
} from "../../src/index.js";
import {
  scriptedBolna,
  sequence,
  settle,
  START,
  useFakeClock,
  type ScriptedAnswer,
} from "../support/scripted-bolna.js";

const AGENT = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const BATCH = "5f2d0c8e9a1b4c3d8e7f6a5b4c3d2e1f";
const BATCH_PATH = `/batches/${BATCH}`;

function batchApi(schedule: ScriptedAnswer = { body: { message: "success", state: "scheduled" } }) {
  return scriptedBolna((method, path) => {
    if (method === "POST" && path === "/batches") return { status: 201, body: { batch_id: BATCH, state: "created" } };
    if (method === "POST" && path === `${BATCH_PATH}/schedule`) return schedule;
    return { status: 404, body: { message: "not found" } };
  });
}

async function uploadedCsv(form: FormData | undefined): Promise<{ text: string; bytes: Uint8Array; name: string }> {
  const file = form?.get("file");
  if (!(file instanceof File)) throw new Error("no file part in the createBatch form");
  return { text: await file.text(), bytes: new Uint8Array(await file.arrayBuffer()), name: file.name };
}

beforeAll(async () => {
  await import("../../src/extensions/workflows/workflow-jobs.js");
});
beforeEach(() => useFakeClock());
afterEach(() => void vi.useRealTimers());

describe("runBatch", () => {
  it("uploads contact_number first, then the other keys in first-seen order, quoted per RFC 4180 in UTF-8", async () => {
    const { bolna, requests } = batchApi();
    const contacts: BatchContact[] = [
      { name: "Asha, R.", contact_number: "+919876543210", note: 'says "hi"' },
      { contact_number: "+15551234567", city: "São Paulo", name: "José" },
      { contact_number: "+447700900123", note: "line one\nline two", vip: true, visits: 3, city: null },
      { contact_number: "+81312345678", name: "名前 🙂" },
    ];
    const { value } = await settle(
      bolna.runBatch({ agent_id: AGENT, contacts, from_phone_numbers: ["+918035739196"] }),
    );
    expect(value?.batch_id).toBe(BATCH);

    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /batches", `POST ${BATCH_PATH}/schedule`]);
    const create = requests[0]?.form;
    expect(create?.get("agent_id")).toBe(AGENT);
    expect(create?.getAll("from_phone_numbers")).toEqual(["+918035739196"]);
    const csv = await uploadedCsv(create);
    expect(csv.name).toMatch(/\.csv$/);
    expect(csv.text).toBe(
      "contact_number,name,note,city,vip,visits\r\n" +
        '+919876543210,"Asha, R.","says ""hi""",,,\r\n' +
        "+15551234567,José,,São Paulo,,\r\n" +
        '+447700900123,,"line one\nline two",,true,3\r\n' +
        "+81312345678,名前 🙂,,,,\r\n",
    );
    // UTF-8, no byte-order mark.
    expect(csv.bytes.slice(0, 3)).toEqual(new TextEncoder().encode("con"));
    expect(new TextDecoder("utf-8", { fatal: true }).decode(csv.bytes)).toBe(csv.text);
  });

  it("schedules at the earliest time Bolna accepts when no scheduled_at is given, with a numeric offset", async () => {
    const { bolna, requests } = batchApi({
      body: { message: "success", state: "scheduled at 2026-08-20T10:10:00+00:00" },
    });
    const { value } = await settle(bolna.runBatch({ agent_id: AGENT, contacts: [{ contact_number: "+15551234567" }] }));
    const sent = requests[1]?.form?.get("scheduled_at");
    expect(sent).toBe(value?.scheduled_at);
    expect(sent).toMatch(/\+00:00$/);
    const ahead = Date.parse(sent as string) - START;
    expect(ahead).toBeGreaterThanOrEqual(2 * 60_000);
    expect(ahead).toBeLessThanOrEqual(4 * 60_000);
    expect(value?.state).toBe("scheduled at 2026-08-20T10:10:00+00:00");
  });

  it("sends a given scheduled_at with its offset kept, and takes any iterable of contacts", async () => {
    const { bolna, requests } = batchApi();
    function* contacts() {
      yield { contact_number: "+15551234567", name: "A" };
      yield { contact_number: "+15557654321", name: "B" };
    }
    await settle(bolna.runBatch({ agent_id: AGENT, contacts: contacts(), scheduled_at: "2026-08-20T16:00:00+05:30" }));
    expect(requests[1]?.form?.get("scheduled_at")).toBe("2026-08-20T16:00:00+05:30");
    expect((await uploadedCsv(requests[0]?.form)).text.split("\r\n")).toHaveLength(4);
  });

  it("reports every bad row in one BolnaInputError and sends nothing", async () => {
    const { bolna, requests } = batchApi();
    const contacts = [
      { contact_number: "+15551234567" },
      { contact_number: "5551234567" },
      { contact_number: "+15551234567", name: "ok" },
      { name: "no number" },
      { contact_number: "+1 555 123 4567", address: { city: "Pune" } },
      null,
    ] as unknown as BatchContact[];
    const { error } = await settle(bolna.runBatch({ agent_id: AGENT, contacts }));
    expect(error).toBeInstanceOf(BolnaInputError);
    const message = (error as BolnaInputError).message;
    expect((error as BolnaInputError).field).toBe("contacts");
    expect(message).toContain("4 of 6 contacts cannot be called; nothing was sent");
    for (const row of [1, 3, 4, 5]) expect(message).toContain(`contacts[${row}]`);
    for (const row of [0, 2]) expect(message).not.toContain(`contacts[${row}]`);
    expect(message).toContain('"5551234567"');
    expect(message).toContain("address is an object");
    expect(requests).toHaveLength(0);
  });

  it("refuses no contacts, a non-iterable, and a start less than 2 minutes ahead, before sending", async () => {
    const { bolna, requests } = batchApi();
    const contact = [{ contact_number: "+15551234567" }];
    for (const args of [
      { agent_id: AGENT, contacts: [] },
      { agent_id: AGENT, contacts: 42 as unknown as BatchContact[] },
      { agent_id: AGENT, contacts: contact, scheduled_at: new Date(START + 60_000) },
      // Without a zone it means UTC, as Bolna writes it: one minute after START.
      { agent_id: AGENT, contacts: contact, scheduled_at: "2026-08-20T10:01:00" },
    ]) {
      const { error } = await settle(bolna.runBatch(args));
      expect(error).toBeInstanceOf(BolnaInputError);
    }
    expect(requests).toHaveLength(0);
  });

  it("gives the batch_id with the error when scheduling fails after the batch was created", async () => {
    const { bolna, count } = batchApi({ status: 500, body: { message: "scheduler down" } });
    const { error } = await settle(bolna.runBatch({ agent_id: AGENT, contacts: [{ contact_number: "+15551234567" }] }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError & { batch_id?: string }).batch_id).toBe(BATCH);
    expect(count("POST", "/batches")).toBe(1);
  });
});

describe("waitForBatch", () => {
  const batch = (status: string, execution_status: Record<string, number> | null): ScriptedAnswer => ({
    body: { batch_id: BATCH, status, execution_status },
  });

  it("reports the execution_status counts as they change, and resolves with the finished batch", async () => {
    const { bolna, count } = scriptedBolna((_method, _path, index) =>
      sequence([
        batch("scheduled", null),
        batch("running", { prepared: 3 }),
        batch("running", { prepared: 3 }),
        batch("running", { completed: 1, prepared: 2 }),
        batch("running", { prepared: 2, completed: 1 }),
        batch("running", { completed: 2, busy: 1 }),
        batch("completed", { completed: 2, busy: 1 }),
      ])(index),
    );
    const progress: Array<Record<string, number>> = [];
    const statuses: string[] = [];
    const { value } = await settle(
      bolna.waitForBatch(BATCH, {
        pollIntervalMs: 1_000,
        onProgress: (counts) => progress.push({ ...counts }),
        onStatus: (b) => statuses.push(b.status ?? ""),
      }),
    );
    expect(value?.status).toBe("completed");
    expect(progress).toEqual([{}, { prepared: 3 }, { completed: 1, prepared: 2 }, { completed: 2, busy: 1 }]);
    expect(statuses).toEqual(["scheduled", "running", "completed"]);
    expect(count("GET", BATCH_PATH)).toBe(7);
  });

  it("ends at each final batch status, and times out on one it does not know", async () => {
    expect([...TERMINAL_BATCH_STATUSES]).toEqual(["completed", "stopped", "failed"]);
    for (const final of TERMINAL_BATCH_STATUSES) {
      const { bolna } = scriptedBolna(() => batch(final, { completed: 1 }));
      expect((await settle(bolna.waitForBatch(BATCH))).value?.status).toBe(final);
    }
    const { bolna } = scriptedBolna(() => batch("executed", { completed: 1 }));
    const { error } = await settle(bolna.waitForBatch(BATCH, { timeoutMs: 600_000 }));
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as WaitTimeoutError).batch?.status).toBe("executed");
    expect((error as WaitTimeoutError).batch_id).toBe(BATCH);
  });

  it("survives a 429 and a 5xx between reads, and ends at once on abort", async () => {
    const { bolna } = scriptedBolna((_m, _p, index) =>
      sequence([
        batch("running", {}),
        { status: 429, headers: { "retry-after": "2" } },
        { status: 503 },
        { status: 503 },
        { status: 503 },
        batch("completed", { completed: 1 }),
      ])(index),
    );
    expect((await settle(bolna.waitForBatch(BATCH))).value?.status).toBe("completed");

    const controller = new AbortController();
    const running = scriptedBolna(() => batch("running", {}));
    const pending = running.bolna.waitForBatch(BATCH, { signal: controller.signal }).catch((caught: unknown) => caught);
    await vi.advanceTimersByTimeAsync(20_000);
    controller.abort();
    expect(await pending).toBeInstanceOf(APIUserAbortError);
  });
});
