/**
 * `npm run bench`: how the bulk export and the client compare with what users would otherwise write, measured in one
 * run against local fake Bolna servers (`fake-bolna.ts`, each in its own process). A report, not a test: it exits 0
 * whether targets are met or missed, and non-zero only when something breaks (an error, or an export that did not
 * return exactly the server's records).
 *
 * (a) docs recipe vs `exportExecutions`: the seed-002 loop (one request at a time while `has_more`, plain `fetch`,
 *     run per 7-day window because the live API refuses wider ones) and our export fetch the same records from the
 *     same server (40 ms added per listing request, 100 requests per 1 s sliding window). The recipe's pace
 *     (≈ 25 requests/s) stays under that limit, so it never sees a 429: it is timed at its best.
 * (b) the same export run vs the rate-limit floor: the least time the server's limit allows for that many requests,
 *     floor((requests − 1) / limit) × window + latency (it assumes `limit` requests fired at once). The client's
 *     limiter is set to the server's exact limit. Also shown, without a target: the steady-rate floor
 *     (requests / limit × window), and the same export with the client's window 5% longer than the server's.
 * (c) peak memory of exporting 10 000 and 100 000 records (consumer discards them), each in a fresh process against
 *     a server without latency or limit, growth over the baseline taken after a warm-up: peak RSS (the target) and,
 *     in separate processes, the live heap after forced full GCs and, as a control, the peak RSS of the docs loop
 *     (plain fetch, no client) over the same records (`memory-child.ts`).
 * (d) per-request time of `bolna.getAgent()` vs raw `fetch` + `json()` of the same URL (no latency, no rate limit,
 *     sequential, after a warm-up, interleaved blocks, median of block means).
 */
import { fork } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { createBolnaClient } from "../src/index.js";
import { ExecutionDataset, MAX_PAGE_SIZE, type DatasetOptions } from "./fake-bolna.js";
import type { MemoryJob, MemoryResult } from "./memory-child.js";
import { startServerProcess, type ServerProcess } from "./server-process.js";

const DAY_MS = 86_400_000;
const API_KEY = "bench-key";

// (a), (b): production is 500 requests/min; here the window is 1 s and the limit 100, with 40 ms per request. That
// keeps limit × latency = 4 requests in flight at the limit, as in production at ~480 ms per page (time scaled 12×).
const LATENCY_MS = 40;
const LIMIT = 100;
const WINDOW_MS = 1_000;
const EXPORT_CONCURRENCY = 8;
const MAIN_DATASET: DatasetOptions = {
  count: 22_500,
  from: "2026-01-01T00:00:00.000Z",
  to: "2026-01-22T00:00:00.000Z",
  seed: 3,
};
const WARMUP_TO = "2026-01-01T03:00:00.000Z";

// (c)
const MEMORY_DATASET: DatasetOptions = {
  count: 100_000,
  from: "2025-06-01T00:00:00.000Z",
  to: "2025-10-19T00:00:00.000Z", // 140 days, so the first 14 hold exactly 10 000 records
  seed: 5,
};
const MEMORY_TARGET = 1.5;

// (d)
const OVERHEAD_WARMUP = 500;
const OVERHEAD_BLOCKS = 30;
const OVERHEAD_BLOCK_SIZE = 100;

