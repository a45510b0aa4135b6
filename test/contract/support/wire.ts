/**
 * What actually crossed the wire: a `fetch` to hand to `createBolnaClient({ fetch })` that records every exchange
 * (request, status, headers, parsed body, Prism's `sl-violations`), maps it to its spec operation, and feeds the
 * coverage registry. The client under test is otherwise untouched.
 */
import {
  createBolnaClient,
  type BolnaClient,
  type BolnaClientOptions,
  type RequestOptions,
} from "../../../src/index.js";
import type { Coverage } from "./coverage.js";
import { matchOperation, type SpecOperation } from "./spec.js";

export interface Violation {
  location?: string[];
  code?: string | number;
  message?: string;
}

export interface Exchange {
  readonly method: string;
  readonly url: URL;
  /** A clone of the request as sent, body unread (e.g. `await exchange.request.formData()`). */
  readonly request: Request;
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON when the body is JSON, else the text (`""` when empty). */
  readonly body: unknown;
  /** Prism's `sl-violations` header, parsed; `undefined` when absent. */
  readonly violations: Violation[] | undefined;
  readonly operation: SpecOperation | undefined;
}

export type FetchLike = (request: Request) => Promise<Response>;

export interface Wire {
  readonly fetch: FetchLike;
  readonly exchanges: Exchange[];
}

export interface WireOptions {
  /** Rewrites each request before it is sent (add `Prefer`, drop `Authorization`, …). */
  transform?: (request: Request) => Request;
  /** Rewrites each response before the client sees it (simulate a server that behaves differently). */
  respond?: (exchange: Exchange, response: Response) => Response | Promise<Response>;
  coverage?: Coverage;
  /** The fetch that really sends. Default: the global `fetch`. */
  send?: FetchLike;
}

function parseViolations(value: string | null): Violation[] | undefined {
  if (value === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? (parsed as Violation[]) : [{ message: value }];
  } catch {
    return [{ message: value }];
  }
}

/** Parsed body of a response clone: JSON when it parses, otherwise the text. */
export async function readBody(response: Response): Promise<unknown> {
  const text = await response.clone().text();
  if (text === "") return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function recordingFetch(options: WireOptions = {}): Wire {
  const exchanges: Exchange[] = [];
  const send = options.send ?? ((request: Request) => globalThis.fetch(request));
  const wireFetch: FetchLike = async (incoming) => {
    const request = options.transform ? options.transform(incoming) : incoming;
    const copy = request.clone();
    const response = await send(request);
    const url = new URL(request.url);
    const exchange: Exchange = {
      method: request.method,
      url,
      request: copy,
      status: response.status,
      headers: response.headers,
      body: await readBody(response),
      violations: parseViolations(response.headers.get("sl-violations")),
      operation: matchOperation(request.method, url),
    };
    exchanges.push(exchange);
    if (exchange.operation) options.coverage?.recordResponse(exchange.operation.operationId, exchange.status);
    return options.respond ? options.respond(exchange, response) : response;
  };
  return { fetch: wireFetch, exchanges };
}

/** Adds (or replaces) request headers, e.g. `Prefer`. */
export function withHeaders(request: Request, headers: Record<string, string>): Request {
  const copy = new Request(request);
  for (const [name, value] of Object.entries(headers)) copy.headers.set(name, value);
  return copy;
}

/** The same request without credentials. */
export function withoutAuthorization(request: Request): Request {
  const copy = new Request(request);
  copy.headers.delete("authorization");
  return copy;
}

export const CONTRACT_API_KEY = "contract-test-key";

/**
 * A client for contract runs: no client-side rate limiting (hundreds of requests in seconds) and no retries
 * (every status reaches the test exactly once), with a recording fetch.
 */
export function contractClient(baseUrl: string, wire: Wire, extra: Partial<BolnaClientOptions> = {}): BolnaClient {
  return createBolnaClient({
    apiKey: CONTRACT_API_KEY,
    baseUrl,
    env: {},
    fetch: wire.fetch,
    maxRetries: 0,
    rateLimit: false,
    ...extra,
  });
}

type OperationMethod = (args?: Record<string, unknown>, options?: RequestOptions) => PromiseLike<unknown>;

/** Calls the generated method named `operationId` (awaiting a `PagePromise` gives its first page). */
export async function callOperation(
  client: BolnaClient,
  operationId: string,
  args: Record<string, unknown>,
  options: RequestOptions = {},
): Promise<unknown> {
  const method = (client as unknown as Record<string, OperationMethod | undefined>)[operationId];
  if (typeof method !== "function") throw new Error(`The client has no method ${operationId}`);
  return await method.call(client, args, options);
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
