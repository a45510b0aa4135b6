/**
 * Measures what a webhook receiver retains while it handles many distinct deliveries, in a fresh process (forked by
 * `bench/webhooks.ts` with `--expose-gc`). It receives a `WebhookMemoryJob` over IPC and sends back a
 * `WebhookMemoryResult`.
 *
 * Every delivery is a real `Request` through `createWebhookHandler` (sender check off, body parsed and validated),
 * `concurrency` at a time, each a new (`id`, `status`). After a warm-up, a full GC gives the baseline; then the
 * live heap (`heapUsed` right after a full GC) is sampled every `sampleEvery` deliveries.
 * - `store: "default"`: `createMemoryWebhookStore()`, the handler's default;
 * - `store: "unbounded"`: the control, a store that never forgets (what a receiver deduplicating with a `Set` or a
 *   table it never prunes keeps), to show what is retained per delivery.
 */
import { createMemoryWebhookStore, createWebhookHandler, type WebhookStore } from "../src/webhooks.js";

export interface WebhookMemoryJob {
  store: "default" | "unbounded";
  deliveries: number;
  warmup: number;
  concurrency: number;
  sampleEvery: number;
}

export interface WebhookMemoryResult {
  baseHeap: number;
  /** `[deliveries so far, heapUsed after a full GC]` */
  samples: Array<[number, number]>;
  /** Keys the store holds at the end. */
  storeSize: number;
  handled: number;
  ms: number;
}

function unboundedStore(): WebhookStore & { readonly size: number } {
  const seen = new Map<string, "pending" | "done">();
  return {
    claim(key) {
      const state = seen.get(key);
      if (state !== undefined) return state;
      seen.set(key, "pending");
      return "new";
    },
    complete: (key) => seen.set(key, "done"),
    release: (key) => seen.delete(key),
    get size() {
      return seen.size;
    },
  };
}

const STATUSES = ["initiated", "ringing", "in-progress", "call-disconnected", "completed"] as const;

/** Delivery `n`: five statuses per call, so 100 000 deliveries are 20 000 calls, each pair new. */
function delivery(n: number): Request {
  const id = `${Math.floor(n / STATUSES.length)
    .toString(16)
    .padStart(8, "0")}-4096-4561-919a-4f94539c8d4a`;
  const body = JSON.stringify({
    id,
    agent_id: "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    status: STATUSES[n % STATUSES.length],
    created_at: "2026-01-28T13:17:50.116924",
    telephony_data: { to_number: "+10123456789", provider: "twilio" },
  });
  return new Request("http://receiver.local/bolna", {
    method: "POST",
    body,
    headers: { "content-type": "application/json" },
  });
}

async function measure(job: WebhookMemoryJob): Promise<WebhookMemoryResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run with --expose-gc");
  let handled = 0;
  const receiver = () => {
    const store = job.store === "default" ? createMemoryWebhookStore() : unboundedStore();
    return { store, handler: createWebhookHandler({ allowedIps: false, store, onExecution: () => void handled++ }) };
  };
  /** Sends deliveries `from` … `to - 1`, `concurrency` at a time. */
  const run = async (handler: (request: Request) => Promise<Response>, from: number, to: number): Promise<void> => {
    for (let next = from; next < to;) {
      const batch: Array<Promise<Response>> = [];
      for (let i = 0; i < job.concurrency && next < to; i++) batch.push(handler(delivery(next++)));
      for (const response of await Promise.all(batch)) {
        if (response.status !== 200) throw new Error(`delivery answered ${response.status}`);
      }
    }
  };
  // The warm-up (JIT, lazily loaded code) runs on a receiver of its own, discarded before the baseline.
  await run(receiver().handler, job.deliveries, job.deliveries + job.warmup);
  const { store, handler } = receiver();
  handled = 0;
  gc();
  gc();
  const baseHeap = process.memoryUsage().heapUsed;
  const samples: Array<[number, number]> = [];
  const started = performance.now();
  for (let done = job.sampleEvery; done <= job.deliveries; done += job.sampleEvery) {
    await run(handler, done - job.sampleEvery, done);
    gc();
    samples.push([done, process.memoryUsage().heapUsed]);
  }
  return { baseHeap, samples, storeSize: store.size, handled, ms: performance.now() - started };
}

process.once("message", (job: WebhookMemoryJob) => {
  measure(job).then(
    (result) => process.send?.({ ok: true, result }, () => process.exit(0)),
    (error: unknown) => process.send?.({ ok: false, error: String(error) }, () => process.exit(1)),
  );
});