interface Row {
  measurement: string;
  ours: string;
  baseline: string;
  ratio: string;
  target: string;
  result: "PASS" | "MISS" | "info";
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The ≤ 7-day windows the live API needs, the same cut the export makes. */
function windowsOf(from: string, to: string, days = 7): Array<{ from: string; to: string }> {
  const out: Array<{ from: string; to: string }> = [];
  for (let start = Date.parse(from); ; start += days * DAY_MS) {
    const end = Math.min(start + days * DAY_MS, Date.parse(to));
    out.push({ from: new Date(start).toISOString(), to: new Date(end).toISOString() });
    if (end === Date.parse(to)) return out;
  }
}

/** Seed 002's loop, per window: request page after page while `has_more`, stop at the first non-200. */
async function docsRecipe(url: string, agentId: string, from: string, to: string): Promise<{ ids: string[]; errors: number }> {
  const ids: string[] = [];
  let errors = 0;
  for (const window of windowsOf(from, to)) {
    let pageNumber = 1;
    for (;;) {
      const query = new URLSearchParams({
        page_size: "50",
        page_number: String(pageNumber),
        from: window.from,
        to: window.to,
      });
      const response = await fetch(`${url}/v2/agent/${agentId}/executions?${query}`, {
        headers: { Authorization: `Bearer ${API_KEY}`, "Content-Type": "application/json" },
      });
      const body = (await response.json()) as { has_more?: boolean; data?: Array<{ id: string }> };
      if (response.status !== 200) {
        errors++;
        break;
      }
      for (const item of body.data ?? []) ids.push(item.id);
      if (body.has_more) pageNumber++;
      else break;
    }
  }
  return { ids, errors };
}

function benchClient(url: string, rateLimit: boolean, windowMs = WINDOW_MS, onSend?: (status: number) => void) {
  return createBolnaClient({
    apiKey: API_KEY,
    baseUrl: url,
    env: {},
    rateLimit: rateLimit ? { windowMs, limits: { "agent-executions": LIMIT } } : false,
    ...(onSend && {
      fetch: async (request: Request) => {
        const response = await fetch(request);
        onSend(response.status);
        return response;
      },
    }),
  });
}

async function ourExport(
  url: string,
  agentId: string,
  from: string,
  to: string,
  windowMs = WINDOW_MS,
): Promise<{ ids: string[]; ms: number; sent: number; status429: number }> {
  let sent = 0;
  let status429 = 0;
  const bolna = benchClient(url, true, windowMs, (status) => {
    sent++;
    if (status === 429) status429++;
  });
  const ids: string[] = [];
  const started = performance.now();
  for await (const record of bolna.exportExecutions({ agent_id: agentId, from, to, concurrency: EXPORT_CONCURRENCY })) {
    ids.push(record.id);
  }
  return { ids, ms: performance.now() - started, sent, status429 };
}

/** Throws unless `ids` are exactly the dataset's records in [from, to], each once. */
function verify(what: string, ids: string[], dataset: ExecutionDataset, from: string, to: string): void {
  const wanted = new Set(dataset.listingOrder(from, to).map((index) => dataset.id(index)));
  const got = new Set(ids);
  const missing = [...wanted].filter((id) => !got.has(id)).length;
  if (got.size !== ids.length || got.size !== wanted.size || missing > 0) {
    throw new Error(
      `${what} returned ${ids.length} records (${got.size} distinct, ${missing} missing); the server has ${wanted.size}`,
    );
  }
}

function runMemoryChild(job: MemoryJob): Promise<MemoryResult> {
  const child = fork(fileURLToPath(new URL("./memory-child.ts", import.meta.url)), [], {
    execArgv: [...process.execArgv, "--expose-gc"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("message", (message: { ok: true; result: MemoryResult } | { ok: false; error: string }) => {
      if (message.ok) resolve(message.result);
      else reject(new Error(`memory child: ${message.error}`));
    });
    child.once("exit", (code) => code !== 0 && reject(new Error(`memory child exited with code ${code}`)));
    child.send(job);
  });
}

async function overhead(url: string, agentId: string): Promise<{ ours: number; raw: number; blockRatios: number[] }> {
  const bolna = benchClient(url, false);
  const target = `${url}/v2/agent/${agentId}`;
  const raw = async (): Promise<void> => {
    const response = await fetch(target, { headers: { Authorization: `Bearer ${API_KEY}` } });
    await response.json();
    if (!response.ok) throw new Error(`raw fetch: HTTP ${response.status}`);
  };
  const ours = async (): Promise<void> => {
    await bolna.getAgent({ agent_id: agentId });
  };
  for (let i = 0; i < OVERHEAD_WARMUP; i++) {
    await raw();
    await ours();
  }
  const time = async (step: () => Promise<void>): Promise<number> => {
    const started = performance.now();
    for (let i = 0; i < OVERHEAD_BLOCK_SIZE; i++) await step();
    return ((performance.now() - started) / OVERHEAD_BLOCK_SIZE) * 1000;
  };
  const oursUs: number[] = [];
  const rawUs: number[] = [];
  for (let block = 0; block < OVERHEAD_BLOCKS; block++) {
    // Alternate which goes first, so drift (GC, other load) hits both alike.
    if (block % 2 === 0) {
      rawUs.push(await time(raw));
      oursUs.push(await time(ours));
    } else {
      oursUs.push(await time(ours));
      rawUs.push(await time(raw));
    }
  }
  return { ours: median(oursUs), raw: median(rawUs), blockRatios: oursUs.map((value, n) => value / (rawUs[n] as number)) };
}

function printTable(rows: Row[]): void {
  const headers: Row = {
    measurement: "Measurement",
    ours: "Ours",
    baseline: "Baseline (same run)",
    ratio: "Ratio",
    target: "Target",
    result: "info",
  };
  const keys = ["measurement", "ours", "baseline", "ratio", "target", "result"] as const;
  const width = Object.fromEntries(
    keys.map((key) => [key, Math.max(key === "result" ? 6 : 0, ...[headers, ...rows].map((row) => row[key].length))]),
  ) as Record<(typeof keys)[number], number>;
  const line = (row: Row, isHeader = false): string =>
    `| ${keys.map((key) => (isHeader && key === "result" ? "Result" : row[key]).padEnd(width[key])).join(" | ")} |`;
  console.log(line(headers, true));
  console.log(`|${keys.map((key) => "-".repeat(width[key] + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  const totalStarted = performance.now();
  const servers: ServerProcess[] = [];
  try {
    console.log(
      `bench: node ${process.version}, ${availableParallelism()} CPUs, load average ${loadavg()
        .map((value) => value.toFixed(2))
        .join(" ")}`,
    );
    const listing = await startServerProcess({
      dataset: MAIN_DATASET,
      latencyMs: LATENCY_MS,
      rateLimit: { limit: LIMIT, windowMs: WINDOW_MS },
    });
    servers.push(listing);
    const dataset = new ExecutionDataset(MAIN_DATASET);
    const from = MAIN_DATASET.from as string;
    const to = MAIN_DATASET.to as string;
    const records = dataset.range(from, to).count;
    const requests = windowsOf(from, to).reduce(
      (sum, window) => sum + Math.max(1, Math.ceil(dataset.range(window.from, window.to).count / MAX_PAGE_SIZE)),
      0,
    );

    // Warm both paths up (JIT, connections), then let the server's window empty.
    await docsRecipe(listing.url, dataset.agentId, from, WARMUP_TO);
    await ourExport(listing.url, dataset.agentId, from, WARMUP_TO);
    await sleep(WINDOW_MS + 100);
    await listing.stats(true);

    console.log(`(a) docs recipe: ${records} records, ${requests} requests, one at a time …`);
    const recipeStarted = performance.now();
    const recipe = await docsRecipe(listing.url, dataset.agentId, from, to);
    const recipeMs = performance.now() - recipeStarted;
    const recipeStats = await listing.stats(true);
    if (recipe.errors > 0) throw new Error(`the docs recipe got ${recipe.errors} non-200 answers and lost records`);
    verify("the docs recipe", recipe.ids, dataset, from, to);
    await sleep(WINDOW_MS + 100);

    console.log(`(a)(b) exportExecutions, concurrency ${EXPORT_CONCURRENCY}, client limiter ${LIMIT}/${WINDOW_MS} ms …`);
    const ours = await ourExport(listing.url, dataset.agentId, from, to);
    const exportStats = await listing.stats(true);
    verify("exportExecutions", ours.ids, dataset, from, to);
    await sleep(WINDOW_MS + 100);

    // Not a target: the same export with the client's window 5% longer than the server's, to show what the 429s
    // at the window edges (the client's limit matching the server's exactly) cost.
    const marginWindowMs = Math.round(WINDOW_MS * 1.05);
    console.log(`(b') the same with the client's window at ${marginWindowMs} ms …`);
    const margin = await ourExport(listing.url, dataset.agentId, from, to, marginWindowMs);
    verify("exportExecutions (margin)", margin.ids, dataset, from, to);

    console.log("(d) per-request overhead: getAgent vs raw fetch …");
    const cost = await overhead(listing.url, dataset.agentId);

    console.log("(c) peak memory: 10 000 and 100 000 records, each in a fresh process …");
    const memoryServer = await startServerProcess({ dataset: MEMORY_DATASET });
    servers.push(memoryServer);
    const memoryData = new ExecutionDataset(MEMORY_DATASET);
    const memFrom = MEMORY_DATASET.from as string;
    const job = (to: string, mode: MemoryJob["mode"]): MemoryJob => ({
      url: memoryServer.url,
      agentId: memoryData.agentId,
      from: memFrom,
      to,
      warmupTo: new Date(Date.parse(memFrom) + DAY_MS).toISOString(),
      mode,
    });
    const tenTo = new Date(Date.parse(memFrom) + 14 * DAY_MS - 1).toISOString();
    const hundredTo = MEMORY_DATASET.to as string;
    const small = await runMemoryChild(job(tenTo, "peak"));
    const large = await runMemoryChild(job(hundredTo, "peak"));
    const smallLive = await runMemoryChild(job(tenTo, "live"));
    const largeLive = await runMemoryChild(job(hundredTo, "live"));
    const smallLoop = await runMemoryChild(job(tenTo, "loop"));
    const largeLoop = await runMemoryChild(job(hundredTo, "loop"));
    for (const [result, to] of [
      [smallLoop, tenTo],
      [largeLoop, hundredTo],
      [small, tenTo],
      [large, hundredTo],
      [smallLive, tenTo],
      [largeLive, hundredTo],
    ] as const) {
      const wanted = memoryData.range(memFrom, to).count;
      if (result.records !== wanted) throw new Error(`memory run exported ${result.records} of ${wanted} records`);
    }

    // ---- report
    const floorMs = Math.floor((requests - 1) / LIMIT) * WINDOW_MS + LATENCY_MS;
    const steadyMs = (requests / LIMIT) * WINDOW_MS;
    const speedup = recipeMs / ours.ms;
    const toFloor = ours.ms / floorMs;
    const rssGrowth = (r: MemoryResult): number => r.peakRss - r.baseRss;
    const liveGrowth = (r: MemoryResult): number => r.peakLiveHeap - r.baseHeap;
    const heapGrowth = (r: MemoryResult): number => r.peakHeap - r.baseHeap;
    const memoryRatio = rssGrowth(large) / rssGrowth(small);
    const overheadRatio = cost.ours / cost.raw;
    const verdict = (ok: boolean): Row["result"] => (ok ? "PASS" : "MISS");

    const rows: Row[] = [
      {
        measurement: `(a) ${records} records, ${LATENCY_MS} ms/request: export vs docs recipe`,
        ours: `export ${seconds(ours.ms)}`,
        baseline: `recipe ${seconds(recipeMs)}`,
        ratio: `${speedup.toFixed(2)}× faster`,
        target: "≥ 3×",
        result: verdict(speedup >= 3),
      },
      {
        measurement: `(b) ${requests} requests at ${LIMIT}/${WINDOW_MS} ms: export vs rate-limit floor`,
        ours: `export ${seconds(ours.ms)}`,
        baseline: `floor ${seconds(floorMs)}`,
        ratio: `${toFloor.toFixed(2)}×`,
        target: "≤ 1.10×",
        result: verdict(toFloor <= 1.1),
      },
      {
        measurement: `(b) same run vs steady-rate floor (requests / limit)`,
        ours: `export ${seconds(ours.ms)}`,
        baseline: `steady ${seconds(steadyMs)}`,
        ratio: `${(ours.ms / steadyMs).toFixed(2)}×`,
        target: "—",
        result: "info",
      },
      {
        measurement: `(b') same, client window ${marginWindowMs} ms (5% margin)`,
        ours: `export ${seconds(margin.ms)}`,
        baseline: `floor ${seconds(floorMs)}`,
        ratio: `${(margin.ms / floorMs).toFixed(2)}×`,
        target: "—",
        result: "info",
      },
      {
        measurement: "(c) peak RSS growth, 100 000 vs 10 000 records",
        ours: `100k: +${mib(rssGrowth(large))}`,
        baseline: `10k: +${mib(rssGrowth(small))}`,
        ratio: `${memoryRatio.toFixed(2)}×`,
        target: `≤ ${MEMORY_TARGET}× (linear: 10×)`,
        result: verdict(memoryRatio <= MEMORY_TARGET),
      },
      {
        measurement: "(c) peak live heap growth (after GC), 100k vs 10k",
        ours: `100k: +${mib(liveGrowth(largeLive))}`,
        baseline: `10k: +${mib(liveGrowth(smallLive))}`,
        ratio: `${(liveGrowth(largeLive) / liveGrowth(smallLive)).toFixed(2)}×`,
        target: "—",
        result: "info",
      },
      {
        measurement: "(c) control: docs loop, plain fetch, peak RSS growth",
        ours: `100k: +${mib(rssGrowth(largeLoop))}`,
        baseline: `10k: +${mib(rssGrowth(smallLoop))}`,
        ratio: `${(rssGrowth(largeLoop) / rssGrowth(smallLoop)).toFixed(2)}×`,
        target: "—",
        result: "info",
      },
      {
        measurement: "(d) per request, no latency: getAgent vs raw fetch",
        ours: `${cost.ours.toFixed(0)} µs`,
        baseline: `fetch ${cost.raw.toFixed(0)} µs`,
        ratio: `${overheadRatio.toFixed(2)}×`,
        target: "≤ 1.15×",
        result: verdict(overheadRatio <= 1.15),
      },
    ];
    console.log("");
    printTable(rows);
    console.log("");
    console.log(
      `Notes: server answers every listing request ${LATENCY_MS} ms late and allows ${LIMIT} per ${WINDOW_MS} ms ` +
        `(sliding, counted at arrival; 429 with retry-after-ms beyond). ` +
        `Recipe: ${recipeStats.listRequests} requests, ${recipeStats.rateLimited} got 429. ` +
        `Export (concurrency ${EXPORT_CONCURRENCY}, client limiter ${LIMIT}/${WINDOW_MS} ms): ${ours.sent} requests ` +
        `sent, ${exportStats.rateLimited} got 429. With the 5% margin: ${margin.sent} sent, ${margin.status429} got 429. ` +
        `Ceiling of (a) here: recipe pace ≈ 1/${LATENCY_MS} ms vs limit ${LIMIT}/s ≈ ${((LIMIT * (recipeMs / requests)) / 1000).toFixed(1)}×.`,
    );
    console.log(
      `Memory (fresh process, records discarded): 10k → peak RSS ${mib(small.peakRss)} (base ${mib(small.baseRss)}), ` +
        `peak heap +${mib(heapGrowth(small))}; 100k → peak RSS ${mib(large.peakRss)} (base ${mib(large.baseRss)}), ` +
        `peak heap +${mib(heapGrowth(large))}; ${large.pages} pages in ${seconds(large.ms)}.`,
    );
    console.log(
      `Overhead: ${OVERHEAD_BLOCKS} interleaved blocks of ${OVERHEAD_BLOCK_SIZE} sequential requests each, after ` +
        `${OVERHEAD_WARMUP} warm-up pairs; block ratios min ${Math.min(...cost.blockRatios).toFixed(2)}, median ` +
        `${median(cost.blockRatios).toFixed(2)}, max ${Math.max(...cost.blockRatios).toFixed(2)}.`,
    );
    console.log(`Total bench time ${seconds(performance.now() - totalStarted)}.`);
  } finally {
    await Promise.all(servers.map((server) => server.close()));
  }
}

main().catch((error: unknown) => {
  console.error("bench failed:", error);
  process.exitCode = 1;
});
