/**
 * `toNodeListener`: the webhook handler served by a real `node:http` server on a free loopback port, the body
 * streamed from the socket or already read by an Express-style body parser (`express.raw()`, `.text()`,
 * `.json()`), with the socket's peer address as the sender.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Execution } from "../../src/index.js";
import { createWebhookHandler, toNodeListener } from "../../src/webhooks.js";
import { webhookExampleBody } from "../support/spec-examples.js";

const { body: DELIVERY, id: ID } = webhookExampleBody();
const MAX_BODY_BYTES = 64 * 1024;

/** What ran before the listener, as Express middleware would: nothing, or a body parser. */
type Parser = "none" | "raw" | "text" | "json";

const calls: Execution[] = [];
const listener = toNodeListener(
  createWebhookHandler({
    allowedIps: ["127.0.0.1"],
    maxBodyBytes: MAX_BODY_BYTES,
    onExecution: (e) => void calls.push(e),
  }),
);
const strictListener = toNodeListener(createWebhookHandler({ onExecution: (e) => void calls.push(e) }));

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `/<parser>` picks what reads the body first; `/strict` uses Bolna's addresses only. */
async function route(req: IncomingMessage & { body?: unknown }, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? "/", "http://localhost").pathname.slice(1);
  if (path === "strict") return strictListener(req, res);
  const parser = path as Parser;
  if (parser !== "none") {
    const raw = await readAll(req);
    req.body = parser === "raw" ? raw : parser === "text" ? raw.toString("utf8") : JSON.parse(raw.toString("utf8"));
  }
  listener(req, res);
}

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => void route(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  calls.length = 0;
});

function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
  });
}

describe("toNodeListener through node:http", () => {
  it.each<Parser>(["none", "raw", "text", "json"])("handles a delivery whose body was read by: %s", async (parser) => {
    // A fresh status per parser, so each run is a new (id, status) pair for the shared handler.
    const body = DELIVERY.replace('"status":"completed"', `"status":"parsed-by-${parser}"`);
    const response = await post(`/${parser}`, body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true });
    expect(calls.map((e) => [e.id, e.status])).toEqual([[ID, `parsed-by-${parser}`]]);
  });

  it("answers a repeat 200 as a duplicate without calling the handler again", async () => {
    const body = DELIVERY.replace('"status":"completed"', '"status":"repeated"');
    expect((await post("/none", body)).status).toBe(200);
    expect(await (await post("/none", body)).json()).toEqual({ received: true, duplicate: true });
    expect(calls).toHaveLength(1);
  });

  it("refuses the socket's address when it is not allowed (forwarded headers ignored)", async () => {
    const response = await post("/strict", DELIVERY, { "x-forwarded-for": "13.203.39.153" });
    expect(response.status).toBe(403);
    expect(calls).toEqual([]);
  });

  it("passes on the handler's 400 and 415", async () => {
    expect((await post("/none", "{not json")).status).toBe(400);
    expect((await post("/none", DELIVERY, { "content-type": "text/plain" })).status).toBe(415);
    expect(calls).toEqual([]);
  });

  it("answers 413 to a streamed body over the cap, and closes the connection rather than drain it", async () => {
    // Sent in chunks without a Content-Length, so the handler has to count what it reads.
    const { status, connection } = await new Promise<{ status: number; connection: string | undefined }>(
      (resolve, reject) => {
        const req = httpRequest(`${base}/none`, { method: "POST", headers: { "content-type": "application/json" } });
        req.on("response", (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, connection: res.headers.connection });
        });
        req.on("error", reject);
        const chunk = Buffer.alloc(16 * 1024, 0x20);
        for (let i = 0; i < (4 * MAX_BODY_BYTES) / chunk.length; i++) req.write(chunk);
        req.end();
      },
    );
    expect(status).toBe(413);
    expect(connection).toBe("close");
    expect(calls).toEqual([]);
  });
});
