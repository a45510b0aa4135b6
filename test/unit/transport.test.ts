import { getEventListeners } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  BolnaInputError,
  ConfigurationError,
} from "../../src/extensions/errors.js";
import { createRateLimiter, sleep, type RateLimiter, type Sleep } from "../../src/extensions/rate-limit.js";
import { createTransport, type RouteInfo, type TransportOptions } from "../../src/extensions/transport.js";
import { startFaultServer, type Fault, type FaultServer } from "../support/fault-server.js";

/** Like the generated metadata: `POST /call` dials a phone, so it is not retry-safe. */
function route(method: string, url: URL): RouteInfo {
  if (method === "POST" && url.pathname === "/call")
    return { retrySafe: false, bucket: "call", requestsPerMinute: 500 };
  return { retrySafe: true, bucket: "default", requestsPerMinute: 1000 };
}

/** Records each backoff instead of waiting, so tests neither sleep nor depend on timing. */
function recordingSleep(): { sleep: Sleep; delays: number[] } {
  const delays: number[] = [];
  return { delays, sleep: async (ms) => void delays.push(ms) };
}

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server answering the n-th request with `faults[n]` (the last one repeats). */
async function serve(...faults: Fault[]): Promise<FaultServer> {
  server = await startFaultServer((_request, n) => faults[Math.min(n, faults.length - 1)] as Fault);
  return server;
}

function setup(overrides: Partial<TransportOptions> = {}) {
  const { sleep, delays } = recordingSleep();
  const fetchCalls: Request[] = [];
  const transport = createTransport({
    route,
    sleep,
    random: () => 0, // no jitter: backoff is exactly 500 ms × 2^n
    fetch: (request) => {
      fetchCalls.push(request);
      return fetch(request);
    },
    ...overrides,
  });
  return { transport, delays, fetchCalls };
}

const ok: Fault = { status: 200, body: { ok: true } };

