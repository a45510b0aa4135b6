/**
 * Receive Bolna's execution-status webhooks with a tiny `node:http` server.
 *
 *   npm run example -- webhook-receiver                       self-test: start, send sample deliveries, check answers
 *   npm run example -- webhook-receiver --serve [--port 8787] [--allow-loopback] [--secret <value>]
 *
 * Bolna POSTs the execution object to the agent's `webhook_url` on every status change. Deliveries are not
 * signed, are retried on a non-2xx answer or a timeout, and can repeat or arrive out of order. So the receiver:
 *  1. accepts only Bolna's documented sender addresses (`isBolnaWebhookIp`); loopback only with --allow-loopback,
 *     for local testing. Behind a reverse proxy, check the client address your proxy reports instead;
 *  2. optionally requires a secret header (`X-Webhook-Secret`), which you add to the agent's webhook settings in
 *     the Bolna dashboard (custom headers);
 *  3. validates the body (`parseExecutionWebhook`, 400 with the bad fields otherwise);
 *  4. answers 200 at once, also to repeats, so Bolna stops retrying, and drops repeats of the same
 *     (`id`, `status`) (`createWebhookDeduplicator`; never on `id` alone: each status is its own event);
 *  5. processes accepted events after answering (here: one log line each).
 * It needs no Bolna API key: it only listens.
 */
import { timingSafeEqual } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
// In your project: import { ... } from "bolna-api-client/webhooks"; and the Execution type from "bolna-api-client".
import type { Execution } from "../src/index.js";
import {
  createWebhookDeduplicator,
  isBolnaWebhookIp,
  parseExecutionWebhook,
  WebhookValidationError,
} from "../src/webhooks.js";
import { runAsScript, withDefaults, type ExampleContext } from "./support/context.js";

/** Tells `npm run example` that this example needs no API (no mock is started for it). */
export const usesApi = false;

const MAX_BODY_BYTES = 1_048_576;
const SECRET_HEADER = "x-webhook-secret";

export interface ReceiverOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default `127.0.0.1`; use `0.0.0.0` to receive from Bolna. */
  host?: string;
  /** Default `/bolna/webhook`. */
  path?: string;
  /** Also accept deliveries from loopback addresses (local tests only). Default false. */
  allowLoopback?: boolean;
  /** When set, deliveries must carry it in the `X-Webhook-Secret` header. */
  secret?: string | undefined;
  /** Called once per accepted (`id`, `status`), after the 200 was sent. */
  onEvent?: (execution: Execution) => void | Promise<void>;
  log?: (line: string) => void;
}

export interface WebhookReceiver {
  /** e.g. `http://127.0.0.1:8787/bolna/webhook` */
  readonly url: string;
  /** Every event accepted so far, in arrival order. */
  readonly accepted: readonly Execution[];
  close(): Promise<void>;
}

