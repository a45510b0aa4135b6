/**
 * Issue 9, items 1 and 2: redirects are never followed. A 3xx is a `RedirectError` carrying the status and the
 * `Location`, a request that may have reached the server is never sent again because of what came after it, and
 * nothing (least of all a call's body) goes to another origin.
 */
import { afterEach, describe, expect, it } from "vitest";
import { APIError, BolnaError, RedirectError, createBolnaClient } from "../../../src/index.js";
import { refusingUrl, sendJson, serverPool } from "../support/hostile-server.js";

const KEY = "bn-hostile-redirect-0123456789";
const AGENT = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const CALL = { agent_id: AGENT, recipient_phone_number: "+10123456789", user_data: { name: "Ada" } };

const servers = serverPool();
afterEach(() => servers.closeAll());

function clientFor(baseUrl: string) {
  return createBolnaClient({ apiKey: KEY, baseUrl, env: {}, rateLimit: false, maxRetries: 2 });
}

async function rejection(promise: Promise<unknown>): Promise<RedirectError> {
  const error = await promise.then(
    () => expect.unreachable("the call resolved"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RedirectError);
  expect(error).toBeInstanceOf(APIError);
  expect(error).toBeInstanceOf(BolnaError);
  return error as RedirectError;
}

describe("a call placed, then redirected to a host that refuses connections", () => {
  it.each([302, 303, 307])("dials exactly once on %i and says where the server pointed", async (status) => {
    const refusing = await refusingUrl();
    const api = await servers.start((_req, res) => {
      res.writeHead(status, { location: `${refusing}/call`, "content-type": "application/json" });
      res.end(JSON.stringify({ message: "done", status: "queued", execution_id: "e1" }));
    });
    const error = await rejection(clientFor(api.url).makeCall(CALL));
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /call"]);
    expect(error.status).toBe(status);
    expect(error.location).toBe(`${refusing}/call`);
    expect(error.message).toContain(`redirected to ${refusing}/call`);
  });
});

describe("redirects to another origin", () => {
  it.each([301, 302, 303, 307, 308])("%i: makeCall's body never reaches the other origin", async (status) => {
    const foreign = await servers.start((_req, res) => sendJson(res, 200, { message: "done", status: "queued" }));
    const api = await servers.start((_req, res) => {
      res.writeHead(status, { location: `${foreign.url}/collect?from=bolna` });
      res.end();
    });
    const error = await rejection(clientFor(api.url).makeCall(CALL));
    expect(foreign.requests).toHaveLength(0);
    expect(api.requests).toHaveLength(1);
    expect(error.status).toBe(status);
    expect(error.location).toBe(`${foreign.url}/collect?from=bolna`);
    // The query of a Location may be a signature: the message names origin and path only.
    expect(error.message).not.toContain("from=bolna");
  });

  it.each([301, 302, 303, 307, 308])("%i: a GET is not followed either, and is not retried", async (status) => {
    const foreign = await servers.start((_req, res) => sendJson(res, 200, { id: AGENT }));
    const api = await servers.start((_req, res) => {
      res.writeHead(status, { location: `${foreign.url}/v2/agent/${AGENT}` });
      res.end();
    });
    const error = await rejection(clientFor(api.url).getAgent({ agent_id: AGENT }));
    expect(error.status).toBe(status);
    expect(foreign.requests).toHaveLength(0);
    expect(api.requests).toHaveLength(1);
  });

  it("resolves a relative Location against the request, and redacts the key if the server put it there", async () => {
    const api = await servers.start((req, res) => {
      const target = req.url?.startsWith("/v2") ? `/elsewhere?token=${KEY}&keep=1` : "/";
      res.writeHead(307, { location: target });
      res.end();
    });
    const error = await rejection(clientFor(api.url).getAgent({ agent_id: AGENT }));
    expect(error.location).toBe(`${api.url}/elsewhere?token=[redacted]&keep=1`);
    expect(error.headers.get("location")).not.toContain(KEY);
    expect(JSON.stringify(error)).not.toContain(KEY);
  });

  it("exposes the Location so a caller can fetch a pre-signed URL itself, without the Authorization header", async () => {
    const storage = await servers.start((_req, res) => {
      res.writeHead(200, { "content-type": "audio/mpeg" });
      res.end("ID3");
    });
    const api = await servers.start((_req, res) => {
      res.writeHead(302, { location: `${storage.url}/rec/e1.mp3?X-Amz-Signature=abc123&X-Amz-Expires=86400` });
      res.end();
    });
    // A raw call to a path the spec may not know yet: the raw layer does not throw on a status, and does not follow.
    const { response } = await clientFor(api.url).GET(`/recordings/call/e1` as "/v2/agent/all");
    expect(response.status).toBe(302);
    expect(storage.requests).toHaveLength(0);

    const error = await rejection(clientFor(api.url).getAgent({ agent_id: AGENT }));
    const audio = await fetch(error.location as string);
    expect(await audio.text()).toBe("ID3");
    expect(storage.requests).toHaveLength(1);
    expect(storage.requests[0]?.query.get("X-Amz-Signature")).toBe("abc123");
    expect(storage.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("is never retried, even where 5xx would be", async () => {
    const api = await servers.start((_req, res) => {
      res.writeHead(308, { location: "https://api.bolna.ai/v2/agent/all" });
      res.end();
    });
    await rejection(clientFor(api.url).listAgents());
    expect(api.requests).toHaveLength(1);
  });
});
