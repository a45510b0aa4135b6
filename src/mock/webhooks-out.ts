/**
 * The stateful mock's webhook deliveries: each status change of a call is POSTed, as JSON, to its agent's
 * `webhook_url`, the way Bolna sends them.
 *
 * - A non-2xx answer, a refused connection or no answer within 10 s is retried, up to `MAX_ATTEMPTS` tries in all,
 *   after 1, 2, 4 and 8 s (times `timeScale`). Each try carries `X-Mock-Attempt: <n>`.
 * - By default the deliveries of one call arrive one after the other, in lifecycle order (a delivery and its
 *   retries finish before the next status is sent). `outOfOrder` swaps each pair of statuses (`initiated` before
 *   `queued`, `in-progress` before `ringing`, …), as a receiver must be ready for; `duplicates` (a probability)
 *   sends a delivery twice. Both follow the seed.
 * - Only loopback URLs (`localhost`, 127.0.0.0/8, `::1`) are called unless `allowNonLoopback` is set, so a mock
 *   started with a copied production agent cannot post test calls to a real server. A URL that is skipped is
 *   reported once, as a process warning.
 */
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Execution } from "../generated/schema.js";
import { isLoopbackHost } from "../extensions/internal/loopback.js";
import { roll } from "./seeded-hash.js";
import type { Timers } from "./state.js";

export interface MockWebhookOptions {
  /** Probability (0 to 1) that a delivery is sent twice. Default 0. */
  duplicates?: number;
  /** Deliver each pair of a call's statuses in swapped order. Default false. */
  outOfOrder?: boolean;
  /** Also call webhook URLs that are not loopback addresses. Default false. */
  allowNonLoopback?: boolean;
}

export const MAX_ATTEMPTS = 5;
const FIRST_RETRY_MS = 1_000;
const ATTEMPT_TIMEOUT_MS = 10_000;

interface Delivery {
  readonly url: string;
  readonly body: string;
  readonly number: number;
}

export class WebhookSender {
  /** Per execution, the end of its deliveries so far: the next one is chained after it. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Per execution, with `outOfOrder`: the delivery held back until the next status is sent. */
  private readonly held = new Map<string, Delivery>();
  // node:http with keep-alive rather than fetch: a fraction of the CPU per delivery, which counts when a hundred
  // calls post six statuses each.
  private readonly agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  private closed = false;
  private readonly warned = new Set<string>();
  private deliveries = 0;

  constructor(
    private readonly options: MockWebhookOptions,
    private readonly timeScale: number,
    private readonly seed: number,
    private readonly timers: Timers,
  ) {}

  /** Sends `execution` as it is now to `url` (when one is set and allowed); `last` is its final status. */
  send(url: string | null | undefined, execution: Execution, last: boolean): void {
    if (url == null || url === "" || !this.allowed(url)) return;
    const delivery = { url, body: JSON.stringify(execution), number: this.deliveries++ };
    const id = execution.id;
    if (!this.options.outOfOrder) return this.enqueue(id, delivery, last);
    const earlier = this.held.get(id);
    this.held.delete(id);
    if (earlier === undefined && !last) return void this.held.set(id, delivery);
    this.enqueue(id, delivery, last && earlier === undefined);
    if (earlier !== undefined) this.enqueue(id, earlier, last);
  }

  /** Stops every delivery under way; none is sent after this. */
  close(): void {
    this.closed = true;
    this.agents.http.destroy();
    this.agents.https.destroy();
    this.chains.clear();
    this.held.clear();
  }

  private allowed(url: string): boolean {
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      return this.warnOnce(url, `The mock skips webhook_url ${JSON.stringify(url)}: it is not a URL.`);
    }
    if (this.options.allowNonLoopback || isLoopbackHost(host)) return true;
    return this.warnOnce(
      url,
      `The mock skips webhook_url ${url}: it only calls loopback addresses unless started with ` +
        `webhooks: { allowNonLoopback: true } (--allow-remote-webhooks).`,
    );
  }

  private warnOnce(url: string, message: string): false {
    if (!this.warned.has(url)) {
      this.warned.add(url);
      process.emitWarning(message, "BolnaMockWarning");
    }
    return false;
  }

  private enqueue(id: string, delivery: Delivery, last: boolean): void {
    const copies = roll(this.seed, delivery.number, 0x0d0b) < (this.options.duplicates ?? 0) ? 2 : 1;
    let chain = this.chains.get(id) ?? Promise.resolve();
    for (let copy = 0; copy < copies; copy++) chain = chain.then(() => this.deliver(delivery));
    if (last) {
      this.chains.delete(id);
      return void chain;
    }
    this.chains.set(id, chain);
  }

  /** One delivery with its retries; resolves when it was accepted, given up or the mock closed. */
  private async deliver(delivery: Delivery): Promise<void> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS && !this.closed; attempt++) {
      if (await this.post(delivery, attempt)) return;
      if (attempt < MAX_ATTEMPTS) await this.wait(FIRST_RETRY_MS * 2 ** (attempt - 1) * this.timeScale);
    }
  }

  /** One try: whether it got a 2xx answer within `ATTEMPT_TIMEOUT_MS`. */
  private post(delivery: Delivery, attempt: number): Promise<boolean> {
    return new Promise((resolve) => {
      const secure = delivery.url.startsWith("https:");
      const send = secure ? httpsRequest : httpRequest;
      const outgoing = send(delivery.url, {
        method: "POST",
        agent: secure ? this.agents.https : this.agents.http,
        timeout: ATTEMPT_TIMEOUT_MS,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(delivery.body),
          "user-agent": "bolna-api-client-mock",
          "x-mock-attempt": String(attempt),
        },
      });
      outgoing.once("response", (answer) => {
        answer.resume();
        answer.once("end", () => resolve((answer.statusCode ?? 0) >= 200 && (answer.statusCode ?? 0) < 300));
        answer.once("error", () => resolve(false));
      });
      outgoing.once("timeout", () => outgoing.destroy(new Error("timed out")));
      outgoing.once("error", () => resolve(false));
      outgoing.end(delivery.body);
    });
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => this.timers.after(ms, resolve));
  }
}
