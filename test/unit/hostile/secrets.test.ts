/**
 * Issue 9, items 5 and 6: the API key never survives in an error object, whatever the server echoes, and bad secrets
 * or URLs are refused when the client is created, without showing them.
 */
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import {
  APIConnectionError,
  AuthenticationError,
  BolnaError,
  ConfigurationError,
  ExportError,
  createBolnaClient,
} from "../../../src/index.js";
import { sendJson, serverPool, type HostileServer } from "../support/hostile-server.js";

const KEY = "bn-hostile-secret-5f0c2a9e77d14b3c";
const AGENT = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

const servers = serverPool();
afterEach(() => servers.closeAll());

/** A server that answers 403 and echoes the bearer token in its body (nested) and in headers. */
async function echoingServer(): Promise<HostileServer> {
  return servers.start((req, res) => {
    const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    sendJson(
      res,
      403,
      { detail: `Unrecognized access token ${token}`, echo: { nested: [token, { [token]: `Bearer ${token}` }] } },
      {
        "x-echo-authorization": `Bearer ${token}`,
        "www-authenticate": `Bearer error="invalid_token", token="${token}"`,
      },
    );
  });
}

/** Every way an error object can be shown or serialised. */
function everyView(error: unknown): string[] {
  const e = error as Error & { body?: unknown; headers?: Headers; url?: string };
  const views = [
    e.message,
    String(e.stack),
    String(e),
    JSON.stringify(e),
    inspect(e),
    inspect(e, { depth: Infinity, showHidden: false }),
    inspect({ wrapped: e }, { depth: Infinity }),
    JSON.stringify(e.body ?? null),
    JSON.stringify([...(e.headers?.entries() ?? [])]),
    String(e.url),
  ];
  // console.error formats with util.inspect; capture what it would print.
  const printed: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void printed.push(args.map((arg) => inspect(arg)).join(" "));
  try {
    console.error(e);
  } finally {
    console.error = original;
  }
  return [...views, ...printed];
}

describe("an echoed key is redacted everywhere an error carries data", () => {
  it("in the message, body, headers, url, util.inspect, JSON.stringify and console.error", async () => {
    const server = await echoingServer();
    const bolna = createBolnaClient({ apiKey: KEY, baseUrl: server.url, env: {}, rateLimit: false });
    const error = await bolna.getAgent({ agent_id: AGENT }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    for (const view of everyView(error)) expect(view).not.toContain(KEY);
    // What the server sent is still there, with the key replaced.
    const { body, headers } = error as AuthenticationError;
    expect(JSON.stringify(body)).toContain("[redacted]");
    expect(headers.get("x-echo-authorization")).toBe("Bearer [redacted]");
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ name: "AuthenticationError", status: 403 });
  });

  it("in an export's error and its cause chain", async () => {
    const server = await echoingServer();
    const bolna = createBolnaClient({ apiKey: KEY, baseUrl: server.url, env: {}, rateLimit: false });
    const exported = bolna.exportExecutions({
      agent_id: AGENT,
      from: "2026-01-01T00:00:00Z",
      to: "2026-01-02T00:00:00Z",
    });
    const error = await (async () => {
      for await (const _ of exported) expect.unreachable("no records");
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportError);
    expect((error as ExportError).cause).toBeInstanceOf(AuthenticationError);
    for (const view of everyView(error)) expect(view).not.toContain(KEY);
    expect(JSON.stringify(error)).toContain('"cause":{"name":"AuthenticationError"');
  });

  it("in a connection error's cause, whatever the underlying error says", async () => {
    const bolna = createBolnaClient({
      apiKey: KEY,
      baseUrl: "http://127.0.0.1:9",
      env: {},
      rateLimit: false,
      maxRetries: 0,
      fetch: async (request) => {
        throw new TypeError("fetch failed", {
          cause: new Error(`proxy refused ${request.headers.get("authorization")}`),
        });
      },
    });
    const error = await bolna.getAgent({ agent_id: AGENT }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    for (const view of everyView(error)) expect(view).not.toContain(KEY);
    expect(inspect(error)).toContain("proxy refused Bearer [redacted]");
  });

  it("replaces the whole key only, never a part of a longer word", async () => {
    const server = await servers.start((_req, res) =>
      sendJson(res, 400, { detail: "executions for x failed: x-ray, box, x." }, { "x-note": "x" }),
    );
    const bolna = createBolnaClient({ apiKey: "x", baseUrl: server.url, env: {}, rateLimit: false });
    const error = await bolna.getAgent({ agent_id: AGENT }).catch((e: unknown) => e);
    expect((error as BolnaError).message).toContain("executions for [redacted] failed: x-ray, box, [redacted].");
    expect((error as AuthenticationError).headers.get("x-note")).toBe("[redacted]");
    expect(inspect(error)).toContain("executions for [redacted]");
    expect(inspect(error)).not.toContain("e[redacted]ecutions");
  });
});

describe("secrets and configuration at construction", () => {
  function configurationError(run: () => unknown): ConfigurationError {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      return error as ConfigurationError;
    }
    return expect.unreachable("createBolnaClient did not throw");
  }

  it.each([
    ["a line break", `${KEY}\nX-Injected: 1`, "a line break"],
    ["a carriage return", `${KEY}\rX`, "a line break"],
    ["an inner space", `bn-hostile secret-5f0c2a9e77d14b3c`, "whitespace"],
    ["a non-Latin-1 character", `${KEY}ключ`, "a non-ASCII character"],
    ["a Latin-1 character", `${KEY}é`, "a non-ASCII character"],
    ["a control character", `${KEY}\u0007`, "a control character"],
  ])("refuses a key with %s, without showing it", async (_label, apiKey, kind) => {
    const server = await servers.start((_req, res) => sendJson(res, 200, {}));
    const error = configurationError(() => createBolnaClient({ apiKey, baseUrl: server.url, env: {} }));
    expect(error.message).toContain(kind);
    for (const view of everyView(error)) expect(view).not.toContain("5f0c2a9e");
    expect(server.requests).toHaveLength(0);
  });

  it("refuses the same key from BOLNA_API_KEY", () => {
    const error = configurationError(() => createBolnaClient({ env: { BOLNA_API_KEY: `${KEY}\nX: y` } }));
    expect(error.message).not.toContain(KEY);
  });

  it.each(["", "  ", "\t\n"])(
    "refuses an explicit blank apiKey %j instead of falling back to BOLNA_API_KEY",
    (apiKey) => {
      const error = configurationError(() => createBolnaClient({ apiKey, env: { BOLNA_API_KEY: KEY } }));
      expect(error.message).toContain("apiKey is blank");
      expect(error.message).not.toContain(KEY);
    },
  );

  it.each([
    "https://user:hunter2-password@[not-a-host/",
    "https://user:hunter2-password@api.bolna.ai:99999/",
    "http://user:hunter2-password@example.com/",
    "https://user:hunter2-password@api.bolna.ai/",
    "ht!tp://api.bolna.ai/?api_key=hunter2-password",
    "user:hunter2-password@api.bolna.ai",
  ])("refuses base URL %s without echoing its secret", (baseUrl) => {
    const error = configurationError(() => createBolnaClient({ apiKey: KEY, baseUrl, env: {} }));
    for (const view of everyView(error)) {
      expect(view).not.toContain("hunter2");
      expect(view).not.toContain(KEY);
    }
  });
});
