/**
 * `npx tsx bench/export-rate-sim.ts [records...]`: scenario (b) in virtual time. The real export (scheduler, walks)
 * and the real rate limiter run against a simulated server (fixed latency, a sliding-window limit counted at
 * arrival, half-way through the latency) on a virtual clock that jumps from one timer to the next. The result does
 * not depend on machine load, which swamps the real-time `export-rate.ts` on a busy machine; what it leaves out
 * is the client's and the server's CPU time. Prints, per dataset size, the time over the steady-rate floor
 * (pages / limit × window), the requests over the pages, and the 429s (which must be 0); each run must return
 * exactly the dataset's records.
 */
import { exportExecutions, type ExecutionListQuery } from "../src/extensions/export/index.js";
import { createRateLimiter, type Sleep } from "../src/extensions/internal/rate-limit.js";
import { pageEnvelope } from "../src/mock/executions.js";
import { ExecutionDataset, type DatasetOptions } from "../test/support/execution-dataset.js";
import { LISTING_LIMITS, windowsOf } from "../test/support/listing-query.js";
import { verifyExact } from "./scenarios.js";

const LATENCY_MS = 40;
const LIMIT = 100;
const WINDOW_MS = 1_000;
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);

/** A clock that only moves when everything runs has settled, straight to the next timer. */
function virtualTime() {
  let now = 0;
  const timers: Array<{ at: number; fire: () => void }> = [];
  const sleep: Sleep = (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = { at: now + ms, fire: resolve };
      timers.push(timer);
      signal?.addEventListener("abort", () => {
        timers.splice(timers.indexOf(timer), 1);
        reject(signal.reason);
      });
    });
  const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  /** Runs `work` to its end in virtual time. */
  async function run<R>(work: Promise<R>): Promise<R> {
    let done = false;
    const watched = work.finally(() => (done = true));
    for (;;) {
      await settle();
      if (done) return watched;
      timers.sort((a, b) => a.at - b.at);
      const next = timers.shift();
      if (next === undefined) throw new Error("the export waits for nothing: deadlock");
      now = Math.max(now, next.at);
      next.fire();
    }
  }
  return { now: () => now, sleep, run };
}

async function simulate(count: number): Promise<void> {
  const options: DatasetOptions = { count, from: "2026-01-01T00:00:00.000Z", to: "2026-01-22T00:00:00.000Z", seed: 3 };
  const data = new ExecutionDataset(options);
  const from = options.from as string;
  const to = options.to as string;
  const pages = windowsOf(from, to).reduce(
    (sum, w) => sum + Math.max(1, Math.ceil(data.range(w.from, w.to).count / LISTING_LIMITS.maxPageSize)),
    0,
  );
  const clock = virtualTime();
  const limiter = createRateLimiter({ windowMs: WINDOW_MS, now: clock.now, sleep: clock.sleep });
  const arrivals: number[] = [];
  let requests = 0;
  let rejected = 0;
  const listPage = async (query: ExecutionListQuery, init: { signal: AbortSignal }): Promise<unknown> => {
    const release = await limiter.acquire("agent-executions", LIMIT, init.signal);
    await clock.sleep(LATENCY_MS / 2, init.signal);
    requests++;
    while (arrivals.length > 0 && (arrivals[0] as number) + WINDOW_MS <= clock.now()) arrivals.shift();
    if (arrivals.length >= LIMIT) rejected++;
    arrivals.push(clock.now());
    await clock.sleep(LATENCY_MS / 2, init.signal);
    release();
    const { first, last, count: total } = data.range(query.from, query.to);
    const skip = (query.page_number - 1) * query.page_size;
    const items = [];
    for (let i = last - skip; i >= first && items.length < query.page_size; i--) items.push(data.record(i));
    return pageEnvelope(query.page_number, query.page_size, total, items);
  };
  const ids: string[] = [];
  await clock.run(
    (async () => {
      const run = exportExecutions<{ id: string }>(listPage, {
        agent_id: data.agentId,
        from,
        to,
        concurrency: CONCURRENCY,
      });
      for await (const record of run) ids.push(record.id);
    })(),
  );
  verifyExact("exportExecutions (simulated)", ids, data, from, to);
  const floorMs = (pages / LIMIT) * WINDOW_MS;
  console.log(
    `${count} records, ${pages} pages: ${clock.now().toFixed(0)} ms = ${(clock.now() / floorMs).toFixed(3)}× floor ` +
      `(${floorMs.toFixed(0)} ms); ${requests} requests = ${(requests / pages).toFixed(3)}× pages; ${rejected} 429s`,
  );
}

const counts = process.argv.slice(2).map(Number);
for (const count of counts.length > 0 ? counts : [10_200, 22_500]) await simulate(count);
