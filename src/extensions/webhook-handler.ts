/**
 * `createWebhookHandler(options)`: a complete receiver for Bolna's execution-status webhooks, as a function from a
 * Web-standard `Request` to a `Response`, so it serves as it is in Next.js route handlers, Hono, Cloudflare
 * Workers, Deno and Bun (and in `node:http` or Express through `toNodeListener`).
 *
 * In order, each refusal answered before anything later is read, and none of them calls your handler:
 *  1. the sender must be one of `allowedIps` (Bolna's published addresses by default): 403 otherwise, also when
 *     the address is unknown. Behind your own proxies, `trustProxy` says how many, and the sender is read from
 *     `X-Forwarded-For`; without it, forwarded headers are ignored (anyone can send them);
 *  2. with `secret`, the request must carry it in the `secret` query parameter of the `webhook_url` or in the
 *     `X-Webhook-Secret` header (compared in constant time, never logged or echoed): 403 otherwise;
 *  3. POST only (405), `application/json` only (415), at most `maxBodyBytes` (413, read no further);
 *  4. the body must be JSON (400) and an execution as the spec describes it (400, with the bad fields);
 *  5. each (`id`, `status`) is handled once: the first delivery calls `onExecution` then `onStatus[status]`, and
 *     is answered 200 once they resolve. A repeat that arrives while the first is running waits for it and gets
 *     the same answer; a later repeat gets 200 at once. If your handler throws, the answer is 500 and the pair is
 *     forgotten, so Bolna's retry is handled afresh.
 * Keep the handlers short (store or enqueue the execution): Bolna also retries a delivery that is answered slowly.
 */
import type { Execution, ExecutionStatus } from "../generated/schema.js";
import { BOLNA_WEBHOOK_IPS } from "../generated/webhooks.js";
import { ConfigurationError } from "./errors.js";
import { isIntegerIn, isObject } from "./internal/guards.js";
import { isJsonMediaType, jsonResponse, readCappedBody, secretEquals } from "./internal/webhook-request.js";
import { isListedIp, senderAddress } from "./internal/webhook-sender.js";
import { createMemoryWebhookStore, webhookKey, type WebhookStore } from "./webhook-store.js";
import { parseExecutionWebhook, WebhookValidationError } from "./webhooks.js";

/** The statuses `onStatus` can route: the documented ones and `prepared`. */
export type KnownExecutionStatus = ExecutionStatus | "prepared";

/** One handler per status, each given the execution with its `status` narrowed. */
export type WebhookStatusHandlers = {
  [S in KnownExecutionStatus]?: (execution: Execution & { status: S }) => unknown;
};

/** What the server knows of the connection that `Request` does not carry. */
export interface WebhookRequestInfo {
  /** The peer's address: `req.socket.remoteAddress` (Node), `server.requestIP(req)?.address` (Bun), … */
  remoteAddress?: string | undefined;
}

export type WebhookHandler = (request: Request, info?: WebhookRequestInfo) => Promise<Response>;

export interface WebhookHandlerOptions {
  /** Called for every new (`id`, `status`), before `onStatus`. */
  onExecution?: ((execution: Execution) => unknown) | undefined;
  /** Called for a new (`id`, `status`) whose status has an entry here: `{ completed(e) {…}, busy(e) {…} }`. */
  onStatus?: WebhookStatusHandlers | undefined;
  /** Accepted sender addresses. Default `BOLNA_WEBHOOK_IPS`; `false` turns the check off. */
  allowedIps?: readonly string[] | false | undefined;
  /**
   * How many proxies of yours stand in front of this server, each appending to `X-Forwarded-For` (nginx, a load
   * balancer, Vercel, Cloudflare); the sender is the entry that many from the right. `true` means 1. Default:
   * none, and forwarded headers are ignored.
   */
  trustProxy?: boolean | number | undefined;
  /**
   * A shared secret you put in the agent's `webhook_url` (`https://you.example/bolna?secret=…`) or in a custom
   * header of its webhook settings (`X-Webhook-Secret`). Deliveries without it are refused.
   */
  secret?: string | undefined;
  /** The query parameter that carries `secret`. Default `secret`. */
  secretParam?: string | undefined;
  /** The header that carries `secret`. Default `X-Webhook-Secret`. */
  secretHeader?: string | undefined;
  /** The largest body read, in bytes. Default 1 MiB (an execution with a long transcript is tens of kB). */
  maxBodyBytes?: number | undefined;
  /** Where handled (`id`, `status`) pairs are remembered. Default: `createMemoryWebhookStore()`, for one process. */
  store?: WebhookStore | undefined;
  /** Told when a handler or the store throws (the delivery is answered 5xx). Default: `console.error`. */
  onError?: ((error: unknown, execution: Execution) => void) | undefined;
}

