/**
 * `createWebhookHandler`: what it answers to each kind of delivery and when it calls the user's handlers, driven
 * with Web-standard `Request`s as Next.js, Hono, Workers, Deno and Bun would pass them.
 */
import { describe, expect, expectTypeOf, it, vi } from "vitest";
import type { Execution } from "../../src/index.js";
import {
  BOLNA_WEBHOOK_IPS,
  createMemoryWebhookStore,
  createWebhookHandler,
  type WebhookHandlerOptions,
  type WebhookStore,
} from "../../src/webhooks.js";
import { componentExampleValue, webhookExamples } from "../support/spec-examples.js";

const BOLNA_IP = BOLNA_WEBHOOK_IPS[0];
const URL_ = "https://receiver.example/bolna/webhook";
const COMPLETED = webhookExamples().find(([name]) => name === "completed")?.[1] as Execution;

interface RequestParts {
  headers?: Record<string, string>;
  url?: string;
  method?: string;
}

function request(body: BodyInit | null, { headers = {}, url = URL_, method = "POST" }: RequestParts = {}): Request {
  return new Request(url, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
}

const json = (value: unknown, parts?: RequestParts): Request => request(JSON.stringify(value), parts);

/** A handler that records every call of `onExecution`, with the given options on top. */
function recording(options: Partial<WebhookHandlerOptions> = {}) {
  const calls: Execution[] = [];
  const handler = createWebhookHandler({
    onExecution: (e) => void calls.push(e),
    onError: () => undefined,
    ...options,
  });
  /** `null`: the server knows no peer address. */
  const send = (req: Request, ip: string | null = BOLNA_IP) => handler(req, { remoteAddress: ip ?? undefined });
  return { handler, calls, send };
}

async function answered(response: Response): Promise<[number, unknown]> {
  return [response.status, await response.json()];
}

describe("real deliveries", () => {
  const deliveries: Array<[string, unknown]> = [
    ...webhookExamples(),
    // The same Plivo delivery as a listing returns it, to keep the check if the webhook examples change.
    ["ExecutionFromBatch", componentExampleValue("ExecutionFromBatch")],
  ];

  it("covers both telephony providers", () => {
    const providers = deliveries.map(([, e]) => (e as Execution).telephony_data?.provider);
    expect(providers).toContain("twilio");
    expect(providers).toContain("plivo");
  });

  it.each(deliveries)("accepts the spec's %s delivery and hands over the execution as sent", async (_name, value) => {
    const { calls, send } = recording();
    expect(await answered(await send(json(value)))).toEqual([200, { received: true }]);
    expect(calls).toEqual([value]);
  });
});

describe("de-duplication on (id, status)", () => {
  it("calls the handler once per pair and answers a repeat 200 without calling it", async () => {
    const { calls, send } = recording();
    expect(await answered(await send(json(COMPLETED)))).toEqual([200, { received: true }]);
    expect(await answered(await send(json(COMPLETED)))).toEqual([200, { received: true, duplicate: true }]);
    expect((await send(json({ ...COMPLETED, status: "call-disconnected" }))).status).toBe(200);
    expect(calls.map((e) => e.status)).toEqual(["completed", "call-disconnected"]);
  });

  it("calls the handler exactly once per pair under 1 000 concurrent deliveries, a third of them repeats", async () => {
    const DISTINCT = 667;
    const pairs = Array.from({ length: DISTINCT }, (_, i) => ({ id: `exec-${i % 300}`, status: `status-${i}` }));
    // Every third delivery repeats an earlier pair (a deterministic spread, no randomness).
    const deliveries = Array.from({ length: 1_000 }, (_, i) =>
      i % 3 === 2 ? pairs[(i * 7) % DISTINCT] : pairs[i - Math.floor(i / 3)],
    );
    expect(new Set(deliveries).size).toBe(DISTINCT);
    const seen = new Map<string, number>();
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const handler = createWebhookHandler({
      allowedIps: false,
      onExecution: async (e) => {
        const key = `${e.id}/${e.status}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        // Hold every handler until each pair's first delivery is running, so repeats meet one in flight.
        if (seen.size === DISTINCT) open();
        await gate;
      },
    });
    const responses = await Promise.all(
      deliveries.map((pair) => handler(json({ ...pair, agent_id: "a" })).then((r) => r.json())),
    );
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
    expect(seen.size).toBe(DISTINCT);
    expect(responses.filter((body) => JSON.stringify(body) === '{"received":true}')).toHaveLength(DISTINCT);
    expect(responses.filter((body) => JSON.stringify(body) === '{"received":true,"duplicate":true}')).toHaveLength(
      1_000 - DISTINCT,
    );
  });

  it("answers 500 when the handler throws, forgets the pair, and handles Bolna's retry", async () => {
    const errors: unknown[] = [];
    let fail = true;
    const calls: string[] = [];
    const { send } = recording({
      onExecution: (e) => {
        calls.push(e.status);
        if (fail) throw new Error("database down");
      },
      onError: (error) => void errors.push(error),
    });
    const first = await send(json(COMPLETED));
    expect(first.status).toBe(500);
    expect(JSON.stringify(await first.json())).not.toContain("database down");
    expect(errors).toEqual([new Error("database down")]);
    fail = false;
    expect(await answered(await send(json(COMPLETED)))).toEqual([200, { received: true }]);
    expect(await answered(await send(json(COMPLETED)))).toEqual([200, { received: true, duplicate: true }]);
    expect(calls).toEqual(["completed", "completed"]);
  });

  it("gives repeats that arrived while a failing first delivery ran its 500, then handles the retry", async () => {
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let calls = 0;
    const { send } = recording({
      onExecution: async () => {
        calls++;
        if (calls === 1) {
          open();
          await Promise.resolve();
          throw new Error("first attempt fails");
        }
      },
    });
    const first = send(json(COMPLETED));
    await gate;
    const repeats = await Promise.all([send(json(COMPLETED)), send(json(COMPLETED))]);
    expect([(await first).status, ...repeats.map((r) => r.status)]).toEqual([500, 500, 500]);
    expect(calls).toBe(1);
    expect((await send(json(COMPLETED))).status).toBe(200);
    expect(calls).toBe(2);
  });
});

describe("onStatus", () => {
  it("routes by status after onExecution, with the status narrowed", async () => {
    const order: string[] = [];
    const handler = createWebhookHandler({
      onExecution: (e) => void order.push(`execution ${e.status}`),
      onStatus: {
        completed(e) {
          expectTypeOf(e.status).toEqualTypeOf<"completed">();
          order.push(`completed ${e.id}`);
        },
        busy: (e) => void order.push(`busy ${e.status}`),
      },
    });
    for (const status of ["completed", "busy", "ringing"]) {
      expect((await handler(json({ ...COMPLETED, status }), { remoteAddress: BOLNA_IP })).status).toBe(200);
    }
    expect(order).toEqual([
      "execution completed",
      `completed ${COMPLETED.id}`,
      "execution busy",
      "busy busy",
      "execution ringing",
    ]);
  });

  it("works without onExecution, and never calls what a status names on Object.prototype", async () => {
    const completed = vi.fn();
    const handler = createWebhookHandler({ onStatus: { completed } });
    for (const status of ["toString", "constructor", "__proto__", "hasOwnProperty", "completed"]) {
      const response = await handler(json({ ...COMPLETED, status }), { remoteAddress: BOLNA_IP });
      expect(response.status, status).toBe(200);
    }
    expect(completed).toHaveBeenCalledTimes(1);
  });

  it("refuses a misspelt status at compile time", () => {
    // @ts-expect-error Bolna spells it "canceled".
    expect(() => createWebhookHandler({ onStatus: { cancelled: () => undefined } })).not.toThrow();
  });
});

describe("refusals: a clear status and no handler call", () => {
  const cases: Array<[string, number, () => Request, string | null]> = [
    ["malformed JSON", 400, () => request('{"id": "x", '), BOLNA_IP],
    ["an empty body", 400, () => request(null), BOLNA_IP],
    ["JSON that is not an execution", 400, () => json({ id: 42, agent_id: "a", status: "completed" }), BOLNA_IP],
    ["an unknown sender", 403, () => json(COMPLETED), "203.0.113.9"],
    ["no sender address", 403, () => json(COMPLETED), null],
    ["Bolna's SIP address (not a webhook sender)", 403, () => json(COMPLETED), "13.200.45.61"],
    ["a GET", 405, () => request(null, { method: "GET" }), BOLNA_IP],
    [
      "text/plain",
      415,
      () => request(JSON.stringify(COMPLETED), { headers: { "content-type": "text/plain" } }),
      BOLNA_IP,
    ],
    [
      "JSON in Latin-1",
      415,
      () => request(JSON.stringify(COMPLETED), { headers: { "content-type": "application/json; charset=latin1" } }),
      BOLNA_IP,
    ],
    ["an announced body over the cap", 413, () => request("x".repeat(2_000)), BOLNA_IP],
  ];

  it.each(cases)("%s: %i", async (_name, status, make, ip) => {
    const { calls, send } = recording({ maxBodyBytes: 1_000 });
    const response = await send(make(), ip);
    expect(response.status).toBe(status);
    expect((await response.json()) as object).toHaveProperty("error");
    expect(calls).toEqual([]);
  });

  it("names the bad fields of an invalid execution", async () => {
    const { send } = recording();
    const [status, body] = await answered(await send(json({ ...COMPLETED, conversation_duration: "68.4" })));
    expect(status).toBe(400);
    expect(body).toMatchObject({ issues: [expect.objectContaining({ path: "$.conversation_duration" })] });
  });

  it("accepts application/json with a UTF-8 charset", async () => {
    const { send } = recording();
    const headers = { "content-type": "Application/JSON; charset=UTF-8" };
    expect((await send(request(JSON.stringify(COMPLETED), { headers }))).status).toBe(200);
  });

  it("stops reading an unannounced body at the cap instead of buffering it", async () => {
    const chunk = new Uint8Array(1_024).fill(0x20);
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(chunk);
      },
    });
    const { calls, send } = recording({ maxBodyBytes: 10_000 });
    expect((await send(request(endless))).status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(12);
    expect(calls).toEqual([]);
  });

  it("drops prototype keys before the handler sees the execution", async () => {
    const { calls, send } = recording();
    const text = JSON.stringify(COMPLETED).replace(/^\{/, '{"__proto__": {"polluted": true}, ');
    expect((await send(request(text))).status).toBe(200);
    expect(Object.hasOwn(calls[0] as object, "__proto__")).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("sender check", () => {
  it("accepts every published address, also IPv4-mapped, and any sender with allowedIps: false", async () => {
    const strict = recording();
    for (const ip of [...BOLNA_WEBHOOK_IPS, `::ffff:${BOLNA_IP}`]) {
      expect((await strict.send(json({ ...COMPLETED, status: ip }), ip)).status, ip).toBe(200);
    }
    const open = recording({ allowedIps: false });
    expect((await open.send(json(COMPLETED), null)).status).toBe(200);
    const own = recording({ allowedIps: ["127.0.0.1"] });
    expect((await own.send(json(COMPLETED), "127.0.0.1")).status).toBe(200);
    expect((await own.send(json(COMPLETED), BOLNA_IP)).status).toBe(403);
  });

  it("ignores X-Forwarded-For unless trustProxy is set", async () => {
    const { send } = recording();
    const forged = json(COMPLETED, { headers: { "x-forwarded-for": BOLNA_IP } });
    expect((await send(forged, "203.0.113.9")).status).toBe(403);
  });

  it("with trustProxy, reads the sender that many entries from the right, where no sender can forge it", async () => {
    const viaProxy = (chain: string, trustProxy: WebhookHandlerOptions["trustProxy"]) =>
      recording({ trustProxy }).send(json(COMPLETED, { headers: { "x-forwarded-for": chain } }), "10.0.0.2");
    expect((await viaProxy(`198.51.100.7, ${BOLNA_IP}`, 1)).status).toBe(200);
    expect((await viaProxy(`198.51.100.7, ${BOLNA_IP}`, true)).status).toBe(200);
    // The sender wrote the left entry itself; the proxy appended the address it really saw.
    expect((await viaProxy(`${BOLNA_IP}, 198.51.100.7`, 1)).status).toBe(403);
    expect((await viaProxy(`${BOLNA_IP}, 10.0.0.1`, 2)).status).toBe(200);
    expect((await viaProxy(BOLNA_IP, 2)).status).toBe(403);
    const noHeader = await recording({ trustProxy: 1 }).send(json(COMPLETED), BOLNA_IP);
    expect(noHeader.status).toBe(403);
  });
});

describe("shared secret", () => {
  const SECRET = "9f8e7d6c5b4a39281706f5e4d3c2b1a0";

  it("is accepted in the webhook_url's query or in the header, and refused when missing or wrong", async () => {
    const { calls, send } = recording({ secret: SECRET });
    const inQuery = json(COMPLETED, { url: `${URL_}?secret=${SECRET}` });
    expect((await send(inQuery)).status).toBe(200);
    const inHeader = json({ ...COMPLETED, status: "busy" }, { headers: { "x-webhook-secret": SECRET } });
    expect((await send(inHeader)).status).toBe(200);
    const refused = [
      json(COMPLETED),
      json(COMPLETED, { url: `${URL_}?secret=${SECRET.slice(0, -1)}` }),
      json(COMPLETED, { headers: { "x-webhook-secret": `${SECRET}0` } }),
      json(COMPLETED, { url: `${URL_}?token=${SECRET}` }),
    ];
    for (const req of refused) {
      const response = await send(req);
      expect(response.status).toBe(403);
      expect(await response.text()).not.toContain(SECRET.slice(0, 8));
    }
    expect(calls).toHaveLength(2);
  });

  it("can be read from other names", async () => {
    const { send } = recording({ secret: SECRET, secretParam: "key", secretHeader: "authorization" });
    expect((await send(json(COMPLETED, { url: `${URL_}?key=${SECRET}` }))).status).toBe(200);
    const header = json({ ...COMPLETED, status: "busy" }, { headers: { authorization: SECRET } });
    expect((await send(header)).status).toBe(200);
  });
});

describe("stores", () => {
  /** An asynchronous store as a Redis or SQL one would be, logging its calls. */
  function loggingStore(answers: Partial<Record<keyof WebhookStore, () => unknown>> = {}) {
    const log: string[] = [];
    const memory = createMemoryWebhookStore();
    const store: WebhookStore = {
      claim: async (key) => (log.push(`claim ${key}`), (answers.claim?.() as never) ?? memory.claim(key)),
      complete: async (key) => (log.push(`complete ${key}`), answers.complete?.() ?? memory.complete(key)),
      release: async (key) => (log.push(`release ${key}`), memory.release(key)),
    };
    return { log, store };
  }
  const KEY = JSON.stringify([COMPLETED.id, "completed"]);

  it("claims, then completes on success or releases on failure", async () => {
    const { log, store } = loggingStore();
    let fail = true;
    const { send } = recording({
      store,
      onExecution: () => {
        if (fail) throw new Error("no");
      },
    });
    expect((await send(json(COMPLETED))).status).toBe(500);
    fail = false;
    expect((await send(json(COMPLETED))).status).toBe(200);
    expect((await send(json(COMPLETED))).status).toBe(200);
    expect(log).toEqual([`claim ${KEY}`, `release ${KEY}`, `claim ${KEY}`, `complete ${KEY}`, `claim ${KEY}`]);
  });

  it("answers 409 to a delivery another instance is handling, and 503 when the store fails", async () => {
    const pending = recording({ store: loggingStore({ claim: () => "pending" }).store });
    expect((await pending.send(json(COMPLETED))).status).toBe(409);
    const errors: unknown[] = [];
    const broken = recording({
      store: loggingStore({
        claim: () => {
          throw new Error("redis down");
        },
      }).store,
      onError: (error) => void errors.push(error),
    });
    expect((await broken.send(json(COMPLETED))).status).toBe(503);
    expect([...pending.calls, ...broken.calls]).toEqual([]);
    expect(errors).toEqual([new Error("redis down")]);
  });

  it("still answers 200 when the handler ran but the store cannot record it, and reports that", async () => {
    const errors: unknown[] = [];
    const failing = loggingStore({
      complete: () => {
        throw new Error("write failed");
      },
    });
    const { calls, send } = recording({ store: failing.store, onError: (error) => void errors.push(error) });
    expect((await send(json(COMPLETED))).status).toBe(200);
    expect(calls).toHaveLength(1);
    expect(errors).toEqual([new Error("write failed")]);
  });

  it("keeps the in-memory store to maxEntries handled pairs, and never forgets one in flight", () => {
    const store = createMemoryWebhookStore({ maxEntries: 3 });
    expect(store.claim("in flight")).toBe("new");
    for (const key of ["a", "b", "c", "d", "e"]) {
      expect(store.claim(key)).toBe("new");
      store.complete(key);
    }
    expect(store.size).toBe(4);
    expect(["a", "b", "c", "d", "e"].map((key) => store.claim(key))).toEqual(["new", "new", "done", "done", "done"]);
    expect(store.claim("in flight")).toBe("pending");
  });
});

describe("configuration", () => {
  const onExecution = () => undefined;
  it.each<[string, WebhookHandlerOptions, RegExp]>([
    ["no handler", {}, /needs onExecution, onStatus or both/],
    ["onStatus not functions", { onStatus: { completed: "yes" } as never }, /onStatus must be an object of functions/],
    ["an empty allowedIps", { onExecution, allowedIps: [] }, /false to accept any sender/],
    ["a non-string address", { onExecution, allowedIps: ["127.0.0.1", 5] as never }, /non-empty array of addresses/],
    ["a negative trustProxy", { onExecution, trustProxy: -1 }, /trustProxy must be true, false or the number/],
    ["a fractional trustProxy", { onExecution, trustProxy: 1.5 }, /trustProxy/],
    ["an empty secret", { onExecution, secret: "" }, /secret must be a non-empty string/],
    ["a zero maxBodyBytes", { onExecution, maxBodyBytes: 0 }, /maxBodyBytes must be a positive integer/],
    ["a store without release", { onExecution, store: { claim: () => "new" } as never }, /claim, complete and release/],
  ])("refuses %s with a ConfigurationError", (_name, options, message) => {
    expect(() => createWebhookHandler(options)).toThrow(message);
  });
});
