/**
 * Measures the memory of one bulk export in a fresh process, for `bench/run.ts` (forked with `--expose-gc` and the
 * small fixed heap it chooses, the same for every run).
 *
 * It receives a `MemoryJob` over IPC, warms the client up on [from, warmupTo], collects garbage, takes the
 * baseline, then exports [from, to] discarding every record, and sends back a `MemoryResult` (bytes):
 * - mode `peak` (no forced GC, so V8 sizes its heap, within the cap, as it would for a user): `peakRss`, the largest
 *   resident set seen (sampled after every page, plus the kernel's high-water mark if it rose during the export),
 *   and `peakHeap`, the largest `heapUsed` sampled after every page (garbage included);
 * - mode `live`: `peakLiveHeap`, the largest `heapUsed` right after a full GC forced every `GC_EVERY_PAGES`
 *   pages, i.e. what the export actually retains. The forced GCs change how V8 sizes its heap, which is why this
 *   runs in a process of its own.
 * - mode `loop`: a control without the client: seed 002's loop (plain `fetch`, one page at a time while `has_more`,
 *   per window as wide as the API allows) over the same range, records discarded, measured like `peak`; it shows
 *   how much the runtime itself (V8's heap sizing, undici's buffers) grows the resident set when this much JSON
 *   flows through.
 * `base*` are the same right before the measured run.
 */
import { createBolnaClient } from "../src/index.js";

export interface MemoryJob {
  url: string;
  agentId: string;
  from: string;
  to: string;
  warmupTo: string;
  mode: "peak" | "live" | "loop";
  /** For `loop`: the widest window and the largest page the API accepts (the parent reads them from the spec). */
  maxWindowMs: number;
  maxPageSize: number;
}

export interface MemoryResult {
  records: number;
  pages: number;
  ms: number;
  baseRss: number;
  baseHeap: number;
  peakRss: number;
  peakHeap: number;
  peakLiveHeap: number;
}

const GC_EVERY_PAGES = 100;

/** The control: plain `fetch`, page after page while `has_more`, per widest window; counts what it discards. */
async function plainLoop(job: MemoryJob, to: string, onPage: () => void): Promise<number> {
  let records = 0;
  for (let start = Date.parse(job.from); start < Date.parse(to); start += job.maxWindowMs) {
    const end = Math.min(start + job.maxWindowMs, Date.parse(to));
    for (let page = 1; ; page++) {
      const query = new URLSearchParams({
        page_size: String(job.maxPageSize),
        page_number: String(page),
        from: new Date(start).toISOString(),
        to: new Date(end).toISOString(),
      });
      const response = await fetch(`${job.url}/v2/agent/${job.agentId}/executions?${query}`, {
        headers: { Authorization: "Bearer bench-key" },
      });
      const body = (await response.json()) as { has_more: boolean; data: unknown[] };
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      records += body.data.length;
      onPage();
      if (!body.has_more) break;
    }
  }
  return records;
}

async function measure(job: MemoryJob): Promise<MemoryResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run with --expose-gc");
  const bolna = createBolnaClient({ apiKey: "bench-key", baseUrl: job.url, rateLimit: false, env: {} });
  if (job.mode === "loop") {
    await plainLoop(job, job.warmupTo, () => undefined);
  } else {
    for await (const record of bolna.exportExecutions({ agent_id: job.agentId, from: job.from, to: job.warmupTo })) {
      void record;
    }
  }
  gc();
  gc();
  const baseRss = process.memoryUsage.rss();
  const baseHeap = process.memoryUsage().heapUsed;
  const highWaterBefore = process.resourceUsage().maxRSS * 1024;
  let peakRss = baseRss;
  let peakHeap = baseHeap;
  let peakLiveHeap = baseHeap;
  let pages = 0;
  let records = 0;
  const started = performance.now();
  const onPage = (): void => {
    pages++;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    if (job.mode === "live" && pages % GC_EVERY_PAGES === 0) {
      gc();
      peakLiveHeap = Math.max(peakLiveHeap, process.memoryUsage().heapUsed);
    }
  };
  if (job.mode === "loop") {
    records = await plainLoop(job, job.to, onPage);
  } else {
    const run = bolna.exportExecutions({ agent_id: job.agentId, from: job.from, to: job.to, onProgress: onPage });
    for await (const record of run) {
      if (record.id) records++;
    }
  }
  const ms = performance.now() - started;
  // The kernel's high-water mark (KiB) catches peaks between samples, but only if it rose during the measured run
  // (otherwise it is the start-up's or the warm-up's).
  const highWaterAfter = process.resourceUsage().maxRSS * 1024;
  if (highWaterAfter > highWaterBefore) peakRss = Math.max(peakRss, highWaterAfter);
  return { records, pages, ms, baseRss, baseHeap, peakRss, peakHeap, peakLiveHeap };
}

process.once("message", (job: MemoryJob) => {
  measure(job).then(
    (result) => process.send?.({ ok: true, result }, () => process.exit(0)),
    (error: unknown) => process.send?.({ ok: false, error: String(error) }, () => process.exit(1)),
  );
});