export const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 1_048_576;

/** How the handling of one (`id`, `status`) ended; repeats in flight at the time get the same answer. */
type Outcome = "handled" | "duplicate" | "failed" | "pending elsewhere" | "store failed";

function refuse(status: number, error: string, headers?: Record<string, string>): Response {
  return jsonResponse(status, { error }, headers);
}

const ANSWERS: Readonly<Record<Outcome, () => Response>> = {
  handled: () => jsonResponse(200, { received: true }),
  duplicate: () => jsonResponse(200, { received: true, duplicate: true }),
  failed: () => refuse(500, "The webhook handler failed; the delivery was not recorded, so a retry will be handled."),
  "pending elsewhere": () => refuse(409, "This delivery is being handled elsewhere; retry later."),
  "store failed": () => refuse(503, "The delivery could not be recorded; retry later."),
};

function proxyHops(trustProxy: WebhookHandlerOptions["trustProxy"]): number {
  if (trustProxy === undefined || trustProxy === false) return 0;
  if (trustProxy === true) return 1;
  if (isIntegerIn(trustProxy, 0, 32)) return trustProxy;
  throw new ConfigurationError(
    `trustProxy must be true, false or the number of proxies in front of this server (0 to 32), got ${String(trustProxy)}.`,
  );
}

function checkedOptions(options: WebhookHandlerOptions) {
  const { onExecution, onStatus, allowedIps = BOLNA_WEBHOOK_IPS, secret, store } = options;
  if (onExecution === undefined && onStatus === undefined) {
    throw new ConfigurationError("createWebhookHandler needs onExecution, onStatus or both: nothing would be called.");
  }
  if (onExecution !== undefined && typeof onExecution !== "function") {
    throw new ConfigurationError("onExecution must be a function.");
  }
  if (onStatus !== undefined && (!isObject(onStatus) || Object.values(onStatus).some((f) => typeof f !== "function"))) {
    throw new ConfigurationError("onStatus must be an object of functions by status, e.g. { completed(e) {…} }.");
  }
  const isAddressList = (list: unknown): boolean =>
    Array.isArray(list) && list.length > 0 && list.every((ip) => typeof ip === "string" && ip.trim() !== "");
  if (allowedIps !== false && !isAddressList(allowedIps)) {
    throw new ConfigurationError(
      "allowedIps must be a non-empty array of addresses, or false to accept any sender (default: Bolna's).",
    );
  }
  if (secret !== undefined && (typeof secret !== "string" || secret === "")) {
    throw new ConfigurationError("secret must be a non-empty string (or left out).");
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BODY_BYTES;
  if (!isIntegerIn(maxBodyBytes, 1)) {
    throw new ConfigurationError(`maxBodyBytes must be a positive integer, got ${String(maxBodyBytes)}.`);
  }
  if (
    store !== undefined &&
    !["claim", "complete", "release"].every((m) => typeof store[m as keyof WebhookStore] === "function")
  ) {
    throw new ConfigurationError("store must have claim, complete and release methods (see WebhookStore).");
  }
  return {
    onExecution,
    onStatus,
    allowedIps,
    hops: proxyHops(options.trustProxy),
    secret,
    secretParam: options.secretParam ?? "secret",
    secretHeader: options.secretHeader ?? "x-webhook-secret",
    maxBodyBytes,
    store: store ?? createMemoryWebhookStore(),
    onError:
      options.onError ?? ((error: unknown, execution: Execution) => console.error(failureLine(execution), error)),
  };
}

function failureLine(execution: Execution): string {
  return `Bolna webhook for execution ${JSON.stringify(execution.id)} (${JSON.stringify(execution.status)}) failed:`;
}

/** A receiver for Bolna's execution-status webhooks; see the module comment for what it checks and answers. */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const config = checkedOptions(options);
  const { store, onError } = config;
  /** Pairs being handled in this process: a repeat waits for the first and gets its answer. */
  const inFlight = new Map<string, Promise<Outcome>>();

  function statusHandler(execution: Execution): ((execution: Execution) => unknown) | undefined {
    const { onStatus } = config;
    // Own keys only: a status such as "constructor" or "toString" must not reach Object.prototype.
    if (onStatus === undefined || !Object.hasOwn(onStatus, execution.status)) return undefined;
    return onStatus[execution.status as KnownExecutionStatus] as (execution: Execution) => unknown;
  }

  /** Never rejects: every failure becomes an outcome (and is reported). */
  async function handleOnce(key: string, execution: Execution): Promise<Outcome> {
    let claim: unknown;
    try {
      claim = await store.claim(key);
    } catch (error) {
      onError(error, execution);
      return "store failed";
    }
    if (claim === "done") return "duplicate";
    if (claim !== "new") return "pending elsewhere";
    try {
      await config.onExecution?.(execution);
      await statusHandler(execution)?.(execution);
    } catch (error) {
      onError(error, execution);
      await Promise.resolve()
        .then(() => store.release(key))
        .catch((releaseError: unknown) => onError(releaseError, execution));
      return "failed";
    }
    // The handler ran: answer 200 even if the store cannot say so, or Bolna would deliver it again.
    await Promise.resolve()
      .then(() => store.complete(key))
      .catch((error: unknown) => onError(error, execution));
    return "handled";
  }

  async function deliver(execution: Execution): Promise<Response> {
    const key = webhookKey(execution);
    const running = inFlight.get(key);
    if (running !== undefined) {
      const outcome = await running;
      return ANSWERS[outcome === "handled" ? "duplicate" : outcome]();
    }
    const outcome = handleOnce(key, execution);
    inFlight.set(key, outcome);
    try {
      return ANSWERS[await outcome]();
    } finally {
      inFlight.delete(key);
    }
  }

  function secretGiven(request: Request): boolean {
    const secret = config.secret as string;
    let fromQuery: string | null = null;
    try {
      fromQuery = new URL(request.url).searchParams.get(config.secretParam);
    } catch {
      // A Request always has an absolute URL; a hand-made stand-in without one simply has no query secret.
    }
    // Both compared, whichever matched, so the time taken does not tell which place was checked last.
    const inQuery = secretEquals(secret, fromQuery);
    const inHeader = secretEquals(secret, request.headers.get(config.secretHeader));
    return inQuery || inHeader;
  }

  return async function handleBolnaWebhook(request, info = {}) {
    if (config.allowedIps !== false) {
      const sender = senderAddress(request.headers, info.remoteAddress, config.hops);
      if (sender === undefined || !isListedIp(sender, config.allowedIps)) {
        return refuse(403, "Sender not allowed: not one of the allowed webhook addresses, or unknown.");
      }
    }
    if (config.secret !== undefined && !secretGiven(request)) {
      return refuse(403, "Missing or wrong webhook secret.");
    }
    if (request.method !== "POST") return refuse(405, "Use POST.", { allow: "POST" });
    if (!isJsonMediaType(request.headers.get("content-type"))) {
      return refuse(415, "Content-Type must be application/json (UTF-8).");
    }
    let body: Uint8Array | "too large";
    try {
      body = await readCappedBody(request, config.maxBodyBytes);
    } catch {
      return refuse(400, "The request body could not be read.");
    }
    if (body === "too large") return refuse(413, `The body is larger than ${config.maxBodyBytes} bytes.`);
    let execution: Execution;
    try {
      execution = parseExecutionWebhook(body);
    } catch (error) {
      if (!(error instanceof WebhookValidationError)) throw error;
      return jsonResponse(400, { error: error.message, issues: error.issues });
    }
    return deliver(execution);
  };
}
