/**
 * `waitForExecution` and `makeCallAndWait` against a scripted API (injected fetch) under fake timers, so no test
 * waits in real time: final and non-final statuses, `onStatus` order, a 404 before the call is visible, 429 and 5xx
 * survived, the deadline, an abort, and `POST /call` sent once whatever the wait does.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  APIUserAbortError,
  AuthenticationError,
  BolnaError,
  BolnaInputError,
  InternalServerError,
  NotFoundError,
  TERMINAL_EXECUTION_STATUSES,
  WaitTimeoutError,
  type Execution,
} from "../../src/index.js";
import {
  scriptedBolna,
  sequence,
  settle,
  START,
  useFakeClock,
  type ScriptedAnswer,
} from "../support/scripted-bolna.js";

const ID = "4c06b4d1-4096-4561-919a-4f94539c8d4a";
const AGENT = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const EXECUTION_PATH = `/executions/${ID}`;
const CALL = { agent_id: AGENT, recipient_phone_number: "+15551234567" };

const execution = (status: string): ScriptedAnswer => ({ body: { id: ID, agent_id: AGENT, status } });
const statuses = (...list: string[]) => sequence(list.map(execution));
const error = (status: number, headers: Record<string, string> = {}): ScriptedAnswer => ({
  status,
  headers,
  body: { message: `status ${status}` },
});

/** The script for the execution reads; `POST /call` answers `queued` with the execution id. */
function api(
  reads: (index: number) => ScriptedAnswer,
  call: ScriptedAnswer = { body: { status: "queued", execution_id: ID } },
) {
  return scriptedBolna((method, path, index) => {
    if (method === "POST" && path === "/call") return call;
    if (method === "GET" && path === EXECUTION_PATH) return reads(index);
    return error(404);
  });
}

beforeAll(async () => {
  // The client loads the jobs (and the error factory, on the first 404) on first use; loading them here keeps module
  // loading out of the faked time below.
  await import("../../src/extensions/workflows/workflow-jobs.js");
  await import("../../src/extensions/internal/api-error.js");
});
beforeEach(() => {
  useFakeClock();
});
afterEach(() => void vi.useRealTimers());

describe("TERMINAL_EXECUTION_STATUSES", () => {
  it("holds exactly the eight outcomes, and is read-only", () => {
    expect([...TERMINAL_EXECUTION_STATUSES].sort()).toEqual(
      ["balance-low", "busy", "canceled", "completed", "error", "failed", "no-answer", "stopped"].sort(),
    );
    expect(TERMINAL_EXECUTION_STATUSES).not.toContain("call-disconnected");
    expect(Object.isFrozen(TERMINAL_EXECUTION_STATUSES)).toBe(true);
  });
});

