/**
 * How a generated method's call reaches the network. Without middleware the client hands openapi-fetch
 * `RequestParts` instead of a `Request` and the global `fetch` gets `(url, init)`; with middleware, middleware sees
 * real `Request`s. Either way the server must receive the same bytes, on every attempt of a retried call.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createBolnaClient, type BolnaClient } from "../../src/index.js";
import { startFaultServer, type FaultServer, type RecordedRequest } from "../support/fault-server.js";

const KEY = "bn-test-0123456789abcdef";
const AGENT = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

let server: FaultServer | undefined;
afterEach(async () => {
  vi.unstubAllGlobals();
  await server?.close();
  server = undefined;
});

/** A server answering 429 (retry at once) to the first request, then 200 with `body`; and a client on it. */
async function retryingServer(body: object | unknown[]): Promise<{ bolna: BolnaClient; requests: RecordedRequest[] }> {
  server = await startFaultServer((_request, n) =>
    n === 0 ? { status: 429, headers: { "retry-after-ms": "0" } } : { status: 200, body },
  );
  const bolna = createBolnaClient({ apiKey: KEY, baseUrl: server.url, env: {}, rateLimit: false });
  return { bolna, requests: server.requests };
}

/** What must not differ between two attempts of one call. */
function wire(request: RecordedRequest) {
  const { host: _host, connection: _connection, ...headers } = request.headers;
  return { method: request.method, path: request.path, query: String(request.query), headers, body: request.text };
}

/** A multipart body with its boundary replaced, so two attempts (each with a fresh boundary) compare equal. */
function withoutBoundary(request: RecordedRequest) {
  const boundary = /boundary=(.+)$/.exec(String(request.headers["content-type"]))?.[1] ?? "";
  const seen = wire(request);
  return {
    ...seen,
    headers: { ...seen.headers, "content-type": "multipart/form-data", "content-length": undefined },
    body: seen.body.split(boundary).join("BOUNDARY"),
  };
}

describe("without middleware (fetch builds the only Request)", () => {
  it("calls the global fetch with the URL and an init, not a Request", async () => {
    const calls: unknown[] = [];
    vi.stubGlobal("fetch", async (input: unknown, init?: RequestInit) => {
      calls.push(input);
      expect(init?.redirect).toBe("manual");
      expect(init?.signal).toBeInstanceOf(AbortSignal);
      return Response.json({ id: AGENT });
    });
    const bolna = createBolnaClient({ apiKey: KEY, baseUrl: "http://127.0.0.1:9", env: {}, rateLimit: false });
    await bolna.getAgent({ agent_id: AGENT });
    expect(calls).toEqual([`http://127.0.0.1:9/v2/agent/${AGENT}`]);
  });

  it("sends a JSON body again, byte for byte, when the call is retried", async () => {
    const { bolna, requests } = await retryingServer({ execution_id: "e-1", status: "queued" });
    await bolna.makeCall({ agent_id: AGENT, recipient_phone_number: "+10123456789", user_data: { name: "Ada" } });
    expect(requests).toHaveLength(2);
    const [first, second] = requests.map(wire);
    expect(first?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(first?.body ?? "")).toEqual({
      agent_id: AGENT,
      recipient_phone_number: "+10123456789",
      user_data: { name: "Ada" },
    });
    expect(second).toEqual(first);
  });

  it("sends a multipart form again, file included, when the call is retried", async () => {
    const { bolna, requests } = await retryingServer({ batch_id: "b-1", state: "created" });
    const file = new File(["contact_number\n+10123456789\n"], "contacts.csv", { type: "text/csv" });
    await bolna.createBatch({ agent_id: AGENT, file, from_phone_numbers: ["+19876543007", "+19876543008"] });
    expect(requests).toHaveLength(2);
    const [first, second] = requests.map(withoutBoundary);
    expect(first?.body).toContain('filename="contacts.csv"');
    expect(first?.body).toContain("contact_number\n+10123456789\n");
    expect(second).toEqual(first);
  });

  it("keeps the caller's headers and the client's own Authorization", async () => {
    server = await startFaultServer(() => ({ status: 200, body: { id: AGENT } }));
    const bolna = createBolnaClient({
      apiKey: KEY,
      baseUrl: server.url,
      env: {},
      rateLimit: false,
      headers: { "x-client-wide": "1" },
    });
    await bolna.getAgent({ agent_id: AGENT }, { headers: { "x-per-call": "2" } });
    const headers = server.requests[0]?.headers ?? {};
    expect(headers["x-client-wide"]).toBe("1");
    expect(headers["x-per-call"]).toBe("2");
    expect(headers.authorization).toBe(`Bearer ${KEY}`);
    expect(headers["content-type"]).toBeUndefined();
  });
});

