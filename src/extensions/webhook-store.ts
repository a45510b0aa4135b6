/**
 * Where `createWebhookHandler` remembers which deliveries it has handled, keyed on (`id`, `status`).
 *
 * A store is three calls, each may be synchronous or return a promise:
 *  - `claim(key)`: atomically records `key` as being handled and answers `"new"`; or answers what is already
 *    recorded: `"pending"` (being handled, maybe by another instance) or `"done"`;
 *  - `complete(key)`: the user's handler succeeded, so later repeats are `"done"`;
 *  - `release(key)`: the user's handler failed, so forget `key` and let Bolna's retry be handled.
 * The in-memory default (`createMemoryWebhookStore`) serves one process. Several instances behind a load balancer
 * need a shared store; with Redis (node-redis v4 shown) it is:
 *
 * ```ts
 * const store: WebhookStore = {
 *   async claim(key) {
 *     // EX: a crashed instance's "pending" entry expires, and Bolna's next retry is handled.
 *     if (await redis.set(`bolna:${key}`, "pending", { NX: true, EX: 600 })) return "new";
 *     return (await redis.get(`bolna:${key}`)) === "done" ? "done" : "pending";
 *   },
 *   complete: (key) => redis.set(`bolna:${key}`, "done", { EX: 7 * 86_400 }),
 *   release: (key) => redis.del(`bolna:${key}`),
 * };
 * ```
 *
 * and with SQL (a table `bolna_webhooks (key text primary key, state text)`), `claim` is an
 * `INSERT … ON CONFLICT DO NOTHING` that answers `"new"` when it inserted a row and the row's `state` otherwise,
 * `complete` an `UPDATE … SET state = 'done'`, `release` a `DELETE`.
 */
import { BolnaError } from "./errors.js";
import { isIntegerIn } from "./internal/guards.js";

/** What a store already knows of a key: nothing (`"new"`, now claimed), handling in progress, or handled. */
export type WebhookClaim = "new" | "pending" | "done";

type MaybePromise<T> = T | Promise<T>;

/** A de-duplication store for `createWebhookHandler` (see the module comment for Redis and SQL versions). */
export interface WebhookStore {
  /** Records `key` as pending and answers `"new"` if it was unknown; otherwise answers its state. Must be atomic. */
  claim(key: string): MaybePromise<WebhookClaim>;
  /** Marks `key` handled. */
  complete(key: string): MaybePromise<unknown>;
  /** Forgets `key` (its handler failed), so a retried delivery is handled. */
  release(key: string): MaybePromise<unknown>;
}

/** The in-memory store: synchronous, so it also backs `createWebhookDeduplicator`. */
export interface MemoryWebhookStore extends WebhookStore {
  claim(key: string): WebhookClaim;
  complete(key: string): void;
  release(key: string): void;
  /** Keys remembered: the handled ones kept (at most `maxEntries`) plus those being handled now. */
  readonly size: number;
}

/** Handled deliveries the in-memory store remembers by default. */
export const DEFAULT_WEBHOOK_STORE_ENTRIES = 10_000;

/**
 * One process's store: remembers the last `maxEntries` handled keys (default 10 000), oldest forgotten first, plus
 * the keys being handled right now (as many as deliveries in flight). Its memory is bounded whatever the traffic;
 * Bolna retries within minutes, far inside that window at any realistic call rate.
 */
export function createMemoryWebhookStore(options: { maxEntries?: number } = {}): MemoryWebhookStore {
  const maxEntries = options.maxEntries ?? DEFAULT_WEBHOOK_STORE_ENTRIES;
  if (!isIntegerIn(maxEntries, 1)) {
    throw new BolnaError(`maxEntries must be a positive integer, got ${String(maxEntries)}.`);
  }
  const pending = new Set<string>();
  // A Set iterates in insertion order, so its first key is the oldest handled one.
  const done = new Set<string>();
  return {
    claim(key) {
      if (done.has(key)) return "done";
      if (pending.has(key)) return "pending";
      pending.add(key);
      return "new";
    },
    complete(key) {
      pending.delete(key);
      done.add(key);
      if (done.size > maxEntries) done.delete(done.values().next().value as string);
    },
    release(key) {
      pending.delete(key);
    },
    get size() {
      return pending.size + done.size;
    },
  };
}

/**
 * The store key of a delivery. JSON of the pair cannot collide however `id` and `status` are chosen, and keeps
 * `status: null` apart from `""`. Never the `id` alone: each status of a call is its own event.
 */
export function webhookKey(event: { id: string; status?: string | null | undefined }): string {
  return JSON.stringify([event.id, event.status ?? null]);
}
