/**
 * Emits `src/generated/operations.ts`, the runtime's table of operations:
 *  - `rateLimitBuckets`: each client-side rate-limit bucket and its requests per minute;
 *  - `operationMetadata`: one compact entry per operation (method, path, field rules, bucket name, retry safety,
 *    pagination, date-window limit; defaults left out), the table the runtime reads through `expandOperations`.
 */
import type { OperationEntry, OperationMetadata } from "../../src/extensions/internal/metadata.js";
import { literal } from "./literal.js";
import { readOperations, type ReadOperation } from "./read-operations.js";
import { SpecError, type Json } from "./spec-walk.js";

/**
 * Each rate-limit bucket's requests per minute. Every operation names its bucket; two operations that put the
 * same bucket at different limits are a spec mistake, since the client keeps one counter per bucket.
 */
export function rateLimitBuckets(ops: readonly ReadOperation[]): Record<string, number> {
  const buckets = new Map<string, { limit: number; operationId: string }>();
  for (const { meta } of ops) {
    const { bucket, requestsPerMinute } = meta.rateLimit;
    const seen = buckets.get(bucket);
    if (seen && seen.limit !== requestsPerMinute) {
      throw new SpecError(
        `x-bolna-rate-limit: bucket ${bucket} is ${seen.limit}/min in ${seen.operationId} but ${requestsPerMinute}/min in ${meta.operationId}`,
      );
    }
    buckets.set(bucket, seen ?? { limit: requestsPerMinute, operationId: meta.operationId });
  }
  return Object.fromEntries(
    [...buckets].sort(([a], [b]) => a.localeCompare(b)).map(([name, { limit }]) => [name, limit]),
  );
}

/** The generated entry of an operation: no operationId (it is the key), the bucket by name, defaults left out. */
function compactEntry({ operationId: _id, fields, rateLimit, retrySafe, ...rest }: OperationMetadata): OperationEntry {
  return {
    method: rest.method,
    path: rest.path,
    ...(fields.length > 0 ? { fields } : {}),
    ...(rest.body ? { body: rest.body } : {}),
    rateLimit: rateLimit.bucket,
    ...(retrySafe ? { retrySafe } : {}),
    ...(rest.pagination ? { pagination: rest.pagination } : {}),
    ...(rest.maxWindow ? { maxWindow: rest.maxWindow } : {}),
    success: rest.success,
  };
}

export function emitOperationsModule(doc: Json): string {
  const ops = readOperations(doc);
  const buckets = rateLimitBuckets(ops);
  const table = Object.fromEntries(ops.map(({ meta }) => [meta.operationId, compactEntry(meta)]));
  const paginated = ops.filter(({ meta }) => meta.pagination).map(({ meta }) => `"${meta.operationId}"`);
  return `import type { OperationEntry } from "../extensions/internal/metadata.js";

/** The client-side rate-limit buckets named by the spec's \`x-bolna-rate-limit\` extensions: requests per minute. */
export const rateLimitBuckets = ${literal(buckets)} as const;

export type RateLimitBucket = keyof typeof rateLimitBuckets;

/** Every operation in the spec, keyed by operationId; a key at its default is left out (see \`OperationEntry\`). */
export const operationMetadata = ${literal(table)} as const satisfies Record<string, OperationEntry<RateLimitBucket>>;

export type OperationId = keyof typeof operationMetadata;

/** Operations marked \`x-bolna-pagination\`: their method returns a \`PagePromise\` over the pages of their envelope. */
export type PaginatedOperationId = ${paginated.length ? paginated.join(" | ") : "never"};
`;
}
