/**
 * Type-level views of the generated `operations` interface, used by the generated method signatures:
 * flat arguments (path + query + body properties in one object), the 2xx data type, and the paginated result.
 * Nothing here exists at runtime.
 */
import type { operationMetadata } from "../generated/operations.js";
import type { operations } from "../generated/schema.js";
import type { PagePromise } from "./pagination.js";

/** What a non-paginated operation's method returns: awaitable data, plus `.withResponse()`. */
export type { APIPromise } from "./api-promise.js";

type OperationKey = keyof operations & keyof typeof operationMetadata;

/** `never`/`undefined` slots (no path params, no body) contribute nothing to the flat arguments. */
type Present<T> = [NonNullable<T>] extends [never] ? unknown : NonNullable<T>;

type PathArgs<K extends OperationKey> = Present<operations[K]["parameters"]["path"]>;
type QueryArgs<K extends OperationKey> = Present<operations[K]["parameters"]["query"]>;
type BodyContent<K extends OperationKey> = [NonNullable<operations[K]["requestBody"]>] extends [never]
  ? unknown
  : NonNullable<operations[K]["requestBody"]> extends { content: infer C }
    ? C[keyof C]
    : unknown;

/** Date-time parameters and body properties (query `from`/`to`, `scheduled_at`, …) also accept a `Date`. */
type DateFields<K extends OperationKey> = (typeof operationMetadata)[K] extends {
  readonly fields: readonly (infer F)[];
}
  ? Extract<F, { readonly name: string; readonly dateTime: string }>["name"]
  : never;

/** Whether the operation's body is a `multipart/form-data` form, whose every field travels as text. */
type IsForm<K extends OperationKey> = (typeof operationMetadata)[K] extends {
  readonly body: { readonly mediaType: "multipart/form-data" };
}
  ? true
  : false;

/** A form field also takes the text the server reads as its boolean or number (`"true"`, `"512"`). */
type FormText<T> = T extends boolean ? T | "true" | "false" : T extends number ? T | `${number}` : T;

/**
 * Flattens an intersection into one object type, a date-time property also accepting a `Date`, and a form's
 * boolean or number field also its text.
 */
type FlattenArguments<T, F extends PropertyKey, Form extends boolean> = {
  [P in keyof T]: P extends F ? T[P] | Date : Form extends true ? FormText<T[P]> : T[P];
} & {};

/** The single argument object of a generated method: path params, query params and body properties. */
export type OperationArgs<K extends OperationKey> = FlattenArguments<
  PathArgs<K> & QueryArgs<K> & BodyContent<K>,
  DateFields<K>,
  IsForm<K>
>;

type SuccessStatus = 200 | 201 | 202 | 203 | 204;
type SuccessResponse<K extends OperationKey> = operations[K]["responses"][Extract<
  keyof operations[K]["responses"],
  SuccessStatus
>];

/** The parsed body of the operation's 2xx response(s). */
export type OperationData<K extends OperationKey> =
  SuccessResponse<K> extends { content: { "application/json": infer D } } ? D : undefined;

/** The envelope property that holds a paginated operation's records (`x-bolna-pagination.response.items`). */
type ItemsKey<K extends OperationKey> = (typeof operationMetadata)[K] extends {
  readonly pagination: { readonly items: infer N extends string };
}
  ? N
  : never;

/** The record type of a paginated operation: an element of its envelope's items array. */
export type PageItem<K extends OperationKey> =
  OperationData<K> extends { [P in ItemsKey<K>]?: infer A }
    ? NonNullable<A> extends ReadonlyArray<infer I>
      ? I
      : never
    : never;

/** What a paginated operation's method returns: awaitable first page, async-iterable items. */
export type PaginatedResult<K extends OperationKey> = PagePromise<OperationData<K>, PageItem<K>>;

/** Per-call options, accepted as the second argument of every generated method. */
export interface RequestOptions {
  /** Abort the call (and any retry wait). */
  signal?: AbortSignal;
  /** Per-attempt timeout in milliseconds; overrides the client's `timeoutMs`. */
  timeoutMs?: number;
  /** Retries after the first attempt; overrides the client's `maxRetries`. */
  maxRetries?: number;
  /** Cap on a retry's wait for this call; overrides the client's `maxRetryDelayMs`. */
  maxRetryDelayMs?: number;
  /** Extra headers for this call only (e.g. `Prefer` against the Prism mock). */
  headers?: Record<string, string>;
  /**
   * `false` sends this call's request body as given, without the client's checks of it (the agent-body check and
   * the rules of the body's top-level fields); path and query parameters are still checked. Overrides the client's
   * `validateRequestBodies`. The server still judges the body.
   */
  validateRequestBodies?: boolean;
}
