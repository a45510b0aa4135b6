/**
 * `npx tsx bench/export-rate.ts [runs] [records]`: scenario (b) of `run.ts` alone, so a change to the export's
 * scheduling or the limiter can be measured in seconds. The export runs against a fake Bolna in its own process
 * (40 ms per request, 100 requests per 1 s sliding window) with the client's limiter at the same limit, `runs`
 * times (default 5), and prints per run: the time over the steady-rate floor (pages / limit × window), the
 * requests over the pages, the 429s, and where the time went (the first request's start, the gaps with nothing in
 * flight, the tail after the last grant-limited request). Each run must return exactly the server's records.
 */
import { ExecutionDataset, type DatasetOptions } from "../test/support/execution-dataset.js";
import { LISTING_LIMITS, windowsOf } from "../test/support/listing-query.js";
import { seconds } from "./report.js";
import { ourExport, verifyExact } from "./scenarios.js";
import { startServerProcess } from "./server-process.js";

const LATENCY_MS = 40;
const LIMIT = 100;
const WINDOW_MS = 1_000;
const CONCURRENCY = 8;

const runs = Number(process.argv[2] ?? 5);
const count = Number(process.argv[3] ?? 22_500);
const dataset: DatasetOptions = { count, from: "2026-01-01T00:00:00.000Z", to: "2026-01-22T00:00:00.000Z", seed: 3 };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const server = await startServerProcess({
    dataset,
    latencyMs: LATENCY_MS,
    rateLimit: { limit: LIMIT, windowMs: WINDOW_MS },
  });
  try {
    const data = new ExecutionDataset(dataset);
    const from = dataset.from as string;
    const to = dataset.to as string;
    const pages = windowsOf(from, to).reduce(
      (sum, w) => sum + Math.max(1, Math.ceil(data.range(w.from, w.to).count / LISTING_LIMITS.maxPageSize)),
      0,
    );
    const floorMs = (pages / LIMIT) * WINDOW_MS;
    console.log(`${data.range(from, to).count} records, ${pages} pages, floor ${seconds(floorMs)}`);
    const timeRatios: number[] = [];
    const requestRatios: number[] = [];
    for (let run = 0; run <= runs; run++) {
      const spans: Array<[number, number]> = [];
      const timed = async (request: Request): Promise<Response> => {
        const span: [number, number] = [performance.now(), 0];
        spans.push(span);
        const response = await fetch(request);
        span[1] = performance.now();
        return response;
      };
      const started = performance.now();
      const result = await ourExport(server.url, data.agentId, from, to, {
        concurrency: CONCURRENCY,
        limit: LIMIT,
        windowMs: WINDOW_MS,
        fetch: timed,
      });
      const stats = await server.stats(true);
      verifyExact("exportExecutions", result.ids, data, from, to);
      // Time with nothing in flight, from the start to the last response.
      let idleMs = 0;
      let busyUntil = started;
      for (const [sent, answered] of spans.sort((a, b) => a[0] - b[0])) {
        if (sent > busyUntil) idleMs += sent - busyUntil;
        busyUntil = Math.max(busyUntil, answered);
      }
      const lastSent = Math.max(...spans.map(([sent]) => sent));
      const label = run === 0 ? "warm-up" : `run ${run}`;
      console.log(
        `${label}: ${seconds(result.ms)} = ${(result.ms / floorMs).toFixed(3)}× floor; ` +
          `${stats.listRequests} requests = ${(stats.listRequests / pages).toFixed(3)}× pages; ` +
          `${stats.rateLimited} 429s; idle ${idleMs.toFixed(0)} ms; last send at ${(lastSent - started).toFixed(0)} ms, ` +
          `end ${(busyUntil - started).toFixed(0)} ms`,
      );
      if (run > 0) {
        timeRatios.push(result.ms / floorMs);
        requestRatios.push(stats.listRequests / pages);
      }
      await sleep(WINDOW_MS + 100);
      await server.stats(true);
    }
    const spread = (values: number[]): string => {
      const sorted = [...values].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)] as number;
      return `${sorted[0]?.toFixed(3)}–${sorted[sorted.length - 1]?.toFixed(3)} (median ${median.toFixed(3)})`;
    };
    console.log(`time ÷ floor: ${spread(timeRatios)}; requests ÷ pages: ${spread(requestRatios)}`);
  } finally {
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error("export-rate failed:", error);
  process.exitCode = 1;
});
