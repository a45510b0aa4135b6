/**
 * The runs `bench/run.ts` times against a fake Bolna (`test/support/fake-bolna.ts`), and the checks that they
 * returned exactly the server's records.
 *
 * - `docsRecipe`: seed 002's loop, per window as wide as the spec allows (the live API refuses wider ones): one
 *   request at a time while `has_more`, plain `fetch`, stopping at the first non-200.
 * - `ourExport`: `bolna.exportExecutions()` with the client's limiter at the server's limit; on an `ExportError`
 *   it resumes from the error's checkpoint (as a user would), counting the resumes, and its time covers them all.
 * - `verifyExact`: the ids are the dataset's records of the range, each once. `verifyLive`: the same for the
 *   records that existed, while calls created during the run (`isCreatedCall`) may appear at most once.
 * A failed check throws: the bench reports numbers only for runs that returned the right records.
 */
import { createBolnaClient, ExportError, type ExportCheckpoint } from "../src/index.js";
import { isCreatedCall } from "../test/support/created-calls.js";
import type { ExecutionDataset } from "../test/support/execution-dataset.js";
import { LISTING_LIMITS, windowsOf } from "../test/support/listing-query.js";
export const API_KEY = "bench-key";
/** Resumes allowed before a run counts as broken. */
const MAX_RESUMES = 20;

export async function docsRecipe(
  url: string,
  agentId: string,
  from: string,
  to: string,
): Promise<{ ids: string[]; errors: number }> {
  const ids: string[] = [];
  let errors = 0;
  for (const window of windowsOf(from, to)) {
    let pageNumber = 1;
    for (;;) {
      const query = new URLSearchParams({
        page_size: String(LISTING_LIMITS.maxPageSize),
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

export interface ExportTiming {
  ids: string[];
  ms: number;
  /** Times the export stopped with an `ExportError` and was resumed from its checkpoint. */
  resumes: number;
}

export interface ExportSettings {
  concurrency: number;
  limit: number;
  windowMs: number;
  /** Wraps the client's `fetch`, e.g. to time each request (`export-rate.ts`). */
  fetch?: (request: Request) => Promise<Response>;
}

export async function ourExport(
  url: string,
  agentId: string,
  from: string,
  to: string,
  settings: ExportSettings,
): Promise<ExportTiming> {
  const bolna = createBolnaClient({
    apiKey: API_KEY,
    baseUrl: url,
    env: {},
    ...(settings.fetch && { fetch: settings.fetch }),
    rateLimit: { windowMs: settings.windowMs, limits: { "agent-executions": settings.limit } },
  });
  const ids: string[] = [];
  let resume: ExportCheckpoint | undefined;
  let resumes = 0;
  const started = performance.now();
  for (;;) {
    try {
      const options = { agent_id: agentId, from, to, concurrency: settings.concurrency, resume };
      for await (const record of bolna.exportExecutions(options)) ids.push(record.id);
      return { ids, ms: performance.now() - started, resumes };
    } catch (error) {
      if (!(error instanceof ExportError) || resumes >= MAX_RESUMES) throw error;
      resume = error.checkpoint;
      resumes++;
    }
  }
}

/** Throws unless `ids` are exactly the dataset's records in [from, to], each once. */
export function verifyExact(what: string, ids: string[], dataset: ExecutionDataset, from: string, to: string): void {
  const wanted = new Set(dataset.listingOrder(from, to).map((index) => dataset.id(index)));
  const got = new Set(ids);
  const missing = [...wanted].filter((id) => !got.has(id)).length;
  if (got.size !== ids.length || got.size !== wanted.size || missing > 0) {
    throw new Error(
      `${what} returned ${ids.length} records (${got.size} distinct, ${missing} missing); the server has ${wanted.size}`,
    );
  }
}

/** Like `verifyExact` for the records that existed; returns how many calls created during the run came out. */
export function verifyLive(what: string, ids: string[], dataset: ExecutionDataset, from: string, to: string): number {
  const created = ids.filter(isCreatedCall);
  if (new Set(created).size !== created.length) throw new Error(`${what} yielded a call created during the run twice`);
  verifyExact(
    what,
    ids.filter((id) => !isCreatedCall(id)),
    dataset,
    from,
    to,
  );
  return created.length;
}
