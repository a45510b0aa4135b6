/**
 * createBolnaClient with an injected fetch: configuration from options and environment, the headers it sends,
 * argument checks before sending, multipart serialization, typed errors, and that the key never leaks.
 */
import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  BolnaError,
  BolnaInputError,
  ConfigurationError,
  createBolnaClient,
  NotFoundError,
  RateLimitError,
  type BolnaClientOptions,
  type LogDetails,
} from "../../src/index.js";

const KEY = "bn-test-0123456789abcdef";
const AGENT = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

interface Seen {
  request: Request;
  body: string;
}

/** A fetch that records each request and answers with `respond(request)` (default: 200 `{}`). */
function recorder(respond: (request: Request) => Response = () => Response.json({})) {
  const seen: Seen[] = [];
  const fetch = async (request: Request) => {
    seen.push({ request, body: await request.clone().text() });
    return respond(request);
  };
  return { seen, fetch };
}

const EMPTY_PAGE = { page_number: 1, page_size: 20, total: 0, has_more: false, data: [] };

function client(extra: BolnaClientOptions = {}) {
  const { seen, fetch } = recorder((request) => {
    const { pathname } = new URL(request.url);
    return Response.json(pathname.endsWith("/executions") ? EMPTY_PAGE : pathname.endsWith("/all") ? [] : {});
  });
  return { seen, bolna: createBolnaClient({ apiKey: KEY, env: {}, fetch, rateLimit: false, ...extra }) };
}

describe("configuration", () => {
  it("reads BOLNA_API_KEY and BOLNA_BASE_URL, trimming them", async () => {
    const { seen, fetch } = recorder();
    const bolna = createBolnaClient({
      fetch,
      rateLimit: false,
      env: { BOLNA_API_KEY: `  ${KEY}\n`, BOLNA_BASE_URL: "http://127.0.0.1:9/" },
    });
    expect(bolna.baseUrl).toBe("http://127.0.0.1:9");
    await bolna.getCurrentUser();
    expect(seen[0]?.request.url).toBe("http://127.0.0.1:9/user/me");
    expect(seen[0]?.request.headers.get("authorization")).toBe(`Bearer ${KEY}`);
  });

  it("lets explicit options win over the environment", async () => {
    const { seen, fetch } = recorder();
    const bolna = createBolnaClient({
      apiKey: "bn-explicit",
      baseUrl: "https://proxy.example.com/bolna",
      fetch,
      rateLimit: false,
      env: { BOLNA_API_KEY: KEY, BOLNA_BASE_URL: "https://ignored.example.com" },
    });
    await bolna.getAgent({ agent_id: AGENT });
    expect(seen[0]?.request.url).toBe(`https://proxy.example.com/bolna/v2/agent/${AGENT}`);
    expect(seen[0]?.request.headers.get("authorization")).toBe("Bearer bn-explicit");
  });

  it("defaults to production", () => {
    expect(createBolnaClient({ apiKey: KEY, env: {} }).baseUrl).toBe("https://api.bolna.ai");
  });

  it.each([[{}], [{ BOLNA_API_KEY: "" }], [{ BOLNA_API_KEY: "   " }]])(
    "treats a missing or blank key as missing (%j) and names the variable",
    (env) => {
      expect(() => createBolnaClient({ env })).toThrow(ConfigurationError);
      expect(() => createBolnaClient({ env })).toThrow(/BOLNA_API_KEY/);
      expect(() => createBolnaClient({ apiKey: "  ", env })).toThrow(ConfigurationError);
    },
  );

  it("requires HTTPS except for loopback hosts", () => {
    for (const baseUrl of ["http://api.bolna.ai", "http://10.0.0.5:4010", "ftp://api.bolna.ai", "not a url"]) {
      expect(() => createBolnaClient({ apiKey: KEY, baseUrl, env: {} }), baseUrl).toThrow(ConfigurationError);
    }
    for (const baseUrl of ["http://localhost:4010", "http://127.0.0.1:4010", "http://127.1.2.3", "http://[::1]:4010"]) {
      expect(createBolnaClient({ apiKey: KEY, baseUrl, env: {} }).baseUrl, baseUrl).toMatch(/^http:/);
    }
  });

  it("refuses a bad maxPages when the client is created, not at the first paginated call", () => {
    for (const maxPages of [0, -1, 1.5, Number.NaN]) {
      expect(() => createBolnaClient({ apiKey: KEY, env: {}, maxPages }), String(maxPages)).toThrow(ConfigurationError);
    }
  });

  it("refuses rate-limit overrides for unknown buckets or with bad values", () => {
    // Cast: an unknown bucket is already a compile error; this checks the runtime guard for plain JavaScript callers.
    const make = (limits: Record<string, number>) => () =>
      createBolnaClient({ apiKey: KEY, env: {}, rateLimit: { limits: limits } });
    expect(make({ "agent-execution": 100 })).toThrow(/Unknown rate-limit bucket "agent-execution".*agent-executions/);
    expect(make({ call: 0 })).toThrow(ConfigurationError);
    expect(make({ call: 250, default: Infinity })).not.toThrow();
  });

  it("never puts the key in a configuration error", () => {
    try {
      createBolnaClient({ apiKey: KEY, baseUrl: "http://example.com", env: {} });
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(KEY);
    }
  });
});

