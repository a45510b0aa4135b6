/**
 * Which operations `bolna-api doctor` samples, and with what arguments, derived from the generated metadata (a new
 * read-only operation in the spec is sampled without a change here):
 *  - a GET whose 2xx answer is JSON;
 *  - whose required query fields are only the date-times of a `x-bolna-max-window` pair (filled with the widest
 *    window ending now);
 *  - whose path parameters are all IDs an earlier sample returned: a key of that name anywhere in a body
 *    (`agent_id` in an execution), or the `id` of a listing's records when the listing names that resource (its
 *    last fixed path segment, made singular, plus `_id`: `/batches/{agent_id}/all` → `batch_id`) or its path
 *    with `/{param}` after it starts another operation's path (`/knowledgebase/all` → `/knowledgebase/{rag_id}`).
 * Anything else (a required `country`, say) is listed as not sampled, with the reason.
 */
import type { FieldRule, OperationMetadata } from "../extensions/internal/metadata.js";
import { isObject } from "../extensions/internal/guards.js";

const DAY_MS = 86_400_000;
/** How deep into a body the ID search looks (an execution inside a page inside an envelope is depth 3). */
const MAX_DEPTH = 4;

export interface Skipped {
  readonly meta: OperationMetadata;
  readonly reason: string;
}

export interface SamplePlan {
  /** GETs with JSON answers whose every required field doctor can fill (given IDs for the path). */
  readonly candidates: readonly OperationMetadata[];
  readonly skipped: readonly Skipped[];
}

const isJsonShape = (shape: string) => shape === "object" || shape === "array" || shape === "any";

/** The candidates (sorted by operationId, as the metadata is) and the GETs left out, with why. */
export function samplePlan(operations: readonly OperationMetadata[]): SamplePlan {
  const candidates: OperationMetadata[] = [];
  const skipped: Skipped[] = [];
  for (const meta of operations) {
    if (meta.method !== "get") continue;
    if (!Object.values(meta.success).some(isJsonShape)) {
      skipped.push({ meta, reason: "answers no JSON body" });
      continue;
    }
    const windowed = meta.maxWindow ? [meta.maxWindow.from, meta.maxWindow.to] : [];
    const unfillable = meta.fields.filter((f) => f.required && f.in !== "path" && !windowed.includes(f.name));
    if (unfillable.length > 0) skipped.push({ meta, reason: `needs ${unfillable.map((f) => f.name).join(", ")}` });
    else candidates.push(meta);
  }
  return { candidates, skipped };
}

export const pathParams = (meta: OperationMetadata): FieldRule[] => meta.fields.filter((f) => f.in === "path");

/** The arguments for one sample: the IDs for its path, and the widest allowed window ending at `now`. */
export function sampleArgs(
  meta: OperationMetadata,
  ids: ReadonlyMap<string, string>,
  now: number,
): Record<string, unknown> | undefined {
  const args: Record<string, unknown> = {};
  for (const { name } of pathParams(meta)) {
    const id = ids.get(name);
    if (id === undefined) return undefined;
    args[name] = id;
  }
  if (meta.maxWindow) {
    args[meta.maxWindow.from] = new Date(now - meta.maxWindow.maxDays * DAY_MS + 60_000).toISOString();
    args[meta.maxWindow.to] = new Date(now).toISOString();
  }
  return args;
}

/** `/v2/agent/all` → `/v2/agent`; `/dispositions/` → `/dispositions`. */
function collectionPath(path: string): string {
  return path.replace(/\/(all)?$/, "");
}

/** The path parameters a listing's record `id`s fill (see the module comment). */
export function recordIdParams(listing: OperationMetadata, operations: readonly OperationMetadata[]): string[] {
  const base = collectionPath(listing.path);
  const noun = base
    .split("/")
    .filter((segment) => segment !== "" && !segment.startsWith("{"))
    .pop();
  const names = new Set<string>();
  for (const meta of operations) {
    for (const { name } of pathParams(meta)) {
      const named = noun !== undefined && name === `${noun.replaceAll("-", "_").replace(/s$/, "")}_id`;
      if (named || meta.path.startsWith(`${base}/{${name}}`)) names.add(name);
    }
  }
  return [...names];
}

/** The records of a listing's body: the body itself when it is an array, else its pagination envelope's items. */
function recordsOf(meta: OperationMetadata, data: unknown): unknown[] {
  if (Array.isArray(data)) return data;
  const items = meta.pagination && isObject(data) ? data[meta.pagination.items] : undefined;
  return Array.isArray(items) ? items : [];
}

const isId = (value: unknown): value is string | number =>
  (typeof value === "string" && value !== "") || typeof value === "number";

/** Records the IDs a sampled body offers for `wanted` path parameters (the first one found for each is kept). */
export function collectIds(
  meta: OperationMetadata,
  data: unknown,
  operations: readonly OperationMetadata[],
  wanted: ReadonlySet<string>,
  ids: Map<string, string>,
): void {
  const keep = (name: string, value: unknown) => {
    if (wanted.has(name) && !ids.has(name) && isId(value)) ids.set(name, String(value));
  };
  const visit = (node: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(node)) return node.forEach((item) => visit(item, depth + 1));
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key.endsWith("_id")) keep(key, value);
      else visit(value, depth + 1);
    }
  };
  visit(data, 0);
  const params = recordIdParams(meta, operations);
  for (const record of recordsOf(meta, data)) {
    if (isObject(record)) for (const name of params) keep(name, record.id);
  }
}
