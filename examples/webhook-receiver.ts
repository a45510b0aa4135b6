/**
 * Receive Bolna's execution-status webhooks with a tiny `node:http` server built on `createWebhookHandler`.
 *
 *   npm run example -- webhook-receiver                       self-test: start, send sample deliveries, check answers
 *   npm run example -- webhook-receiver --serve [--port 8787] [--allow-loopback] [--secret <value>]
 *
 * Bolna POSTs the execution object to the agent's `webhook_url` on every status change. Deliveries are not
 * signed, are retried on a non-2xx answer or a timeout, and can repeat or arrive out of order. The handler:
 *  1. accepts only Bolna's published sender addresses (loopback too with --allow-loopback, for local tests; behind
 *     a reverse proxy, set `trustProxy` to the number of proxies instead);
 *  2. with --secret, requires it in the URL's query (`?secret=…`, the easy way: put it in the agent's
 *     `webhook_url`) or the `X-Webhook-Secret` header (a custom header in the agent's webhook settings);
 *  3. validates the body (400 with the bad fields otherwise);
 *  4. calls `onExecution` once per (`id`, `status`), answers 200 when it resolves (repeats get 200 at once), and
 *     500 if it throws, so Bolna retries and the retry is handled.
 * Keep `onExecution` short (store the event, or enqueue it): Bolna also retries deliveries answered slowly.
 * It needs no Bolna API key: it only listens.
 */
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
// In your project: import { ... } from "bolna-api-client/webhooks"; and the Execution type from "bolna-api-client".
import type { Execution } from "../src/index.js";
import { BOLNA_WEBHOOK_IPS, createWebhookHandler, toNodeListener } from "../src/webhooks.js";
import { runAsScript, withDefaults, type ExampleContext } from "./support/context.js";

/** Tells `npm run example` that this example needs no API (no mock is started for it). */
export const usesApi = false;

export interface ReceiverOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default `127.0.0.1`; use `0.0.0.0` to receive from Bolna. */
  host?: string;
  /** Default `/bolna/webhook`. */
  path?: string;
  /** Also accept deliveries from this machine (local tests only). Default false. */
  allowLoopback?: boolean;
  /** When set, deliveries must carry it (query `secret` or header `X-Webhook-Secret`). */
  secret?: string | undefined;
  /** Called once per (`id`, `status`); the delivery is answered 200 when it resolves, 500 if it throws. */
  onEvent?: (execution: Execution) => void | Promise<void>;
  log?: (line: string) => void;
}

export interface WebhookReceiver {
  /** e.g. `http://127.0.0.1:8787/bolna/webhook` */
  readonly url: string;
  /** Every event handled so far, in arrival order. */
  readonly accepted: readonly Execution[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(options: ReceiverOptions = {}): Promise<WebhookReceiver> {
  const path = options.path ?? "/bolna/webhook";
  const log = options.log ?? ((line: string) => console.log(line));
  const accepted: Execution[] = [];
  const listener = toNodeListener(
    createWebhookHandler({
      allowedIps: options.allowLoopback ? [...BOLNA_WEBHOOK_IPS, "127.0.0.1", "::1"] : BOLNA_WEBHOOK_IPS,
      secret: options.secret,
      onExecution: async (execution) => {
        await options.onEvent?.(execution);
        accepted.push(execution);
        log(`accepted: execution ${execution.id} is ${execution.status}`);
      },
      onError: (error, execution) => log(`processing ${execution.id}/${execution.status} failed: ${String(error)}`),
    }),
  );

  const server = createServer((req, res) => {
    if (new URL(req.url ?? "/", "http://receiver").pathname === path) return listener(req, res);
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
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

  let failNext = false;
  const receiver = await startWebhookReceiver({
    allowLoopback: true,
    secret: "s3cret",
    log: (l) => log(`  [receiver] ${l}`),
    onEvent: () => {
      if (!failNext) return;
      failNext = false;
      throw new Error("database unavailable");
    },
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
    failNext = true;
    await check(
      "completed, same id, fails to process: 500, so Bolna retries",
      500,
      post(receiver.url, completed, auth),
    );
    await check("the retry of completed is processed", 200, post(`${receiver.url}?secret=s3cret`, completed));
    await check(
      "a body without `status` is rejected",
      400,
      post(receiver.url, JSON.stringify({ id: "x", agent_id: "y" }), auth),
    );
    await check("a body that is not JSON is rejected", 400, post(receiver.url, "{not json", auth));
    await check("a delivery without the secret is refused", 403, post(receiver.url, disconnected));
    await check("loopback is refused when not allowed", 403, post(strict.url, disconnected, auth));
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
