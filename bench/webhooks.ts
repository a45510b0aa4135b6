/**
 * `npm run bench:webhooks`: the memory a webhook receiver built on `createWebhookHandler` keeps while it handles
 * 100 000 distinct deliveries (each a new (`id`, `status`)), with the default in-memory store, next to a control
 * store that never forgets. Each runs in a fresh process (`webhook-memory-child.ts`, `--expose-gc`) and reports the
 * live heap after a full GC every 10 000 deliveries, over its baseline.
 *
 * The default store's bound is `DEFAULT_WEBHOOK_STORE_ENTRIES` handled pairs (plus those in flight, at most the
 * concurrency). Once it has turned over once (2× the bound: the first time it fills, its hash table still grows to
 * the size that the steady add-one-drop-one pattern needs), the live heap must stop growing, so the target is
 * that the growth at 100 000 deliveries is no more than 1.2× the growth at twice the bound (linear growth: 5×).
 * A report, not a test: it exits 0 whether the target is met or missed, non-zero only when something breaks.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { DEFAULT_WEBHOOK_STORE_ENTRIES } from "../src/webhooks.js";
import { mib, printTable, verdict, type Row } from "./report.js";
import type { WebhookMemoryJob, WebhookMemoryResult } from "./webhook-memory-child.js";

const DELIVERIES = 100_000;
const JOB = { deliveries: DELIVERIES, warmup: 5_000, concurrency: 100, sampleEvery: 10_000 } as const;
const TARGET = 1.2;

function runChild(store: WebhookMemoryJob["store"]): Promise<WebhookMemoryResult> {
  const child = fork(fileURLToPath(new URL("./webhook-memory-child.ts", import.meta.url)), [], {
    execArgv: [...process.execArgv, "--expose-gc"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("message", (message: { ok: true; result: WebhookMemoryResult } | { ok: false; error: string }) => {
      if (message.ok) resolve(message.result);
      else reject(new Error(`webhook memory child: ${message.error}`));
    });
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(`webhook memory child exited with ${code}`));
    });
    child.send({ ...JOB, store } satisfies WebhookMemoryJob);
  });
}

const growthAt = (result: WebhookMemoryResult, deliveries: number): number =>
  (result.samples.find(([n]) => n === deliveries)?.[1] ?? Number.NaN) - result.baseHeap;

export async function webhookMemoryReport(): Promise<{ rows: Row[]; notes: string[] }> {
  const ours = await runChild("default");
  const control = await runChild("unbounded");
  for (const result of [ours, control]) {
    if (result.handled !== DELIVERIES) throw new Error(`handled ${result.handled} of ${DELIVERIES} deliveries`);
  }
  // The first sample at or past twice the bound: the store has turned over once, and is at its steady size.
  const full = JOB.sampleEvery * Math.ceil((2 * DEFAULT_WEBHOOK_STORE_ENTRIES) / JOB.sampleEvery);
  const ratio = growthAt(ours, DELIVERIES) / growthAt(ours, full);
  const perDelivery = growthAt(control, DELIVERIES) / DELIVERIES;
  const show = (result: WebhookMemoryResult) =>
    result.samples.map(([n]) => `${n / 1000}k +${mib(growthAt(result, n))}`).join(", ");
  const rows: Row[] = [
    {
      measurement: `(g) webhook handler, default store: live heap growth, ${DELIVERIES / 1000}k vs ${full / 1000}k deliveries`,
      ours: `100k: +${mib(growthAt(ours, DELIVERIES))}`,
      baseline: `${full / 1000}k: +${mib(growthAt(ours, full))}`,
      ratio: `${ratio.toFixed(2)}×`,
      target: `≤ ${TARGET}× (linear: ${DELIVERIES / full}×)`,
      result: verdict(ratio <= TARGET),
    },
    {
      measurement: "(g) control: a store that never forgets, growth at 100k",
      ours: `default: +${mib(growthAt(ours, DELIVERIES))}`,
      baseline: `never forgets: +${mib(growthAt(control, DELIVERIES))}`,
      ratio: `${(growthAt(control, DELIVERIES) / growthAt(ours, DELIVERIES)).toFixed(1)}×`,
      target: "—",
      result: "info",
    },
  ];
  const notes = [
    `(g) Bound: ${DEFAULT_WEBHOOK_STORE_ENTRIES} handled (id, status) pairs plus those in flight (≤ ${JOB.concurrency} ` +
      `here); held at the end: ${ours.storeSize} (control: ${control.storeSize}). At the control's ` +
      `${perDelivery.toFixed(0)} B retained per delivery, the bound is ≈ ` +
      `${mib(perDelivery * DEFAULT_WEBHOOK_STORE_ENTRIES)}. Live heap over the baseline after each 10k: ` +
      `default ${show(ours)}; control ${show(control)}. ${DELIVERIES} deliveries as Requests through the ` +
      `handler (parsed, validated), ${JOB.concurrency} at a time, in ${(ours.ms / 1000).toFixed(1)} s.`,
  ];
  return { rows, notes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  webhookMemoryReport().then(
    ({ rows, notes }) => {
      printTable(rows);
      for (const note of notes) console.log(note);
    },
    (error: unknown) => {
      console.error("bench failed:", error);
      process.exitCode = 1;
    },
  );
}
