/**
 * The shape of the per-operation metadata that `scripts/generate.ts` emits into
 * `src/generated/operations.ts`. The runtime (validation, routing, retries, rate limits, pagination)
 * reads only this table, so a new operation in the spec needs no hand-written code.
 *
 * The generated entries are compact (`OperationEntry`): defaults are left out and the rate limit names a bucket of
 * the generated `rateLimitBuckets` table. `expandOperations` turns them into the `OperationMetadata` the runtime
 * reads, with the operationId and the bucket's limit filled in.
 */

export type HttpMethod = "get" | "put" | "post" | "delete" | "patch" | "head" | "options" | "trace";

export type FieldLocation = "path" | "query" | "body";

export type FieldType = "string" | "integer" | "number" | "boolean" | "array" | "object";

/** What the spec says about one parameter or one top-level body property. */
export interface FieldRule {
  readonly name: string;
  readonly in: FieldLocation;
  /** Left out when the field is optional. */
  readonly required?: boolean;
  /** Present only when the schema names exactly one non-null type. */
  readonly type?: FieldType;
  readonly nullable?: boolean;
  readonly enum?: readonly (string | number | boolean)[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
  /** `x-bolna-pattern-meaning`: what `pattern` accepts, in words with an example, for the error message. */
  readonly patternMeaning?: string;
  /**
   * The values an open list (`x-bolna-other-values`) suggests. Any other value is sent, except a near miss of one of
   * these (`"complete"` for `"completed"`), which is almost surely a typo that would silently match nothing.
   */
  readonly knownValues?: readonly string[];
  readonly minLength?: number;
  readonly maxLength?: number;
  /**
   * A date-time, which also accepts a `Date` and is sent in one canonical form: `utc` (`format: date-time`) as
   * `YYYY-MM-DDTHH:mm:ss.sssZ`; `offset` (`x-bolna-offset-datetime`) with a numeric UTC offset, never `Z`.
   */
  readonly dateTime?: "utc" | "offset";
}

/** The top-level JSON type a 2xx response body must have: `none` for no body, `any` when the spec does not say. */
export type ResponseShape = "object" | "array" | "none" | "any";
/**
 * The envelope of one page, as `x-bolna-pagination.response` names its properties. Bolna uses three shapes:
 * `{page_number, page_size, total, has_more, data}` (page echo), `{data, total, limit, offset, has_more}` (offset
 * echo) and `{items}` (nothing but the records).
 */
export interface EnvelopeShape {
  /** Property holding the page's records (an array). */
  readonly items: string;
  /** Boolean property, `true` while more pages follow; `null`: the list ends at the first empty page. */
  readonly hasMore: string | null;
  /**
   * How the envelope says which page it is, so that a page the server skipped to (or repeated) is caught:
   * the page number it echoes, or its `offset` and `limit`; `null` when it does not say.
   */
  readonly position: null | { readonly page: string } | { readonly offset: string; readonly limit: string };
}

/** `x-bolna-pagination`: how pages are asked for (query parameters) and how each page answers. */
export interface PaginationRule extends EnvelopeShape {
  /** Query parameter carrying the 1-based page number. */
  readonly pageParam: string;
  /** Query parameter carrying the page size. */
  readonly sizeParam: string;
}

/** A request body; each key is left out at its default. */
export interface BodyRule {
  /** Default `application/json`. */
  readonly mediaType?: "application/json" | "multipart/form-data";
  /** Default `false`. */
  readonly required?: boolean;
  /** The body schema accepts properties beyond those listed in `fields`. Default `true`. */
  readonly open?: boolean;
  /** Fewer properties than this is refused (e.g. a PATCH that changes nothing). Default `0`. */
  readonly minProperties?: number;
  /**
   * `x-bolna-strict-body`: the whole body is checked against its schema (nested objects, alternatives, unknown
   * keys) before sending, with the schemas of `src/generated/request-bodies.ts`. Default `false`.
   */
  readonly strict?: boolean;
}

/** `x-bolna-max-window`: two date-time query parameters that may be at most `maxDays` apart. */
export interface MaxWindowRule {
  readonly from: string;
  readonly to: string;
  readonly maxDays: number;
}

/** One generated entry of `operationMetadata` (keyed by operationId); a key at its default is left out. */
export interface OperationEntry<Bucket extends string = string> {
  readonly method: HttpMethod;
  readonly path: string;
  /** Path, query and top-level body fields. Default: none. */
  readonly fields?: readonly FieldRule[];
  /** Left out when the operation takes no body. */
  readonly body?: BodyRule;
  /** The rate-limit bucket (a key of `rateLimitBuckets`). */
  readonly rateLimit: Bucket;
  /** Retried after a transient failure even though the server may have acted. Default `false`. */
  readonly retrySafe?: boolean;
  readonly pagination?: PaginationRule;
  readonly maxWindow?: MaxWindowRule;
  /** The body shape of each documented 2xx status, e.g. `{ "200": "array" }`. */
  readonly success: Readonly<Record<string, ResponseShape>>;
}

/** An operation as the runtime reads it: its entry with the operationId and the bucket's limit filled in. */
export interface OperationMetadata extends Omit<OperationEntry, "fields" | "rateLimit"> {
  readonly operationId: string;
  readonly fields: readonly FieldRule[];
  readonly rateLimit: { readonly bucket: string; readonly requestsPerMinute: number };
}

export function expandOperations(
  entries: Readonly<Record<string, OperationEntry>>,
  buckets: Readonly<Record<string, number>>,
): OperationMetadata[] {
  return Object.entries(entries).map(([operationId, entry]) => ({
    ...entry,
    operationId,
    fields: entry.fields ?? [],
    rateLimit: { bucket: entry.rateLimit, requestsPerMinute: buckets[entry.rateLimit] as number },
  }));
}
