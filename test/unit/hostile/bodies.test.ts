/**
 * Issue 9, items 3 and 4: the per-attempt deadline and the caller's signal cover the body, not just the headers, and
 * a body over `maxResponseBytes` is a typed error with a bounded excerpt instead of a process full of memory.
 */
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import {
  APIConnectionTimeoutError,
  APIUserAbortError,
  InternalServerError,
  ResponseTooLargeError,
  createBolnaClient,
  type BolnaClientOptions,
} from "../../../src/index.js";
import { MAX_BODY_EXCERPT_CHARS } from "../../../src/extensions/internal/error-body.js";
import { DEFAULT_MAX_RESPONSE_BYTES } from "../../../src/extensions/internal/transport.js";
import { serverPool, streamBytes, type HostileServer } from "../support/hostile-server.js";

const KEY = "bn-hostile-bodies-0123456789";
const AGENT = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const MB = 1024 * 1024;

const servers = serverPool();
afterEach(() => servers.closeAll());

function clientFor(server: HostileServer, options: BolnaClientOptions = {}) {
  return createBolnaClient({ apiKey: KEY, baseUrl: server.url, env: {}, rateLimit: false, ...options });
}

/** Headers and the first bytes at once, then nothing: the body never ends. */
function stall(status: number): Parameters<typeof servers.start>[0] {
  return (_req, res) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.write('{"id": "');
  };
}

/** One byte every 50 ms, forever: each read makes progress, the body never completes. */
function trickle(status: number): Parameters<typeof servers.start>[0] {
  return (_req, res) => {
    res.writeHead(status, { "content-type": "application/json" });
    const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(" ")), 50);
    res.on("close", () => clearInterval(timer));
  };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable("the call resolved"),
    (e: unknown) => e,
  );
}

describe("the per-attempt deadline covers the body", () => {
  it.each([
    ["a stalled 200 body", stall(200)],
    ["a trickled 200 body", trickle(200)],
    ["a stalled 503 body", stall(503)],
    ["a trickled 503 body", trickle(503)],
  ])("%s times out", async (_label, handler) => {
    const server = await servers.start(handler);
    const error = await failure(clientFor(server, { timeoutMs: 300, maxRetries: 0 }).getAgent({ agent_id: AGENT }));
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(server.requests).toHaveLength(1);
  });

  it("retries a retry-safe call whose body timed out, with a fresh deadline per attempt", async () => {
    const server = await servers.start(trickle(200));
    const error = await failure(
      clientFor(server, { timeoutMs: 200, maxRetries: 1, maxRetryDelayMs: 0 }).getAgent({ agent_id: AGENT }),
    );
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(server.requests).toHaveLength(2);
  });

  it("does not resend a call whose answer stalled mid-body: it may have dialled", async () => {
    const server = await servers.start(stall(200));
    const bolna = clientFor(server, { timeoutMs: 300, maxRetries: 2 });
    const error = await failure(bolna.makeCall({ agent_id: AGENT, recipient_phone_number: "+10123456789" }));
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(server.requests).toHaveLength(1);
  });
});

describe("the caller's signal works mid-body", () => {
  it.each([200, 503])("aborting while a %i body trickles ends the call at once", async (status) => {
    let headersSent!: () => void;
    const sent = new Promise<void>((resolve) => (headersSent = resolve));
    const server = await servers.start((req, res, request, n) => {
      trickle(status)(req, res, request, n);
      headersSent();
    });
    const controller = new AbortController();
    const pending = failure(
      clientFor(server, { timeoutMs: 60_000, maxRetries: 0 }).getAgent(
        { agent_id: AGENT },
        { signal: controller.signal },
      ),
    );
    await sent;
    const reason = new Error("user gave up");
    controller.abort(reason);
    const error = await pending;
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect((error as APIUserAbortError).cause).toBe(reason);
  });
});

