/**
 * The transport's retries: which failures it retries on a retry-safe route and how long it waits (Retry-After,
 * capped exponential backoff), and what it never retries on a route that is not retry-safe (`POST /call`).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { APIConnectionError, APIConnectionTimeoutError } from "../../src/extensions/errors.js";
import { faultServerPerTest, ok, setup } from "./support/transport-setup.js";

const serve = faultServerPerTest();

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
