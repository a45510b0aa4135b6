/**
 * Per-request cost of the client over raw `fetch`: (d) of `bench/run.ts`, and a standalone A/B tool for changes to
 * the request path:
 *
 *   npx tsx bench/overhead.ts [--baseline <dir>] [--stub] [--rounds 6000] [--validate-responses]
 *
 * Each variant makes sequential `GET /v2/agent/{id}` calls to a fake Bolna in its own process (no latency, no
 * limit) and parses the JSON:
 * - `raw`: `fetch(url, { headers })` + `response.json()`, the least any client can do;
 * - `openapi-fetch`: openapi-fetch's own `GET` with the client's default headers and nothing of ours: the floor
 *   the client cannot go below while its calls go through openapi-fetch (it builds a `Request`, which `fetch` then
 *   copies, and merges headers, URL and response parsing on every call);
 * - `client.GET`: the client's raw `bolna.GET(...)`: openapi-fetch plus our transport (route, timeout, retry
 *   policy), without the generated method's argument check;
 * - `client`: `bolna.getAgent()` from this checkout (no rate limiter): argument check, the URL and headers built
 *   without openapi-fetch's `Request` (`direct-request.ts`), transport (timeout, retry policy, size-capped read) and
 *   the same JSON parse;
 * - `validateResponses`, with `--validate-responses`: `client` with `validateResponses: "warn"`, so each answer
 *   is also checked against the spec (over loopback the fake answers the spec's example agent, a typical body);
 * - `baseline`, with `--baseline <dir>`: the same from another checkout's `src/` (e.g. `git archive HEAD src`
 *   unpacked next to a `node_modules` link), so a change is compared before/after in one process. The copy reads
 *   slower than `client` even when both are the same code (0.03–0.04× of raw over loopback), so compare against an
 *   A/A run (`--baseline` a copy of this checkout) rather than against zero.
 * `--stub` replaces the global `fetch` with one that builds the `Request` as undici does and answers a canned 200
 * at once: no sockets, so the client's own CPU cost shows without the network's noise (with `--validate-responses`,
 * the canned body is the spec's example agent, as the fake answers, so the check runs on a typical body).
 *
 * On a noisy machine: after a warm-up, the variants take turns request by request (the order rotating) and each
 * request is timed on its own; a variant is summarised by its median request (a GC pause or a stall of the machine
 * lands on few requests and barely moves it) and, for reference, its mean.
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import createClient from "openapi-fetch";
import type { paths } from "../src/generated/schema.js";
import { createBolnaClient } from "../src/index.js";
import { DEFAULT_AGENT_ID } from "../test/support/execution-dataset.js";
import { successExample } from "../test/support/spec-examples.js";
import { startServerProcess } from "./server-process.js";

type CreateClient = typeof createBolnaClient;

export interface OverheadOptions {
  url: string;
  agentId: string;
  /** Other builds of the client to time alongside this one, by name. */
  baselines?: Record<string, CreateClient>;
  /** Untimed rounds first (JIT, connection). Default 500. */
  warmup?: number;
  /** Timed rounds; each makes one request per variant. Default 4 000. */
  rounds?: number;
  /** Also time `client` with `validateResponses` on. Default `false`. */
  validateResponses?: boolean;
}

export interface OverheadResult {
  /** Per variant (`raw`, `openapi-fetch`, `client.GET`, `client`, then the baselines): the median request, in µs. */
  medianUs: Record<string, number>;
  /** Per variant: the mean request, in µs (GC pauses included, but also every stall of a noisy machine). */
  meanUs: Record<string, number>;
  /** `client` ÷ `raw` of the medians in each tenth of the rounds, to show how stable the ratio is. */
  sliceRatios: number[];
  rounds: number;
  warmup: number;
}

const API_KEY = "bench-key";