describe("retries on retry-safe routes", () => {
  it("waits Retry-After seconds after a 429", async () => {
    const { url, requests } = await serve({ status: 429, headers: { "retry-after": "2" } }, ok);
    const { transport, delays } = setup();
    const response = await transport(new Request(`${url}/v2/agent/a1/executions`));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(delays).toEqual([2000]);
    expect(requests).toHaveLength(2);
  });

  it("waits until a Retry-After HTTP date", async () => {
    const retryAt = new Date(Date.now() + 30_000).toUTCString(); // whole seconds, so up to 1 s earlier
    const { url } = await serve({ status: 429, headers: { "retry-after": retryAt } }, ok);
    const { transport, delays } = setup();
    expect((await transport(new Request(`${url}/batches/b1`))).status).toBe(200);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThan(20_000);
    expect(delays[0]).toBeLessThanOrEqual(30_000);
  });

  it("prefers retry-after-ms", async () => {
    const { url } = await serve({ status: 429, headers: { "retry-after-ms": "15", "retry-after": "9" } }, ok);
    const { transport, delays } = setup();
    expect((await transport(new Request(`${url}/batches/b1`))).status).toBe(200);
    expect(delays).toEqual([15]);
  });

  it("gives up and returns the 429 when Retry-After exceeds maxRetryDelayMs", async () => {
    const { url, requests } = await serve({ status: 429, headers: { "retry-after": "120" } }, ok);
    const { transport, delays } = setup({ maxRetryDelayMs: 5_000 });
    expect((await transport(new Request(`${url}/batches/b1`))).status).toBe(429);
    expect(delays).toEqual([]);
    expect(requests).toHaveLength(1);
  });

  it("applies a per-request maxRetryDelayMs to Retry-After and to backoff", async () => {
    const { url, requests } = await serve({ status: 429, headers: { "retry-after": "2" } }, { status: 503 }, ok);
    const { transport, delays } = setup({ maxRetryDelayMs: 60_000 });
    // The 2 s Retry-After is over this request's 1 s cap: no retry, the 429 comes back.
    expect((await transport(new Request(`${url}/batches/b1`), { maxRetryDelayMs: 1_000 })).status).toBe(429);
    expect(delays).toEqual([]);
    // The backoff after the 503 (500 ms without a cap) is cut to this request's 300 ms.
    expect((await transport(new Request(`${url}/batches/b1`), { maxRetryDelayMs: 300 })).status).toBe(200);
    expect(delays).toEqual([300]);
    expect(requests).toHaveLength(3);
  });

  it("retries 5xx with exponential backoff, then returns the success", async () => {
    const { url, requests } = await serve({ status: 500 }, { status: 503, body: "busy" }, ok);
    const { transport, delays } = setup();
    const response = await transport(new Request(`${url}/executions/e1`));
    expect(response.status).toBe(200);
    expect(delays).toEqual([500, 1000]);
    expect(requests.map((r) => r.path)).toEqual(["/executions/e1", "/executions/e1", "/executions/e1"]);
  });

  it.each([408, 409, 502, 504])("retries %i", async (status) => {
    const { url, requests } = await serve({ status }, ok);
    const { transport } = setup();
    expect((await transport(new Request(`${url}/batches/b1`))).status).toBe(200);
    expect(requests).toHaveLength(2);
  });

  it("caps backoff at 8 s and jitters it down by at most 25 %", async () => {
    const { url } = await serve({ status: 500 });
    const exact = setup({ maxRetries: 6 });
    expect((await exact.transport(new Request(`${url}/x`))).status).toBe(500);
    expect(exact.delays).toEqual([500, 1000, 2000, 4000, 8000, 8000]);

    const jittered = setup({ maxRetries: 2, random: () => 0.999 });
    await jittered.transport(new Request(`${url}/x`));
    for (const [i, delay] of jittered.delays.entries()) {
      const base = 500 * 2 ** i;
      expect(delay).toBeGreaterThanOrEqual(base * 0.75);
      expect(delay).toBeLessThan(base);
    }
  });

  it("retries a connection reset on GET, then returns the success", async () => {
    const { url, requests } = await serve({ reset: true }, ok);
    const { transport, delays } = setup();
    expect((await transport(new Request(`${url}/v2/agent/a1`))).status).toBe(200);
    expect(requests).toHaveLength(2);
    expect(delays).toEqual([500]);
  });

  it("throws APIConnectionError with the cause once resets exhaust the retries", async () => {
    const { url, requests } = await serve({ reset: true });
    const { transport } = setup({ maxRetries: 1 });
    const error = await transport(new Request(`${url}/v2/agent/a1`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).not.toBeInstanceOf(APIConnectionTimeoutError);
    expect((error as APIConnectionError).cause).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^Connection error \(GET \/v2\/agent\/a1\): fetch failed/);
    expect(requests).toHaveLength(2);
  });

  it.each([400, 401, 403, 404, 422])("does not retry %i", async (status) => {
    const { url, requests } = await serve({ status, body: { message: "no" } }, ok);
    const { transport, delays } = setup();
    const response = await transport(new Request(`${url}/batches/b1`));
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ message: "no" });
    expect(requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it("respects maxRetries from the options and per request", async () => {
    const { url, requests } = await serve({ status: 503 });
    expect((await setup().transport(new Request(`${url}/x`))).status).toBe(503);
    expect(requests).toHaveLength(3); // default: 2 retries

    requests.length = 0;
    const { transport } = setup({ maxRetries: 4 });
    await transport(new Request(`${url}/x`));
    expect(requests).toHaveLength(5);

    requests.length = 0;
    await transport(new Request(`${url}/x`), { maxRetries: 0 });
    expect(requests).toHaveLength(1);
  });
});

describe("routes that are not retry-safe (POST /call)", () => {
  const call = (base: string): Request =>
    new Request(`${base}/call`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ agent_id: "a1", recipient_phone_number: "+10123456789" }),
    });

  it("does not retry a 500: the call may have been placed", async () => {
    const { url, requests } = await serve({ status: 500 }, ok);
    const { transport, delays } = setup();
    expect((await transport(call(url))).status).toBe(500);
    expect(requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it("does not retry a connection reset", async () => {
    const { url, requests } = await serve({ reset: true }, ok);
    const { transport } = setup();
    await expect(transport(call(url))).rejects.toBeInstanceOf(APIConnectionError);
    expect(requests).toHaveLength(1);
  });

  it("does not retry a timeout", async () => {
    const { url } = await serve({ hang: true });
    const { transport, fetchCalls } = setup({ timeoutMs: 30 });
    await expect(transport(call(url))).rejects.toBeInstanceOf(APIConnectionTimeoutError);
    expect(fetchCalls).toHaveLength(1);
  });

  it("retries a 429 and sends the same body again", async () => {
    const { url, requests } = await serve({ status: 429 }, ok);
    const { transport } = setup();
    expect((await transport(call(url))).status).toBe(200);
    expect(requests).toHaveLength(2);
    expect(requests[1]?.text).toBe(requests[0]?.text);
    expect(JSON.parse(requests[1]?.text ?? "")).toEqual({ agent_id: "a1", recipient_phone_number: "+10123456789" });
  });

  it("retries a connection refused before anything was sent", async () => {
    const { url, requests } = await serve(ok);
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), { code: "ECONNREFUSED" });
    const { transport, fetchCalls } = setup({
      fetch: (request) => {
        fetchCalls.push(request);
        return fetchCalls.length === 1
          ? Promise.reject(new TypeError("fetch failed", { cause: refused }))
          : fetch(request);
      },
    });
    expect((await transport(call(url))).status).toBe(200);
    expect(fetchCalls).toHaveLength(2);
    expect(requests).toHaveLength(1);
  });

  it("classifies a real refused connection as not sent, and retries it up to maxRetries", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));

    const { transport, fetchCalls } = setup();
    const error = await transport(call(`http://127.0.0.1:${port}`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).message).toContain("ECONNREFUSED");
    expect(fetchCalls).toHaveLength(3);
  });
});