describe("with middleware", () => {
  it("gives middleware a real Request for a generated method, and stops once it is ejected", async () => {
    server = await startFaultServer(() => ({ status: 200, body: { id: AGENT } }));
    const bolna = createBolnaClient({ apiKey: KEY, baseUrl: server.url, env: {}, rateLimit: false });
    const seen: unknown[] = [];
    const middleware = {
      onRequest({ request }: { request: Request }) {
        seen.push(request);
        request.headers.set("x-trace-id", "t-1");
      },
    };
    bolna.use(middleware);
    await bolna.makeCall({ agent_id: AGENT, recipient_phone_number: "+10123456789" });
    expect(seen[0]).toBeInstanceOf(Request);
    expect(server.requests[0]?.headers["x-trace-id"]).toBe("t-1");
    expect(JSON.parse(server.requests[0]?.text ?? "")).toEqual({
      agent_id: AGENT,
      recipient_phone_number: "+10123456789",
    });
    bolna.eject(middleware);
    await bolna.getAgent({ agent_id: AGENT });
    expect(seen).toHaveLength(1);
    expect(server.requests[1]?.headers["x-trace-id"]).toBeUndefined();
  });

  const calls: [string, (bolna: BolnaClient) => Promise<unknown>][] = [
    ["getAgent", (bolna) => bolna.getAgent({ agent_id: AGENT })],
    [
      "listAgentExecutions (query: offsets, microseconds, characters to encode)",
      (bolna) =>
        bolna.listAgentExecutions({
          agent_id: AGENT,
          from: "2026-03-01T05:30:00+05:30",
          to: "2026-03-02 00:00:00.123456",
          call_type: "outbound",
          provider: "web-call",
          batch_id: "b 1/2",
          page_number: 3,
        }),
    ],
    [
      "makeCall (JSON body)",
      (bolna) =>
        bolna.makeCall({ agent_id: AGENT, recipient_phone_number: "+10123456789", user_data: { when: "now ü" } }),
    ],
    [
      "patchAgent (PATCH, which fetch does not upper-case for us)",
      (bolna) => bolna.patchAgent({ agent_id: AGENT, agent_config: { agent_name: "Renamed" } }),
    ],
    [
      "createBatch (multipart)",
      (bolna) =>
        bolna.createBatch({
          agent_id: AGENT,
          file: new File(["contact_number\n+10123456789\n"], "contacts.csv", { type: "text/csv" }),
          from_phone_numbers: ["+19876543007", "+19876543008"],
        }),
    ],
    ["deleteAgent (DELETE)", (bolna) => bolna.deleteAgent({ agent_id: AGENT })],
    [
      "per-call headers, one of them overriding the client's",
      (bolna) => bolna.getAgent({ agent_id: AGENT }, { headers: { "x-per-call": "2", "X-Bolna-Client": "mine/1" } }),
    ],
  ];

  it.each(calls)("sends the same bytes with middleware as without: %s", async (_name, call) => {
    server = await startFaultServer(() => ({ status: 200, body: {} }));
    const bolna = createBolnaClient({
      apiKey: KEY,
      baseUrl: `${server.url}/base/`,
      env: {},
      rateLimit: false,
      headers: { "x-client-wide": "1" },
    });
    await call(bolna).catch(() => undefined);
    bolna.use({ onRequest: () => undefined });
    await call(bolna).catch(() => undefined);
    expect(server.requests).toHaveLength(2);
    const [direct, viaMiddleware] = server.requests.map((request) =>
      String(request.headers["content-type"]).startsWith("multipart/") ? withoutBoundary(request) : wire(request),
    );
    expect(direct?.path.startsWith("/base/")).toBe(true);
    expect(viaMiddleware).toEqual(direct);
  });

  it("applies the middleware openapi-fetch registered before refusing another of the same use()", async () => {
    server = await startFaultServer(() => ({ status: 200, body: { id: AGENT } }));
    const bolna = createBolnaClient({ apiKey: KEY, baseUrl: server.url, env: {}, rateLimit: false });
    const seen: unknown[] = [];
    expect(() => bolna.use({ onRequest: ({ request }) => void seen.push(request) }, {} as never)).toThrow(
      /Middleware must be an object/,
    );
    await bolna.getAgent({ agent_id: AGENT });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(Request);
  });
});
