/**
 * The pieces of a webhook receiver (`createWebhookHandler` in `webhook-handler.ts` puts them together).
 *
 * Bolna POSTs the execution object to an agent's `webhook_url` on every status change. Deliveries are not
 * signed, can repeat (Bolna retries on non-2xx or timeout) and can arrive out of order, so a receiver needs:
 *  - `parseExecutionWebhook(body)`: JSON text/bytes/object → typed `Execution`, or a `WebhookValidationError`
 *    listing every bad field (validated against the spec's webhook schema, unknown extra keys allowed). It returns
 *    a copy without `__proto__`, `constructor` and `prototype` keys at any depth, so spreading or `Object.assign`
 *    of the result cannot change a prototype; a payload nested deeper than 64 levels is refused;
 *  - `createWebhookDeduplicator()`: drops repeats keyed on (`id`, `status`), never on `id` alone, because each
 *    status of one call is a separate, meaningful event; `status: null` and `status: ""` are different keys;
 *  - `BOLNA_WEBHOOK_IPS` / `isBolnaWebhookIp(ip)`: the documented sender addresses, the only origin check
 *    Bolna offers besides custom headers you configure yourself (`{ allowLoopback: true }` for local tests).
 * This module is the `bolna-api-client/webhooks` entry point, kept out of the main bundle.
 */
import { BOLNA_WEBHOOK_IPS, webhookBodySchemas, webhookComponentSchemas } from "../generated/webhooks.js";
import type { Execution } from "../generated/schema.js";
import { BolnaError } from "./errors.js";
import { validateJsonSchema, type SchemaIssue } from "./internal/json-schema.js";
import { isLoopbackHost } from "./internal/loopback.js";
import { isListedIp } from "./internal/webhook-sender.js";
import { createMemoryWebhookStore, webhookKey } from "./webhook-store.js";

export { BOLNA_WEBHOOK_IPS };
export type { SchemaIssue };

/** The webhook body did not parse or did not match the execution schema. */
export class WebhookValidationError extends BolnaError {
  override name = "WebhookValidationError";
  /** Every problem found, each with the JSON path of the bad value. */
  readonly issues: readonly SchemaIssue[];

  constructor(issues: readonly SchemaIssue[]) {
    const shown = issues.slice(0, 10).map((i) => `${i.path} ${i.message}`);
    const more = issues.length > shown.length ? `; and ${issues.length - shown.length} more` : "";
    super(`Invalid Bolna webhook payload: ${shown.join("; ")}${more}`);
    this.issues = issues;
  }
}

const EXECUTION_WEBHOOK = "executionStatus";

function decode(body: unknown): unknown {
  if (typeof body !== "string" && !(body instanceof Uint8Array)) return body;
  const text = typeof body === "string" ? body : new TextDecoder().decode(body);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new WebhookValidationError([{ path: "$", message: `is not valid JSON (${(error as Error).message})` }]);
  }
}

/** Keys that reach an object's prototype when copied with `Object.assign` or a spread, or mutate a class. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);
/** Far deeper than any execution object; deeper payloads are refused rather than walked. */
const MAX_DEPTH = 64;

/** A copy of a JSON value without prototype keys; plain objects and arrays only. */
function withoutPrototypeKeys(value: unknown, depth = 0): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (depth >= MAX_DEPTH) {
    throw new WebhookValidationError([{ path: "$", message: `is nested more than ${MAX_DEPTH} levels deep` }]);
  }
  if (Array.isArray(value)) return value.map((item: unknown) => withoutPrototypeKeys(item, depth + 1));
  const entries = Object.entries(value).filter(([key]) => !PROTOTYPE_KEYS.has(key));
  // fromEntries defines own data properties, so no key of the copy can reach its prototype.
  return Object.fromEntries(entries.map(([key, item]) => [key, withoutPrototypeKeys(item, depth + 1)]));
}

/**
 * Parses and validates one execution-status webhook delivery. Pass the raw body (string or bytes) or an
 * already-parsed object. Throws `WebhookValidationError` with every bad field.
 */
export function parseExecutionWebhook(body: unknown): Execution {
  const value = withoutPrototypeKeys(decode(body));
  const schema = webhookBodySchemas[EXECUTION_WEBHOOK];
  if (schema === undefined) throw new BolnaError(`The spec defines no ${EXECUTION_WEBHOOK} webhook.`);
  const issues = validateJsonSchema(schema, value, webhookComponentSchemas);
  if (issues.length > 0) throw new WebhookValidationError(issues);
  return value as Execution;
}

export interface WebhookDeduplicator {
  /** True when this (`id`, `status`) pair was already seen; records it otherwise. */
  isDuplicate(event: { id: string; status?: string | null }): boolean;
  /** Number of pairs currently remembered. */
  readonly size: number;
}

/**
 * Remembers the last `maxEntries` (`id`, `status`) pairs (default 10 000), oldest forgotten first, so a
 * long-running receiver uses bounded memory. Retried deliveries arrive within minutes, far inside that window.
 * `createWebhookHandler` does this for you (and also handles concurrent repeats and failed handlers).
 */
export function createWebhookDeduplicator(options: { maxEntries?: number } = {}): WebhookDeduplicator {
  const store = createMemoryWebhookStore(options);
  return {
    isDuplicate(event) {
      const key = webhookKey(event);
      if (store.claim(key) !== "new") return true;
      store.complete(key);
      return false;
    },
    get size() {
      return store.size;
    },
  };
}

export interface WebhookIpOptions {
  /**
   * Also accept this machine's own addresses (127.0.0.0/8, `::1`, their IPv4-mapped forms), for trying a receiver
   * locally. Never set it on a receiver that sits behind a proxy on the same machine: every delivery through the
   * proxy comes from loopback. Default false.
   */
  allowLoopback?: boolean | undefined;
}

/** True when `ip` (e.g. `req.socket.remoteAddress`) is one of Bolna's documented webhook senders. */
export function isBolnaWebhookIp(ip: string | undefined | null, options: WebhookIpOptions = {}): boolean {
  if (typeof ip !== "string") return false;
  if (options.allowLoopback === true && isLoopbackHost(ip)) return true;
  return isListedIp(ip, BOLNA_WEBHOOK_IPS);
}