function answer(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function secretMatches(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== "string") return false;
  const [a, b] = [Buffer.from(expected), Buffer.from(given)];
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function startWebhookReceiver(options: ReceiverOptions = {}): Promise<WebhookReceiver> {
  const path = options.path ?? "/bolna/webhook";
  const log = options.log ?? ((line: string) => console.log(line));
  const dedup = createWebhookDeduplicator();
  const accepted: Execution[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const sender = req.socket.remoteAddress;
    if (!isBolnaWebhookIp(sender, { allowLoopback: options.allowLoopback })) {
      log(`refused a delivery from ${sender ?? "an unknown address"} (not a Bolna webhook address)`);
      return answer(res, 403, { error: "forbidden" });
    }
    if (new URL(req.url ?? "/", "http://receiver").pathname !== path) return answer(res, 404, { error: "not found" });
    if (req.method !== "POST") return answer(res, 405, { error: "use POST" });
    if (options.secret !== undefined && !secretMatches(options.secret, req.headers[SECRET_HEADER])) {
      return answer(res, 401, { error: "missing or wrong secret header" });
    }
    const body = await readBody(req);
    if (body === undefined) return answer(res, 413, { error: `body larger than ${MAX_BODY_BYTES} bytes` });

    let execution: Execution;
    try {
      execution = parseExecutionWebhook(body);
    } catch (error) {
      if (!(error instanceof WebhookValidationError)) throw error;
      log(`rejected an invalid delivery: ${error.message}`);
      return answer(res, 400, { error: "invalid payload", issues: error.issues });
    }
    if (dedup.isDuplicate(execution)) {
      // Still 200: the sender retried because it missed our first answer; we already have this event.
      return answer(res, 200, { ok: true, duplicate: true });
    }
    answer(res, 200, { ok: true });
    // After answering: slow work here (database, queue) can no longer make Bolna time out and retry.
    setImmediate(() => {
      accepted.push(execution);
      log(`accepted: execution ${execution.id} is ${execution.status}`);
      Promise.resolve(options.onEvent?.(execution)).catch((error: unknown) => {
        log(`processing ${execution.id}/${execution.status} failed: ${String(error)}`);
      });
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`receiver error: ${String(error)}`);
      if (!res.headersSent) answer(res, 500, { error: "internal error" });
    });
  });
  server.listen(options.port ?? 0, options.host ?? "127.0.0.1");
  await once(server, "listening");
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}${path}`,
    accepted,
    close: () =>
      new Promise<void>((done, fail) => {
        server.close((error) => (error ? fail(error) : done()));
        server.closeAllConnections();
      }),
  };
}

/** A delivery as Bolna sends it at `call-disconnected` (trimmed; unknown extra keys are allowed). */
export const SAMPLE_DELIVERY = {
  id: "4c06b4d1-4096-4561-919a-4f94539c8d4a",
  agent_id: "3c90c3cc-0d44-4b50-8888-8dd25736052a",
  batch_id: null,
  status: "call-disconnected",
  conversation_duration: 0,
  total_cost: null,
  transcript: "assistant: How are you doing Bruce?\nuser: Doing well.",
  created_at: "2026-01-28T13:17:50.116924",
  updated_at: "2026-01-28T13:20:58.010203",
  telephony_data: { to_number: "+10123456789", from_number: "+19876543007", call_type: "outbound" },
};

export interface SelfTestResult {
  name: string;
  expected: number;
  status: number;
  body: unknown;
}

async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<[number, unknown]> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  return [response.status, await response.json()];
}

/** Starts two receivers on loopback and checks how they answer typical deliveries. */
export async function selfTest(log: (line: string) => void): Promise<SelfTestResult[]> {
  const results: SelfTestResult[] = [];
  const check = async (name: string, expected: number, sent: Promise<[number, unknown]>) => {
    const [status, body] = await sent;
    results.push({ name, expected, status, body });
    log(`  ${status === expected ? "ok  " : "FAIL"} ${name}: HTTP ${status} ${JSON.stringify(body)}`);
  };

  const receiver = await startWebhookReceiver({
    allowLoopback: true,
    secret: "s3cret",
    log: (l) => log(`  [receiver] ${l}`),
  });
  const strict = await startWebhookReceiver({ log: (l) => log(`  [strict receiver] ${l}`) });
  try {
    log(`Receiver listening on ${receiver.url} (loopback allowed for this test)`);
    const auth = { "X-Webhook-Secret": "s3cret" };
    const disconnected = JSON.stringify(SAMPLE_DELIVERY);
    const completed = JSON.stringify({
      ...SAMPLE_DELIVERY,
      status: "completed",
      conversation_duration: 68.4,
      total_cost: 12.71,
    });
    await check("call-disconnected delivery is accepted", 200, post(receiver.url, disconnected, auth));
    await check(
      "the same delivery again is a duplicate, still answered 200",
      200,
      post(receiver.url, disconnected, auth),
    );
    await check("completed, same id, is a new event", 200, post(receiver.url, completed, auth));
    await check(
      "a body without `status` is rejected",
      400,
      post(receiver.url, JSON.stringify({ id: "x", agent_id: "y" }), auth),
    );
    await check("a body that is not JSON is rejected", 400, post(receiver.url, "{not json", auth));
    await check("a delivery without the secret header is refused", 401, post(receiver.url, disconnected));
    await check("loopback is refused when not allowed", 403, post(strict.url, disconnected, auth));
    // Accepted events are processed after the answer; let those callbacks run before reporting.
    await new Promise((done) => setImmediate(done));
    log(`Accepted events: ${receiver.accepted.map((e) => `${e.id.slice(0, 8)}…/${e.status}`).join(", ")}`);
  } finally {
    await Promise.all([receiver.close(), strict.close()]);
  }
  return results;
}

export async function main(context: ExampleContext): Promise<number> {
  const ctx = withDefaults(context);
  const { values } = parseArgs({
    args: ctx.args,
    options: {
      serve: { type: "boolean", default: false },
      port: { type: "string", default: "8787" },
      host: { type: "string", default: "127.0.0.1" },
      "allow-loopback": { type: "boolean", default: false },
      secret: { type: "string" },
    },
  });
  if (!values.serve) {
    const results = await selfTest(ctx.log);
    const failed = results.filter((r) => r.status !== r.expected);
    ctx.log(
      failed.length === 0
        ? `Self-test passed (${results.length} checks).`
        : `Self-test FAILED: ${failed.length} checks.`,
    );
    return failed.length === 0 ? 0 : 1;
  }

  const receiver = await startWebhookReceiver({
    port: Number(values.port),
    host: values.host,
    allowLoopback: values["allow-loopback"],
    secret: values.secret ?? process.env["WEBHOOK_SECRET"],
    log: ctx.log,
  });
  ctx.log(`Listening on ${receiver.url}; set it as the agent's webhook_url (behind HTTPS). Ctrl-C to stop.`);
  await Promise.race([once(process, "SIGINT"), once(process, "SIGTERM")]);
  await receiver.close();
  ctx.log(`Stopped after ${receiver.accepted.length} accepted events.`);
  return 0;
}

runAsScript(import.meta.url, main);