describe("an export's signal reaches the body of the page being read", () => {
  it("ends an export whose page body stalls", async () => {
    let headersSent!: () => void;
    const sent = new Promise<void>((resolve) => (headersSent = resolve));
    const server = await servers.start((req, res, request, n) => {
      stall(200)(req, res, request, n);
      headersSent();
    });
    const controller = new AbortController();
    const exported = clientFor(server, { timeoutMs: 60_000 }).exportExecutions({
      agent_id: AGENT,
      from: "2026-01-01T00:00:00Z",
      to: "2026-01-02T00:00:00Z",
      signal: controller.signal,
    });
    const pending = failure(
      (async () => {
        for await (const _ of exported) expect.unreachable("no record can arrive");
      })(),
    );
    await sent;
    controller.abort();
    expect(await pending).toBeInstanceOf(APIUserAbortError);
  });
});

describe("response size cap", () => {
  it("refuses a 50 MB 200 body with a typed error and a bounded excerpt", async () => {
    const server = await servers.start((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      streamBytes(res, 50 * MB, "[");
    });
    const error = await failure(clientFor(server).listAgents());
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    const tooLarge = error as ResponseTooLargeError;
    expect(tooLarge.status).toBe(200);
    expect(tooLarge.maxResponseBytes).toBe(DEFAULT_MAX_RESPONSE_BYTES);
    expect(typeof tooLarge.body).toBe("string");
    expect((tooLarge.body as string).length).toBeLessThanOrEqual(MAX_BODY_EXCERPT_CHARS + 1);
    expect(tooLarge.message).toContain("maxResponseBytes");
    expect(server.requests).toHaveLength(1); // not retried
  });

  it("refuses a 50 MB error body the same way, and an announced Content-Length over the cap at once", async () => {
    const server = await servers.start((_req, res) => {
      res.writeHead(500, { "content-type": "text/html", "content-length": String(50 * MB) });
      streamBytes(res, 50 * MB, "<");
    });
    const error = await failure(clientFor(server, { maxRetries: 0 }).getAgent({ agent_id: AGENT }));
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as ResponseTooLargeError).status).toBe(500);
    expect(((error as ResponseTooLargeError).body as string).length).toBeLessThanOrEqual(MAX_BODY_EXCERPT_CHARS + 1);
  });

  it("counts the decompressed size: a small gzip body that inflates past the cap is refused", async () => {
    const bomb = gzipSync(Buffer.alloc(8 * MB, " "));
    expect(bomb.length).toBeLessThan(MB);
    const server = await servers.start((_req, res) => {
      res.writeHead(200, {
        "content-type": "application/json",
        "content-encoding": "gzip",
        "content-length": bomb.length,
      });
      res.end(bomb);
    });
    const error = await failure(clientFor(server, { maxResponseBytes: 4 * MB }).listAgents());
    expect(error).toBeInstanceOf(ResponseTooLargeError);
  });

  it("keeps only an excerpt of an error body under the cap", async () => {
    const server = await servers.start((_req, res) => {
      res.writeHead(500, { "content-type": "text/plain" });
      streamBytes(res, 2 * MB, "e");
    });
    const error = await failure(clientFor(server, { maxRetries: 0 }).getAgent({ agent_id: AGENT }));
    expect(error).toBeInstanceOf(InternalServerError);
    const body = (error as InternalServerError).body as string;
    expect(body).toHaveLength(MAX_BODY_EXCERPT_CHARS + 1);
    expect(body.endsWith("…")).toBe(true);
    expect((error as Error).message.length).toBeLessThan(700);
  });

  it("reads a body just under the cap", async () => {
    const agents = Array.from({ length: 2000 }, (_, i) => ({ id: `agent-${i}`, agent_name: "x".repeat(400) }));
    const text = JSON.stringify(agents);
    const server = await servers.start((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(text);
    });
    const listed = await clientFor(server, { maxResponseBytes: Buffer.byteLength(text) }).listAgents();
    expect(listed).toHaveLength(2000);
  });
});