describe("waitForExecution", () => {
  it.each(TERMINAL_EXECUTION_STATUSES)("ends at %s, reporting each status once, in order", async (final) => {
    const { bolna, count } = api(statuses("queued", "queued", "ringing", "in-progress", final, "completed"));
    const seen: string[] = [];
    const { value } = await settle(
      bolna.waitForExecution(ID, { pollIntervalMs: 1_000, onStatus: (e: Execution) => seen.push(e.status) }),
    );
    expect(value?.status).toBe(final);
    expect(seen).toEqual(["queued", "ringing", "in-progress", final]);
    expect(count("GET", EXECUTION_PATH)).toBe(5);
  });

  it("keeps waiting through call-disconnected and an unknown status, until completed", async () => {
    const { bolna } = api(
      statuses("in-progress", "call-disconnected", "call-disconnected", "post-processing", "completed"),
    );
    const seen: string[] = [];
    const { value } = await settle(bolna.waitForExecution(ID, { onStatus: (e) => seen.push(e.status) }));
    expect(value?.status).toBe("completed");
    expect(seen).toEqual(["in-progress", "call-disconnected", "post-processing", "completed"]);
  });

  it("treats a 404 in the first seconds as not visible yet", async () => {
    const { bolna, count } = api(sequence([error(404), error(404), execution("queued"), execution("completed")]));
    const { value } = await settle(bolna.waitForExecution(ID, { pollIntervalMs: 1_000 }));
    expect(value?.status).toBe("completed");
    expect(count("GET", EXECUTION_PATH)).toBe(4);
  });

  it("ends with NotFoundError when the execution never appears, or disappears after being read", async () => {
    const never = api(sequence([error(404)]));
    const { error: missing } = await settle(never.bolna.waitForExecution(ID, { pollIntervalMs: 1_000 }));
    expect(missing).toBeInstanceOf(NotFoundError);
    // Read again during the grace period, then given up once it passed (well before the 15-minute timeout).
    expect(never.count("GET", EXECUTION_PATH)).toBeGreaterThan(2);
    expect(Date.now() - START).toBeLessThan(60_000);

    const gone = api(sequence([execution("queued"), error(404)]));
    const { error: vanished } = await settle(gone.bolna.waitForExecution(ID));
    expect(vanished).toBeInstanceOf(NotFoundError);
    expect(gone.count("GET", EXECUTION_PATH)).toBe(2);
  });

  it("survives a 429 (waiting as long as Retry-After says) and 5xx beyond the transport's retries", async () => {
    const { bolna, requests } = api(
      sequence([
        execution("queued"),
        error(429, { "retry-after": "7" }),
        execution("ringing"),
        // Three 5xx in a row: the transport's two retries give up, and the wait reads again after a pause.
        error(503),
        error(500),
        error(502),
        execution("completed"),
      ]),
    );
    const { value } = await settle(bolna.waitForExecution(ID, { pollIntervalMs: 1_000 }));
    expect(value?.status).toBe("completed");
    const reads = requests.map((r) => r.at);
    expect(reads).toHaveLength(7);
    // The read after the 429 waited the 7 s it asked for, not the 1.5 s backoff.
    expect((reads[2] as number) - (reads[1] as number)).toBeGreaterThanOrEqual(7_000);
  });

  it("reads through the client's rate limiter", async () => {
    // One getExecution per 5 s window: the limiter, not the 1 s poll interval, sets the pace.
    const answer = (method: string, path: string, index: number) =>
      method === "GET" && path === EXECUTION_PATH
        ? statuses("queued", "ringing", "in-progress", "completed")(index)
        : error(404);
    const { bolna, requests } = scriptedBolna(answer, { rateLimit: { limits: { default: 1 }, windowMs: 5_000 } });
    const { value } = await settle(bolna.waitForExecution(ID, { pollIntervalMs: 1_000 }));
    expect(value?.status).toBe("completed");
    const gaps = requests.slice(1).map((r, i) => r.at - (requests[i] as { at: number }).at);
    expect(gaps).toHaveLength(3);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(5_000);
  });

  it("backs off while nothing changes, up to 15 s between reads, and starts again after a change", async () => {
    const script = [...Array<string>(12).fill("ringing"), "in-progress", "in-progress", "completed"];
    const { bolna, requests } = api(statuses(...script));
    await settle(bolna.waitForExecution(ID, { pollIntervalMs: 1_000 }));
    const gaps = requests.slice(1).map((r, i) => r.at - (requests[i] as { at: number }).at);
    expect(gaps.slice(0, 4)).toEqual([1_000, 1_500, 2_250, 3_375]);
    expect(Math.max(...gaps)).toBe(15_000);
    // After "in-progress" (a change) the pause is back to 1 s.
    expect(gaps[12]).toBe(1_000);
  });

  it("throws WaitTimeoutError with the last execution read when the deadline passes", async () => {
    const { bolna } = api(statuses("queued", "in-progress"));
    const { error: thrown } = await settle(bolna.waitForExecution(ID, { timeoutMs: 60_000 }));
    expect(thrown).toBeInstanceOf(WaitTimeoutError);
    expect(thrown).toBeInstanceOf(BolnaError);
    const timeout = thrown as WaitTimeoutError;
    expect(timeout.execution?.status).toBe("in-progress");
    expect(timeout.execution_id).toBe(ID);
    expect(timeout.timeoutMs).toBe(60_000);
    expect(timeout.message).toContain("last status: in-progress");
    expect(Date.now() - START).toBe(60_000);
  });

  it("times out a read that hangs, and keeps the last failure as the cause", async () => {
    const hanging = api(sequence([execution("ringing"), "hang"]));
    const { error: hung } = await settle(hanging.bolna.waitForExecution(ID, { timeoutMs: 30_000 }));
    expect(hung).toBeInstanceOf(WaitTimeoutError);
    expect((hung as WaitTimeoutError).execution?.status).toBe("ringing");

    const failing = api(sequence([execution("ringing"), error(503)]));
    const { error: failed } = await settle(failing.bolna.waitForExecution(ID, { timeoutMs: 30_000 }));
    expect(failed).toBeInstanceOf(WaitTimeoutError);
    expect((failed as WaitTimeoutError).cause).toBeInstanceOf(InternalServerError);
  });

  it("ends at once when the signal aborts, during a pause or a read", async () => {
    const controller = new AbortController();
    const { bolna, count } = api(statuses("ringing"));
    const outcome = bolna.waitForExecution(ID, { signal: controller.signal }).catch((caught: unknown) => caught);
    await vi.advanceTimersByTimeAsync(5_000);
    const reads = count("GET", EXECUTION_PATH);
    controller.abort();
    // No timer is advanced: the abort alone settles it.
    expect(await outcome).toBeInstanceOf(APIUserAbortError);
    expect(count("GET", EXECUTION_PATH)).toBe(reads);

    const inRead = new AbortController();
    const hanging = api(sequence(["hang"]));
    const pending = hanging.bolna.waitForExecution(ID, { signal: inRead.signal }).catch((caught: unknown) => caught);
    await vi.advanceTimersByTimeAsync(10);
    inRead.abort();
    expect(await pending).toBeInstanceOf(APIUserAbortError);
  });

  it("ends with the error when a read fails for good (a refused key)", async () => {
    const { bolna, count } = api(sequence([execution("queued"), error(401)]));
    const { error: thrown } = await settle(bolna.waitForExecution(ID));
    expect(thrown).toBeInstanceOf(AuthenticationError);
    expect(count("GET", EXECUTION_PATH)).toBe(2);
  });

  it("refuses bad options before reading", async () => {
    const { bolna, requests } = api(statuses("completed"));
    await expect(bolna.waitForExecution(ID, { timeoutMs: 0 })).rejects.toThrow(BolnaInputError);
    await expect(bolna.waitForExecution(ID, { pollIntervalMs: 1.5 })).rejects.toThrow(/pollIntervalMs/);
    expect(requests).toHaveLength(0);
  });

  it("lets an error thrown by onStatus end the wait", async () => {
    const { bolna } = api(statuses("queued", "completed"));
    const boom = new Error("handler failed");
    const { error: thrown } = await settle(
      bolna.waitForExecution(ID, {
        onStatus: () => {
          throw boom;
        },
      }),
    );
    expect(thrown).toBe(boom);
  });
});