describe("requests", () => {
  it("sends the SDK headers and caller headers, but Authorization is always the client's", async () => {
    const { seen, bolna } = client({ headers: { "X-Team": "voice", Authorization: "Bearer other" } });
    await bolna.listAgents();
    const headers = seen[0]?.request.headers;
    expect(headers?.get("authorization")).toBe(`Bearer ${KEY}`);
    expect(headers?.get("x-team")).toBe("voice");
    expect(headers?.get("user-agent")).toMatch(/^bolna-api-client\/\d+\.\d+\.\d+/);
    expect(headers?.get("x-bolna-client")).toMatch(/^bolna-api-client\//);
  });

  it("splits flat arguments into path, query and JSON body", async () => {
    const { seen, bolna } = client();
    await bolna.listAgentExecutions({
      agent_id: AGENT,
      from: "2026-01-01T00:00:00Z",
      to: "2026-01-07T00:00:00Z",
      status: "completed",
      answered_by_voice_mail: false,
      page_size: 50,
    });
    const url = new URL(seen[0]?.request.url ?? "");
    expect(url.pathname).toBe(`/v2/agent/${AGENT}/executions`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      // Date-times go out in one canonical form.
      from: "2026-01-01T00:00:00.000Z",
      to: "2026-01-07T00:00:00.000Z",
      status: "completed",
      answered_by_voice_mail: "false",
      page_size: "50",
      page_number: "1",
    });

    await bolna.makeCall({ agent_id: AGENT, recipient_phone_number: "+10123456789", user_data: { name: "Bruce" } });
    expect(seen[1]?.request.method).toBe("POST");
    expect(seen[1]?.request.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(seen[1]?.body ?? "")).toEqual({
      agent_id: AGENT,
      recipient_phone_number: "+10123456789",
      user_data: { name: "Bruce" },
    });
  });

  it("sends scheduled_at with a numeric offset, from a Date or a Z string", async () => {
    const { seen, bolna } = client();
    await bolna.makeCall({
      agent_id: AGENT,
      recipient_phone_number: "+10123456789",
      scheduled_at: new Date("2026-12-01T10:30:00Z"),
    });
    await bolna.scheduleBatch({ batch_id: "baab7cdc833145bf8dd260ff1f0a3f21", scheduled_at: "2026-12-01T10:30:00Z" });
    expect(JSON.parse(seen[0]?.body ?? "").scheduled_at).toMatch(/^2026-12-01T10:30:00(\.000)?\+00:00$/);
    const form = await seen[1]?.request.clone().formData();
    expect(String(form?.get("scheduled_at"))).toMatch(/^2026-12-01T10:30:00(\.000)?\+00:00$/);
  });

  it("serializes multipart operations to FormData: the file as a file part, repeated fields repeated", async () => {
    const { seen, bolna } = client();
    const csv = new File(["contact_number\n+10123456789\n"], "contacts.csv", { type: "text/csv" });
    await bolna.createBatch({
      agent_id: AGENT,
      file: csv,
      from_phone_numbers: ["+19876543007", "+19876543008"],
      retry_config: JSON.stringify({ enabled: true }),
    });
    const request = seen[0]?.request;
    expect(request?.headers.get("content-type")).toMatch(/^multipart\/form-data; boundary=/);
    const form = await request?.clone().formData();
    const file = form?.get("file");
    expect(file).toBeInstanceOf(File);
    expect((file as File).name).toBe("contacts.csv");
    expect(await (file as File).text()).toBe("contact_number\n+10123456789\n");
    expect(form?.getAll("from_phone_numbers")).toEqual(["+19876543007", "+19876543008"]);
    expect(form?.get("retry_config")).toBe('{"enabled":true}');
  });

  it("serializes multipart for raw client.POST calls too", async () => {
    const { seen, bolna } = client();
    await bolna.POST("/batches", {
      body: { agent_id: AGENT, file: new Blob(["contact_number\n"], { type: "text/csv" }) },
    });
    expect(seen[0]?.request.headers.get("content-type")).toMatch(/^multipart\/form-data/);
  });
});

