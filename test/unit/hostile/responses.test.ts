/**
 * Issue 9, items 7 and 8: a malformed answer is a `BolnaError` subclass carrying the status and a bounded excerpt,
 * never a `SyntaxError`, `RangeError` or a wrong-shaped value; and a body cannot forge log lines through a message.
 */
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { APIError, BadRequestError, BolnaError, InvalidResponseError, createBolnaClient } from "../../../src/index.js";
import { MAX_BODY_EXCERPT_CHARS } from "../../../src/extensions/internal/error-body.js";
import { sendJson, serverPool, type HostileServer } from "../support/hostile-server.js";

const KEY = "bn-hostile-responses-0123456789";
const AGENT = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

const servers = serverPool();
afterEach(() => servers.closeAll());

function answering(status: number, body: string, contentType = "application/json"): Promise<HostileServer> {
  return servers.start((_req, res) => {
    res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
}

function clientFor(server: HostileServer) {
  return createBolnaClient({ apiKey: KEY, baseUrl: server.url, env: {}, rateLimit: false, maxRetries: 0 });
}

async function failure(promise: Promise<unknown>): Promise<APIError> {
  const error = await promise.then(
    () => expect.unreachable("the call resolved"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BolnaError);
  expect(error).toBeInstanceOf(APIError);
  return error as APIError;
}

describe("malformed 2xx answers", () => {
  it("invalid JSON is an InvalidResponseError with the status and an excerpt", async () => {
    const server = await answering(200, '{"id": "abc", "agent_name": ');
    const error = await failure(clientFor(server).getAgent({ agent_id: AGENT }));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.status).toBe(200);
    expect(error.body).toBe('{"id": "abc", "agent_name": ');
    expect(error.message).toBe(
      `200 OK: the body is not valid JSON (Content-Type: application/json) (GET /v2/agent/${AGENT})`,
    );
  });

  it("an HTML page is an InvalidResponseError naming the content type, with a bounded excerpt", async () => {
    const page = `<html><body>${"<p>Maintenance</p>".repeat(5000)}</body></html>`;
    const server = await answering(200, page, "text/html; charset=utf-8");
    const error = await failure(clientFor(server).listAgents());
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain("Content-Type: text/html");
    expect((error.body as string).length).toBe(MAX_BODY_EXCERPT_CHARS + 1);
    expect((error.body as string).startsWith("<html><body><p>Maintenance")).toBe(true);
  });

  it.each([
    ["an empty body", "", "the body is empty, but the spec promises a JSON object"],
    ["whitespace", "  \n", "the body is empty, but the spec promises a JSON object"],
    ["null", "null", "the spec promises a JSON object, but the body is null"],
    ["an array", "[]", "the spec promises a JSON object, but the body is a JSON array"],
    ["a string", '"ok"', "the spec promises a JSON object, but the body is string"],
  ])("%s where the spec says object is an InvalidResponseError", async (_label, body, problem) => {
    const server = await answering(200, body);
    const error = await failure(clientFor(server).getAgent({ agent_id: AGENT }));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain(problem);
  });

  it("an object where the spec says array (listAgents) is an InvalidResponseError", async () => {
    const server = await answering(200, '{"data": [], "page_number": 1}');
    const error = await failure(clientFor(server).listAgents());
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain("the spec promises a JSON array, but the body is a JSON object");
    expect(error.body).toBe('{"data": [], "page_number": 1}');
  });

  it("an empty 200 with Content-Length: 0 is refused too", async () => {
    const server = await servers.start((_req, res) => {
      res.writeHead(200, { "content-length": "0" });
      res.end();
    });
    const error = await failure(clientFor(server).listAgents());
    expect(error).toBeInstanceOf(InvalidResponseError);
  });

  it("a well-formed answer still resolves", async () => {
    const server = await servers.start((_req, res) => sendJson(res, 200, [{ id: AGENT, agent_name: "Ada" }]));
    expect(await clientFor(server).listAgents()).toEqual([{ id: AGENT, agent_name: "Ada" }]);
  });
});

describe("malformed error answers", () => {
  it("an error body nested 20 000 levels deep is a typed error with a bounded excerpt, safe to show", async () => {
    const depth = 20_000;
    const server = await answering(400, `${'{"detail":'.repeat(depth)}"deep"${"}".repeat(depth)}`);
    const error = await failure(clientFor(server).getAgent({ agent_id: AGENT }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.status).toBe(400);
    expect(typeof error.body).toBe("string");
    expect((error.body as string).length).toBeLessThanOrEqual(MAX_BODY_EXCERPT_CHARS + 1);
    expect(() => JSON.stringify(error)).not.toThrow();
    expect(() => inspect(error, { depth: Infinity })).not.toThrow();
    expect(error.message.length).toBeLessThan(700);
  });

  it("a wide error body is kept as an excerpt, a small one as parsed JSON", async () => {
    const wide = { detail: Array.from({ length: 5000 }, (_, i) => ({ loc: ["body", `field_${i}`], msg: "bad" })) };
    const server = await servers.start((_req, res, _request, n) =>
      sendJson(res, 422, n === 0 ? wide : { detail: "small" }),
    );
    const bolna = clientFor(server);
    const first = await failure(bolna.getAgent({ agent_id: AGENT }));
    expect(typeof first.body).toBe("string");
    expect((first.body as string).startsWith('{"detail":[{"loc":["body","field_0"]')).toBe(true);
    const second = await failure(bolna.getAgent({ agent_id: AGENT }));
    expect(second.body).toEqual({ detail: "small" });
  });
});

describe("control characters from a body never reach a message", () => {
  it("strips ANSI escapes, line breaks and bidi overrides", async () => {
    const forged = "\u001b[2K\u001b[1Gbad input\r\n2026-01-01 INFO payment accepted\u0007\u202egnp.exe\u0000";
    const server = await servers.start((_req, res) => sendJson(res, 400, { message: forged }));
    const error = await failure(clientFor(server).getAgent({ agent_id: AGENT }));
    expect(error.message).toBe(
      `400 Bad Request: bad input 2026-01-01 INFO payment accepted gnp.exe (GET /v2/agent/${AGENT})`,
    );
    expect(error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    // The body keeps what the server sent, for programs that need it.
    expect((error.body as { message: string }).message).toBe(forged);
  });
});