describe("makeCallAndWait", () => {
  it("places the call once and resolves with it and the final execution", async () => {
    const { bolna, count } = api(statuses("queued", "in-progress", "completed"));
    const { value } = await settle(bolna.makeCallAndWait(CALL, { pollIntervalMs: 1_000 }));
    expect(value?.call.execution_id).toBe(ID);
    expect(value?.execution.status).toBe("completed");
    expect(count("POST", "/call")).toBe(1);
  });

  it("sends POST /call once when the wait times out, and the error carries the execution id", async () => {
    const { bolna, count } = api(statuses("ringing"));
    const { error: thrown } = await settle(bolna.makeCallAndWait(CALL, { timeoutMs: 120_000 }));
    expect(thrown).toBeInstanceOf(WaitTimeoutError);
    expect((thrown as WaitTimeoutError).execution_id).toBe(ID);
    expect(count("POST", "/call")).toBe(1);
    expect(count("GET", EXECUTION_PATH)).toBeGreaterThan(3);
  });

  it("sends POST /call once when the wait fails, and the error carries the execution id", async () => {
    const { bolna, count } = api(sequence([execution("queued"), error(401)]));
    const { error: thrown } = await settle(bolna.makeCallAndWait(CALL));
    expect(thrown).toBeInstanceOf(AuthenticationError);
    expect((thrown as AuthenticationError & { execution_id?: string }).execution_id).toBe(ID);
    expect(count("POST", "/call")).toBe(1);

    const aborted = api(statuses("ringing"));
    const controller = new AbortController();
    const pending = aborted.bolna
      .makeCallAndWait(CALL, { signal: controller.signal })
      .catch((caught: unknown) => caught);
    await vi.advanceTimersByTimeAsync(3_000);
    controller.abort();
    const abort = (await pending) as APIUserAbortError & { execution_id?: string };
    expect(abort).toBeInstanceOf(APIUserAbortError);
    expect(abort.execution_id).toBe(ID);
    expect(aborted.count("POST", "/call")).toBe(1);
  });

  it("polls nothing when the call fails, and never repeats a POST /call that may have dialled", async () => {
    for (const failure of [error(500), error(400), new TypeError("socket hang up")]) {
      const { bolna, count } = api(statuses("completed"), failure);
      const { error: thrown } = await settle(bolna.makeCallAndWait(CALL));
      expect(thrown).toBeInstanceOf(BolnaError);
      expect(count("POST", "/call")).toBe(1);
      expect(count("GET", EXECUTION_PATH)).toBe(0);
    }
  });

  it("refuses bad wait options before placing the call", async () => {
    const { bolna, requests } = api(statuses("completed"));
    await expect(bolna.makeCallAndWait(CALL, { timeoutMs: -1 })).rejects.toThrow(BolnaInputError);
    expect(requests).toHaveLength(0);
  });
});