describe("timeouts and aborts", () => {
  it("times out each attempt, retries, then throws APIConnectionTimeoutError naming the timeout", async () => {
    const { url } = await serve({ hang: true });
    const { transport, fetchCalls } = setup({ timeoutMs: 10_000, maxRetries: 1 });
    const error = await transport(new Request(`${url}/executions/e1`), { timeoutMs: 25 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect((error as APIConnectionTimeoutError).timeoutMs).toBe(25);
    expect((error as Error).message).toBe("Request timed out after 25 ms (GET /executions/e1)");
    expect(fetchCalls).toHaveLength(2);
  });

  it("recovers when only the first attempt times out", async () => {
    // No network: a loaded machine must not turn the fast second attempt into a timeout too.
    const fetchCalls: Request[] = [];
    const { transport, delays } = setup({
      timeoutMs: 25,
      fetch: (request) => {
        fetchCalls.push(request);
        if (fetchCalls.length > 1) return Promise.resolve(new Response("ok"));
        return new Promise<Response>((_resolve, reject) =>
          request.signal.addEventListener("abort", () => reject(request.signal.reason)),
        );
      },
    });
    const response = await transport(new Request("http://bolna.test/executions/e1"));
    expect(await response.text()).toBe("ok");
    expect(fetchCalls).toHaveLength(2);
    expect(fetchCalls[0]?.signal.aborted).toBe(true);
    expect(delays).toEqual([500]);
  });

  it("enforces the timeout even when an injected fetch ignores its signal", async () => {
    const { transport } = setup({ timeoutMs: 20, maxRetries: 0, fetch: () => new Promise<Response>(() => undefined) });
    await expect(transport(new Request("http://127.0.0.1:1/x"))).rejects.toBeInstanceOf(APIConnectionTimeoutError);
  });

  it("stops a backoff sleep at once when the caller aborts, and does not retry", async () => {
    const { url, requests } = await serve({ status: 429, headers: { "retry-after": "50" } });
    const controller = new AbortController();
    const requested: number[] = [];
    const transport = createTransport({
      route,
      // The real sleep, aborted 5 ms into the 50 s the server asked for.
      sleep: (ms, signal) => {
        requested.push(ms);
        setTimeout(() => controller.abort(), 5);
        return sleep(ms, signal);
      },
    });
    const started = Date.now();
    const error = await transport(new Request(`${url}/batches/b1`), { signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(requested).toEqual([50_000]);
    expect(Date.now() - started).toBeLessThan(40_000); // far from the 50 s it would take without the abort
    expect(requests).toHaveLength(1);
  });

  it("turns an abort during the request (via request.signal) into APIUserAbortError", async () => {
    const { url, requests } = await serve({ hang: true });
    const controller = new AbortController();
    const { transport, fetchCalls } = setup();
    const pending = transport(new Request(`${url}/batches/b1`, { signal: controller.signal }));
    while (requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    const reason = new Error("user navigated away");
    controller.abort(reason);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect((error as APIUserAbortError).cause).toBe(reason);
    expect(fetchCalls).toHaveLength(1);
  });

  it("does not send at all when the signal is already aborted", async () => {
    const { transport, fetchCalls } = setup();
    await expect(
      transport(new Request("http://127.0.0.1:1/x"), { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(APIUserAbortError);
    expect(fetchCalls).toHaveLength(0);
  });
});

describe("each attempt", () => {
  it("cancels the discarded response body before sleeping", async () => {
    const events: string[] = [];
    let attempts = 0;
    const transport = createTransport({
      route,
      random: () => 0,
      sleep: async (ms) => void events.push(`sleep ${ms}`),
      fetch: async () => {
        attempts++;
        if (attempts > 1) return new Response("ok");
        const body = new ReadableStream({ cancel: () => void events.push("cancel") });
        return new Response(body, { status: 503 });
      },
    });
    expect((await transport(new Request("http://bolna.test/x"))).status).toBe(200);
    expect(events).toEqual(["cancel", "sleep 500"]);
  });

  it("re-sends a multipart body intact", async () => {
    const { url, requests } = await serve({ status: 502 }, ok);
    const csv = "contact_number,name\n+10123456789,Ada\n+10987654321,Grace\n";
    const form = new FormData();
    form.append("agent_id", "a1");
    form.append("file", new Blob([csv], { type: "text/csv" }), "contacts.csv");
    const { transport } = setup();
    expect((await transport(new Request(`${url}/batches`, { method: "POST", body: form }))).status).toBe(200);

    const [first, second] = requests;
    expect(second?.body.length).toBeGreaterThan(0);
    expect(second?.body.equals(first?.body ?? Buffer.alloc(0))).toBe(true);
    expect(second?.headers["content-type"]).toBe(first?.headers["content-type"]);
    expect(second?.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(second?.text).toContain(csv);
    expect(second?.text).toContain('name="agent_id"');
  });

  it("reads the body within the attempt: one cut off mid-way is a connection error, retried when retry-safe", async () => {
    const { url, requests } = await serve({ status: 200, body: { data: "x".repeat(1000) }, truncateAfterBytes: 100 });
    const { transport } = setup();
    const error = await transport(new Request(`${url}/v2/agent/a1/executions`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(requests).toHaveLength(3);
  });

  it("acquires the route's rate-limit bucket before every attempt", async () => {
    const { url } = await serve({ status: 500 }, { reset: true }, ok);
    const events: string[] = [];
    const rateLimiter: RateLimiter = {
      acquire: async (bucket, limit, signal) => {
        expect(signal).toBeInstanceOf(AbortSignal);
        events.push(`acquire ${bucket} ${limit}`);
        return (outcome) => void events.push(outcome?.sent === false ? "release unsent" : "release");
      },
    };
    const { transport } = setup({
      rateLimiter,
      fetch: (request) => {
        events.push("fetch");
        return fetch(request);
      },
    });
    expect((await transport(new Request(`${url}/v2/agent/a1/executions`))).status).toBe(200);
    expect(events).toEqual([
      "acquire default 1000",
      "fetch",
      "release",
      "acquire default 1000",
      "fetch",
      "release", // a reset after sending: the server may have counted it
      "acquire default 1000",
      "fetch",
      "release",
    ]);
  });

  it("turns an abort while waiting for the rate limiter into APIUserAbortError without sending", async () => {
    const { url, requests } = await serve(ok);
    const { transport } = setup({
      rateLimiter: createRateLimiter({ windowMs: 60_000 }),
      route: () => ({ retrySafe: true, bucket: "tiny", requestsPerMinute: 1 }),
    });
    expect((await transport(new Request(`${url}/x`))).status).toBe(200);
    const controller = new AbortController();
    const waiting = transport(new Request(`${url}/x`), { signal: controller.signal }); // queued for a minute
    setTimeout(() => controller.abort(), 5);
    await expect(waiting).rejects.toBeInstanceOf(APIUserAbortError);
    expect(requests).toHaveLength(1);
  });
});

describe("the attempt's signal", () => {
  afterEach(() => void vi.unstubAllGlobals());

  it("reaches the global fetch as init (with the request itself when bodiless), and times out even if ignored", async () => {
    const calls: Array<{ input: unknown; init: RequestInit | undefined }> = [];
    vi.stubGlobal("fetch", (input: unknown, init?: RequestInit) => {
      calls.push({ input, init });
      return new Promise<Response>(() => undefined); // ignores its signal
    });
    const request = new Request("http://bolna.test/v2/agent/a1");
    const transport = createTransport({ route, timeoutMs: 20, maxRetries: 0 });
    await expect(transport(request)).rejects.toBeInstanceOf(APIConnectionTimeoutError);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.input).toBe(request);
    expect(calls[0]?.init?.signal?.aborted).toBe(true);
    expect(calls[0]?.init?.redirect).toBe("manual");
  });

  it("sends a request with a body as a fresh copy, leaving the original readable for the next attempt", async () => {
    const sent: Request[] = [];
    vi.stubGlobal("fetch", (input: Request) => {
      sent.push(input);
      return Promise.resolve(new Response(null, { status: sent.length === 1 ? 503 : 200 }));
    });
    const request = new Request("http://bolna.test/batches/b1/schedule", { method: "POST", body: "{}" });
    const { transport } = setup({ fetch: undefined });
    expect((await transport(request)).status).toBe(200);
    expect(sent).toHaveLength(2);
    expect(sent[0]).not.toBe(request);
    expect(await sent[1]?.text()).toBe("{}");
    expect(request.bodyUsed).toBe(false);
  });

  it("leaves no listener on a long-lived caller signal", async () => {
    const controller = new AbortController();
    const { transport } = setup({ fetch: async () => new Response("ok") });
    for (let i = 0; i < 5; i++) await transport(new Request("http://bolna.test/x"), { signal: controller.signal });
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    const request = new Request("http://bolna.test/x", { signal: controller.signal });
    const before = getEventListeners(request.signal, "abort").length;
    await transport(request);
    expect(getEventListeners(request.signal, "abort")).toHaveLength(before);
  });
});

describe("settings", () => {
  it("refuses invalid options and overrides with typed errors", async () => {
    expect(() => createTransport({ route, maxRetries: -1 })).toThrow(ConfigurationError);
    expect(() => createTransport({ route, timeoutMs: 0 })).toThrow(ConfigurationError);
    expect(() => createTransport({ route, timeoutMs: 2 ** 31 })).toThrow(/timeoutMs must be an integer/);
    const { transport } = setup();
    const error = await transport(new Request("http://127.0.0.1:1/x"), { maxRetries: 1.5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BolnaInputError);
    expect((error as BolnaInputError).field).toBe("maxRetries");
  });
});