/** openapi-fetch alone, configured like the client (base URL, the same four default headers). */
function openapiFetchOf(url: string, agentId: string): () => Promise<void> {
  const headers = { "User-Agent": "bench", "X-Bolna-Client": "bench", Authorization: `Bearer ${API_KEY}` };
  const client = createClient<paths>({ baseUrl: url, headers });
  return async () => {
    const { error } = await client.GET("/v2/agent/{agent_id}", { params: { path: { agent_id: agentId } } });
    if (error !== undefined) throw new Error("openapi-fetch: HTTP error");
  };
}
const SLICES = 10;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export async function measureOverhead(options: OverheadOptions): Promise<OverheadResult> {
  const { url, agentId, warmup = 500, rounds = 4_000 } = options;
  const target = `${url}/v2/agent/${agentId}`;
  const clientOf = (create: CreateClient, validateResponses?: "warn") => {
    const settings = { apiKey: API_KEY, baseUrl: url, env: {}, rateLimit: false } as const;
    const bolna = create(validateResponses ? { ...settings, validateResponses } : settings);
    return async (): Promise<void> => void (await bolna.getAgent({ agent_id: agentId }));
  };
  const rawMethodOf = (create: CreateClient) => {
    const bolna = create({ apiKey: API_KEY, baseUrl: url, env: {}, rateLimit: false });
    return async (): Promise<void> => {
      const { error } = await bolna.GET("/v2/agent/{agent_id}", { params: { path: { agent_id: agentId } } });
      if (error !== undefined) throw new Error("client.GET: HTTP error");
    };
  };
  const variants = new Map<string, () => Promise<void>>([
    [
      "raw",
      async () => {
        const response = await fetch(target, { headers: { Authorization: `Bearer ${API_KEY}` } });
        await response.json();
        if (!response.ok) throw new Error(`raw fetch: HTTP ${response.status}`);
      },
    ],
    ["openapi-fetch", openapiFetchOf(url, agentId)],
    ["client.GET", rawMethodOf(createBolnaClient)],
    ["client", clientOf(createBolnaClient)],
  ]);
  if (options.validateResponses) variants.set("validateResponses", clientOf(createBolnaClient, "warn"));
  for (const [name, create] of Object.entries(options.baselines ?? {})) variants.set(name, clientOf(create));
  const steps = [...variants];

  for (let i = 0; i < warmup; i++) for (const [, step] of steps) await step();
  // Request by request, the variants take turns (the order rotating), so drift from GC, JIT or other load hits all
  // alike, and each request is timed on its own, so the median ignores the stalls of a noisy machine.
  const times = new Map(steps.map(([name]) => [name, new Float64Array(rounds)]));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < steps.length; k++) {
      const [name, step] = steps[(round + k) % steps.length] as [string, () => Promise<void>];
      const started = performance.now();
      await step();
      (times.get(name) as Float64Array)[round] = (performance.now() - started) * 1000;
    }
  }
  const of = (name: string, from = 0, to = rounds): number[] => [
    ...(times.get(name) as Float64Array).subarray(from, to),
  ];
  const slice = Math.floor(rounds / SLICES);
  return {
    medianUs: Object.fromEntries(steps.map(([name]) => [name, median(of(name))])),
    meanUs: Object.fromEntries(steps.map(([name]) => [name, of(name).reduce((sum, us) => sum + us, 0) / rounds])),
    sliceRatios: Array.from({ length: SLICES }, (_, n) => {
      const [from, to] = [n * slice, (n + 1) * slice];
      return median(of("client", from, to)) / median(of("raw", from, to));
    }),
    rounds,
    warmup,
  };
}

/** A global `fetch` without sockets: builds the `Request` from its arguments as undici does, answers at once. */
function installStubFetch(agentId: string, typical: boolean): void {
  const agent = typical
    ? { ...(successExample("/v2/agent/{agent_id}") as object), id: agentId }
    : { id: agentId, agent_name: "Delivery confirmations", tasks: [] };
  const body = JSON.stringify(agent);
  globalThis.fetch = async (input, init) => {
    void new Request(input, init);
    return new Response(body, {
      headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) },
    });
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      baseline: { type: "string" },
      stub: { type: "boolean", default: false },
      rounds: { type: "string", default: "6000" },
      "validate-responses": { type: "boolean", default: false },
    },
  });
  const baselines: Record<string, CreateClient> = {};
  if (values.baseline !== undefined) {
    const entry = pathToFileURL(`${values.baseline.replace(/\/+$/, "")}/src/index.ts`).href;
    baselines.baseline = ((await import(entry)) as { createBolnaClient: CreateClient }).createBolnaClient;
  }
  const server = values.stub
    ? undefined
    : await startServerProcess({ dataset: { count: 1, from: "2026-01-01", to: "2026-01-02" } });
  // With --validate-responses the stub answers what the fake does, the spec's example agent: a typical body to check.
  if (values.stub) installStubFetch(DEFAULT_AGENT_ID, values["validate-responses"]);
  try {
    const result = await measureOverhead({
      url: server?.url ?? "http://127.0.0.1:9",
      agentId: DEFAULT_AGENT_ID,
      baselines,
      rounds: Number(values.rounds),
      validateResponses: values["validate-responses"],
    });
    const raw = result.medianUs.raw as number;
    console.log(
      `${values.stub ? "stub fetch (no sockets)" : "fake Bolna over loopback"}: ${result.rounds} interleaved rounds ` +
        `after ${result.warmup} warm-up rounds`,
    );
    for (const [name, us] of Object.entries(result.medianUs)) {
      console.log(
        `  ${name.padEnd(13)} median ${us.toFixed(1).padStart(6)} µs  ${(us / raw).toFixed(2)}× raw  ` +
          `(+${(us - raw).toFixed(1)} µs)   mean ${(result.meanUs[name] as number).toFixed(1)} µs`,
      );
    }
    const ratios = result.sliceRatios;
    const range = `${Math.min(...ratios).toFixed(2)} to ${Math.max(...ratios).toFixed(2)}`;
    console.log(`  client ÷ raw per tenth of the rounds: ${range}`);
    const checked = result.medianUs.validateResponses;
    if (checked !== undefined) {
      const added = checked - (result.medianUs.client as number);
      console.log(`  validateResponses adds ${added.toFixed(1)} µs per response (median; the budget is 50 µs)`);
    }
  } finally {
    await server?.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error("overhead failed:", error);
    process.exitCode = 1;
  });
}