describe("input checks before sending", () => {
  const window = { agent_id: AGENT, from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z" };

  it.each([
    ["page_size over 50", { ...window, page_size: 51 }, "page_size"],
    ["page_number 0", { ...window, page_number: 0 }, "page_number"],
    ["unknown call_type", { ...window, call_type: "sideways" }, "call_type"],
    ["missing to", { agent_id: AGENT, from: window.from }, "to"],
    ["window over 7 days", { ...window, to: "2026-01-09T00:00:00Z" }, "to"],
    ["unknown parameter", { ...window, created_at_gte: "2026-01-01" }, "created_at_gte"],
  ])("refuses %s with a BolnaInputError naming the field", async (_name, args, field) => {
    const { seen, bolna } = client();
    const error = await (bolna.listAgentExecutions as (a: unknown) => PromiseLike<unknown>)(args).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BolnaInputError);
    expect((error as BolnaInputError).field).toBe(field);
    expect(seen).toHaveLength(0);
  });

  it("sends filter values the server may accept although the spec does not list them (open filters)", async () => {
    const { seen, bolna } = client();
    await bolna.listAgentExecutions({ ...window, status: "prepared", provider: "a-new-carrier" });
    const url = new URL(seen[0]?.request.url ?? "");
    expect([url.searchParams.get("status"), url.searchParams.get("provider")]).toEqual(["prepared", "a-new-carrier"]);
  });

  it("refuses an empty path parameter, a non-number page_number and a PATCH that changes nothing", async () => {
    const { seen, bolna } = client();
    await expect(bolna.getAgent({ agent_id: "" })).rejects.toThrow(/agent_id` must not be empty/);
    const page = (bolna.listAgentExecutions as (a: unknown) => PromiseLike<unknown>)({ ...window, page_number: "2" });
    await expect(Promise.resolve(page)).rejects.toThrow(/page_number` must be an integer/);
    await expect(bolna.patchAgent({ agent_id: AGENT })).rejects.toThrow(BolnaInputError);
    expect(seen).toHaveLength(0);
  });

  it("checks a pattern the same way on every call", async () => {
    const { seen, bolna } = client();
    for (let i = 0; i < 3; i++) {
      await bolna.makeCall({ agent_id: AGENT, recipient_phone_number: "+10123456789" });
      await expect(bolna.makeCall({ agent_id: AGENT, recipient_phone_number: "10123456789" })).rejects.toThrow(
        BolnaInputError,
      );
    }
    expect(seen).toHaveLength(3);
  });

  it("refuses a phone number that is not E.164", async () => {
    const { seen, bolna } = client();
    await expect(bolna.makeCall({ agent_id: AGENT, recipient_phone_number: "0123 456" })).rejects.toThrow(
      /recipient_phone_number/,
    );
    expect(seen).toHaveLength(0);
  });
});

describe("retry options", () => {
  it("passes maxRetryDelayMs to the transport: it caps the backoff and ends retries on a longer Retry-After", async () => {
    let calls = 0;
    const { seen, fetch } = recorder(() =>
      ++calls === 1
        ? new Response(null, { status: 503 })
        : Response.json({}, { status: 429, headers: { "retry-after": "120" } }),
    );
    // The retry line says how long the client waited, whatever the machine's load did to the wall clock.
    const waits: Array<number | undefined> = [];
    const ignore = (): void => undefined;
    const logger = {
      debug: ignore,
      warn: ignore,
      error: ignore,
      info: (_: string, d?: LogDetails) => waits.push(d?.retryInMs),
    };
    const bolna = createBolnaClient({
      apiKey: KEY,
      env: {},
      fetch,
      rateLimit: false,
      maxRetryDelayMs: 1,
      logger,
      logLevel: "info",
    });
    const error = await bolna.getAgent({ agent_id: AGENT }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError); // the 429's 120 s wait is over the cap: returned, not waited for
    expect(seen).toHaveLength(2);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeLessThanOrEqual(1); // the 503's backoff: ≤ 1 ms, not the default 375–500 ms

    expect(() => createBolnaClient({ apiKey: KEY, env: {}, maxRetryDelayMs: -1 })).toThrow(ConfigurationError);
  });
});

describe("errors", () => {
  it("throws typed errors with the parsed body, and never the key", async () => {
    const { fetch } = recorder((request) =>
      request.url.endsWith("/user/me")
        ? Response.json({ detail: `Unrecognized access token ${KEY}` }, { status: 403 })
        : Response.json({ message: "Batch is not queued or running" }, { status: 404 }),
    );
    const bolna = createBolnaClient({ apiKey: KEY, env: {}, fetch, rateLimit: false });

    const auth = await bolna.getCurrentUser().catch((e: unknown) => e);
    expect(auth).toBeInstanceOf(AuthenticationError);
    expect((auth as AuthenticationError).status).toBe(403);
    expect((auth as Error).message).not.toContain(KEY);

    const missing = await bolna.stopBatch({ batch_id: "abc" }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toBeInstanceOf(BolnaError);
    expect((missing as NotFoundError).body).toEqual({ message: "Batch is not queued or running" });
    expect((missing as Error).message).toContain("Batch is not queued or running");
    expect((missing as Error).message).toContain("POST /batches/abc/stop");
  });
});
