/**
 * A scripted Bolna API behind an injected `fetch`, for the workflow tests: each request is recorded (method, path,
 * the time `Date.now()` said, and the multipart form when it has one) and answered by the test's `answer` function,
 * which sees how many earlier requests went to the same method and path. Answers are JSON; an `Error` is thrown as a
 * network failure; `"hang"` never answers (only the request's signal ends it).
 */
import { vi } from "vitest";
import { createBolnaClient, type BolnaClient, type BolnaClientOptions } from "../../src/index.js";

export type ScriptedAnswer = { status?: number; body?: unknown; headers?: Record<string, string> } | Error | "hang";

export interface ScriptedRequest {
  method: string;
  path: string;
  at: number;
  form: FormData | undefined;
}

export type Answerer = (method: string, path: string, index: number) => ScriptedAnswer;

export interface ScriptedBolna {
  bolna: BolnaClient;
  requests: ScriptedRequest[];
  /** How many requests went to `method path`. */
  count(method: string, path: string): number;
}

export function scriptedBolna(answer: Answerer, options: BolnaClientOptions = {}): ScriptedBolna {
  const requests: ScriptedRequest[] = [];
  const count = (method: string, path: string) =>
    requests.filter((request) => request.method === method && request.path === path).length;
  const fetch = async (request: Request): Promise<Response> => {
    const { pathname } = new URL(request.url);
    const index = count(request.method, pathname);
    const multipart = request.headers.get("content-type")?.startsWith("multipart/form-data") ?? false;
    const form = multipart ? await request.clone().formData() : undefined;
    requests.push({ method: request.method, path: pathname, at: Date.now(), form });
    const reply = answer(request.method, pathname, index);
    if (reply === "hang") {
      return new Promise((_, reject) => {
        request.signal.addEventListener("abort", () => reject(request.signal.reason as Error), { once: true });
      });
    }
    if (reply instanceof Error) throw reply;
    const { status = 200, body, headers = {} } = reply;
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json", ...headers },
    });
  };
  const bolna = createBolnaClient({
    apiKey: "bn-workflow-test-key",
    baseUrl: "https://api.bolna.test",
    env: {},
    fetch,
    rateLimit: false,
    ...options,
  });
  return { bolna, requests, count };
}

/** Answers from a list, one per request to that path; the last one repeats. */
export function sequence(answers: readonly ScriptedAnswer[]): (index: number) => ScriptedAnswer {
  return (index) => answers[Math.min(index, answers.length - 1)] as ScriptedAnswer;
}

/** The fake clock's start: 2026-08-20T10:00:00Z. */
export const START = Date.UTC(2026, 7, 20, 10);

/**
 * Fakes `setTimeout`, `Date` and `performance` only (the rate limiter reads `performance.now()`): `setImmediate` stays real, so `settle` can let pending I/O (a module load,
 * a body read) finish between two timers.
 */
export function useFakeClock(): void {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"] });
  vi.setSystemTime(START);
}

/** Runs the fake clock until `promise` settles, and returns how it did. */
export async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  let done = false;
  const outcome = promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  void outcome.finally(() => (done = true));
  while (!done) {
    await vi.runAllTimersAsync();
    if (!done) await new Promise((resolve) => setImmediate(resolve));
  }
  return outcome;
}
