/**
 * `createBolnaClient(options)`: the one entry point.
 *
 * It returns an object with
 *  - one generated method per spec operation (`bolna.makeCall({...})`, `bolna.listAgentExecutions({...})`):
 *    arguments checked before sending, typed data back, typed `APIError` thrown on non-2xx;
 *  - openapi-fetch's typed `GET/POST/PUT/PATCH/DELETE` (plus `use`/`eject` middleware) for full control:
 *    these return `{ data, error, response }` and never throw on an HTTP status;
 *  - `exportExecutions(...)`, the bulk export over any date range;
 *  - the workflow jobs (`waitForExecution`, `makeCallAndWait`, `runBatch`, `waitForBatch`), loaded on first use.
 * Both layers share one transport (auth headers, rate limiter, retries, timeouts), and multipart operations are
 * serialized to `FormData` in both, because the spec, not the caller, knows which operations take a form.
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { BolnaOperationMethods, MakeCallArgs } from "../generated/methods.js";
import type { RateLimitBucket } from "../generated/operations.js";
import type { Batch, Execution, paths } from "../generated/schema.js";
import { APIPromise, type WithResponse } from "./api-promise.js";
import { prepareArguments, toFormData, usesArgumentRules } from "./internal/arguments.js";
import { resolveConfig, resolveLogLevel } from "./internal/config.js";
import { ConfigurationError } from "./errors.js";
import { loadAPIErrors } from "./internal/load-api-error.js";
import type { ExecutionExport, ExportExecutionsOptions, ListExecutionsPage } from "./export/index.js";
import { isIntegerIn } from "./internal/guards.js";
import { lazyExport } from "./internal/lazy-export.js";
import { createAttemptLog, type Logger, type LogLevel } from "./logger.js";
import type { OperationMetadata } from "./internal/metadata.js";
import { ALL_OPERATIONS } from "./internal/operation-table.js";
import type { RequestOptions } from "./operation-types.js";
import { PagePromise } from "./pagination.js";
import { createRateLimiter } from "./internal/rate-limit.js";
import { createDirectSender } from "./internal/direct-request.js";
import type { OutgoingRequest } from "./internal/request-parts.js";
import { readData } from "./internal/responses.js";
import { createRouteTable, type RouteTable } from "./internal/routes.js";
import { createTransport, type RouteInfo, type Transport } from "./internal/transport.js";
import { SDK_NAME, SDK_VERSION } from "./version.js";
import type {
  CallAndWaitResult,
  RunBatchArgs,
  RunBatchOptions,
  RunBatchResult,
  WaitForBatchOptions,
  WaitForExecutionOptions,
} from "./workflows/index.js";

// The default base URL is part of the public surface; the rest of the config module is internal.
export { DEFAULT_BASE_URL } from "./internal/config.js";

export interface BolnaClientOptions {
  /** Default: `BOLNA_API_KEY` (trimmed; blank counts as unset). */
  apiKey?: string;
  /** Default: `BOLNA_BASE_URL`, else `https://api.bolna.ai`. Plain http is accepted only for loopback hosts. */
  baseUrl?: string;
  /** A `fetch` to send requests with (tests, proxies, instrumentation). Default: the global `fetch`. */
  fetch?: (request: Request) => Promise<Response>;
  /** Headers added to every request. `Authorization` is always the client's own. */
  headers?: Record<string, string>;
  /** Retries after the first attempt, for transient failures. Default 2. */
  maxRetries?: number;
  /** Per-attempt timeout in milliseconds, covering the response headers and the whole body. Default 60 000. */
  timeoutMs?: number;
  /** Cap on a retry's wait (backoff, or a server's `Retry-After`; a longer one ends the retries). Default 60 000. */
  maxRetryDelayMs?: number;
  /** Largest response body the client reads; a larger one is a `ResponseTooLargeError`. Default 32 MiB. */
  maxResponseBytes?: number;
  /**
   * Client-side rate limiting under Bolna's documented per-minute limits (on by default). `false` turns it off;
   * `limits` overrides the requests per window of a bucket (`agent-executions`, `agent`, `call`, `default`);
   * `windowMs` shortens the window (tests, benchmarks). A request holds its slot until one window after its
   * response arrived, so latency and client stalls cannot push the server's count over its limit.
   */
  rateLimit?: false | { limits?: Partial<Record<RateLimitBucket, number>>; windowMs?: number };
  /** Pages a paginated call may read before it gives up. Default 1 000. */
  maxPages?: number;
  /**
   * Where log lines go: any object with `debug`/`info`/`warn`/`error` methods. Default `console`. Lines carry the
   * method, path, status, attempt, time and backoff of each attempt, never the API key or headers.
   */
  logger?: Logger;
  /**
   * The least severe lines written: `"debug"` every attempt, `"info"` also retries, `"warn"` requests that ended
   * in a 429 or 5xx, `"error"` requests that ended without a response. Default: `BOLNA_LOG`, else `"off"`.
   */
  logLevel?: LogLevel;
  /** Also log request and response bodies (truncated, key redacted) at `debug`. Default `false`. */
  logBodies?: boolean;
  /** Environment to read `BOLNA_API_KEY`/`BOLNA_BASE_URL`/`BOLNA_LOG` from. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /**
   * Check each 2xx JSON body of a generated method (every page of a paginated one) against the operation's
   * response schema, to notice when Bolna changes what it returns: `"warn"` writes one `warn` line to `logger` per
   * response that differs (operation, JSON pointer, expected and actual type; whatever `logLevel` says) and returns
   * the data; `"throw"` throws an `InvalidResponseError` with the same details. Drift is a field of another type, a
   * missing required field or a value outside a closed enum; extra keys are not. Default: off (the schemas are not
   * even loaded). A call's own `validateResponses` overrides it.
   */
  validateResponses?: ValidateResponses;
  /**
   * Check request bodies before sending (default `true`). The agent operations' bodies are checked whole: a wrong
   * type or value of a known field, a missing required field, or a misspelt key (`hangup_after_silense`) is a
   * `BolnaInputError`; a key the spec does not know and that resembles none it knows is sent, with a `debug` log
   * line. `false` sends every body as given (path and query parameters are still checked); a call's own
   * `validateRequestBodies` overrides this.
   */
  validateRequestBodies?: boolean;
}

/** How `validateResponses` reacts to a response body that differs from the spec. */
export type ValidateResponses = "warn" | "throw";

type RawClient = Pick<Client<paths>, "GET" | "PUT" | "POST" | "PATCH" | "DELETE" | "use" | "eject">;

/** The strict-body check and its schemas, loaded the first time an agent operation is called. */
let strictBody: Promise<typeof import("./internal/strict-body.js")> | undefined;
/** The response check and the response schemas, loaded the first time `validateResponses` is on for a call. */
let responseCheck: Promise<typeof import("./internal/response-check.js")> | undefined;

/** `undefined`/`false` (off), `"warn"` or `"throw"`; anything else is a mistake worth stopping at. */
function checkValidateResponses(value: unknown, where: string): ValidateResponses | false | undefined {
  if (value === undefined || value === false || value === "warn" || value === "throw") return value;
  throw new ConfigurationError(
    `${where} must be "warn", "throw" or false (off); got ${JSON.stringify(value) ?? typeof value}.`,
  );
}
/** The date-time, open-value and form-field rules, loaded the first time an operation needs them. */
let argumentRules: Promise<typeof import("./internal/argument-rules.js")> | undefined;

type WorkflowJobs = typeof import("./workflows/workflow-jobs.js");

/** The workflow jobs, loaded the first time one is called (they are a separate chunk of the build). */
let workflowJobs: Promise<WorkflowJobs> | undefined;
const loadWorkflowJobs = (): Promise<WorkflowJobs> => (workflowJobs ??= import("./workflows/workflow-jobs.js"));

/**
 * Options of `bolna.exportExecutions()` (see the export module): the filters are typed from the spec's
 * `listAgentExecutions` parameters, so a bad status is a compile error here too.
 */
export type ExportOptions = ExportExecutionsOptions;

export interface BolnaClient extends BolnaOperationMethods, RawClient {
  /** The resolved base URL (never the key). */
  readonly baseUrl: string;
  /**
   * Streams every execution of an agent over any date range, reading several stretches of time in parallel with
   * bounded memory. Every execution that exists when the export starts and lies in `[from, to]` is yielded
   * exactly once, even while calls are created, re-run or deleted; calls created during the export at most once.
   * When a page keeps failing or the server's answers contradict each other, it throws an `ExportError` whose
   * `checkpoint` resumes the export, instead of truncating or duplicating. The export's code loads on the first
   * call, so its options are checked when iterating starts (before the first request), not by this call.
   */
  exportExecutions(options: ExportOptions): ExecutionExport<Execution>;
  /**
   * Reads the execution until its status is final (one of `TERMINAL_EXECUTION_STATUSES`; `call-disconnected` is
   * not) and resolves with it. Reads go through `getExecution` (rate limiter, retries on 429 and 5xx), with a pause
   * that grows while nothing changes; a 404 in the first seconds means "not visible yet". Throws a
   * `WaitTimeoutError` (with the last execution read) after `timeoutMs` (default 15 minutes), an
   * `APIUserAbortError` at once when `signal` aborts. Waiting never stops or re-places the call.
   */
  waitForExecution(execution_id: string, options?: WaitForExecutionOptions): Promise<Execution>;
  /**
   * Places a call (`POST /call`, sent once: never repeated, whatever happens during the wait) and waits for its
   * final status as `waitForExecution` does. If the call fails, nothing is polled; if the wait fails, the error
   * carries `execution_id` to wait again with.
   */
  makeCallAndWait(args: MakeCallArgs, options?: WaitForExecutionOptions): Promise<CallAndWaitResult>;
  /**
   * Creates a batch from `contacts` (the CSV is built for you: `contact_number` first, then the variables) and
   * schedules it, at `scheduled_at` or the earliest time Bolna allows. Every contact is checked first; all bad rows
   * are reported in one `BolnaInputError` and nothing is sent.
   */
  runBatch(args: RunBatchArgs, options?: RunBatchOptions): Promise<RunBatchResult>;
  /**
   * Reads the batch until its status is final (`completed`, `stopped` or `failed`) and resolves with it;
   * `onProgress` gets the per-status call counts as they change. Same polling rules as `waitForExecution`; the
   * default `timeoutMs` is 2 hours.
   */
  waitForBatch(batch_id: string, options?: WaitForBatchOptions): Promise<Batch>;
}

const DEFAULT_BUCKET = { bucket: "default", requestsPerMinute: 1000 };
const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

/** Refuses limit overrides for buckets the spec does not have (a typo would silently not apply) or bad values. */
function checkLimits(limits: Partial<Record<string, number>>): void {
  const buckets = new Set(ALL_OPERATIONS.map((meta) => meta.rateLimit.bucket));
  for (const [bucket, limit] of Object.entries(limits)) {
    if (!buckets.has(bucket)) {
      throw new ConfigurationError(
        `Unknown rate-limit bucket "${bucket}"; the spec's buckets are: ${[...buckets].join(", ")}.`,
      );
    }
    if (limit !== undefined && limit !== Infinity && !isIntegerIn(limit, 1)) {
      throw new ConfigurationError(
        `rateLimit.limits["${bucket}"] must be a positive integer or Infinity; got ${limit}.`,
      );
    }
  }
}

/** The transport, and how it treats each operation (looked up once per method rather than by URL per request). */
function createSdkTransport(
  options: BolnaClientOptions,
  routes: RouteTable,
): { transport: Transport; routeOf: (meta: OperationMetadata) => RouteInfo } {
  const rate = options.rateLimit === false ? undefined : (options.rateLimit ?? {});
  // Widened to string keys: the route lookup below indexes by the bucket name read from the metadata.
  const limits: Partial<Record<string, number>> = rate?.limits ?? {};
  checkLimits(limits);
  const transport = createTransport({
    fetch: options.fetch,
    maxRetries: options.maxRetries,
    timeoutMs: options.timeoutMs,
    maxRetryDelayMs: options.maxRetryDelayMs,
    maxResponseBytes: options.maxResponseBytes,
    log: createAttemptLog({ logger: options.logger, logLevel: resolveLogLevel(options), logBodies: options.logBodies }),
    rateLimiter: rate && createRateLimiter(rate.windowMs === undefined ? {} : { windowMs: rate.windowMs }),
    route: (method, url) => routeInfo(routes.match(method, url), method, limits),
  });
  return { transport, routeOf: (meta) => routeInfo(meta, meta.method, limits) };
}

/** How the transport treats a request of `meta` (rate-limit bucket and limit, whether a retry is safe). */
function routeInfo(
  meta: OperationMetadata | undefined,
  method: string,
  limits: Partial<Record<string, number>>,
): RouteInfo {
  const { bucket, requestsPerMinute } = meta?.rateLimit ?? DEFAULT_BUCKET;
  return {
    bucket,
    requestsPerMinute: limits[bucket] ?? requestsPerMinute,
    // An operation the spec does not know (a raw call to a new path) falls back to HTTP semantics.
    retrySafe: meta?.retrySafe ?? IDEMPOTENT_METHODS.has(method.toUpperCase()),
  };
}

/** The loosely typed slice of openapi-fetch the generic invoker needs; the public methods carry the real types. */
type LooseRequest = (
  method: string,
  path: string,
  init: Record<string, unknown>,
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

/**
 * Creates a client for the Bolna API: one typed method per operation, the raw openapi-fetch calls, and
 * `exportExecutions`. Options are checked here, so a bad key, URL or limit fails at once with a
 * `ConfigurationError` rather than on the first call.
 *
 * @example
 * ```ts
 * import { createBolnaClient, NotFoundError } from "bolna-api-client";
 *
 * const bolna = createBolnaClient(); // reads BOLNA_API_KEY
 * const { execution_id } = await bolna.makeCall({ agent_id, recipient_phone_number: "+15551234567" });
 * try {
 *   const execution = await bolna.getExecution({ execution_id });
 *   console.log(execution.status);
 * } catch (error) {
 *   if (error instanceof NotFoundError) console.log("no such execution yet");
 *   else throw error;
 * }
 * ```
 */
export function createBolnaClient(options: BolnaClientOptions = {}): BolnaClient {
  const { apiKey, baseUrl } = resolveConfig(options);
  const { maxPages } = options;
  const validateResponses = checkValidateResponses(options.validateResponses, "validateResponses");
  /** Where the agent-body check names a key it lets through (at `debug`, never its value). */
  const debugLogger = resolveLogLevel(options) === "debug" ? (options.logger ?? console) : undefined;
  const debug = debugLogger && ((line: string) => debugLogger.debug(line));
  if (maxPages !== undefined && !isIntegerIn(maxPages, 1)) {
    throw new ConfigurationError(`maxPages must be a positive integer; got ${String(maxPages)}.`);
  }
  const logger = options.logger ?? console;
  const routes = createRouteTable(ALL_OPERATIONS, new URL(baseUrl).pathname);
  const { transport, routeOf } = createSdkTransport(options, routes);
  const headers = {
    "User-Agent": `${SDK_NAME}/${SDK_VERSION}`,
    "X-Bolna-Client": `${SDK_NAME}/${SDK_VERSION}`,
    ...options.headers,
    Authorization: `Bearer ${apiKey}`,
  };
  const raw = createClient<paths>({ baseUrl, fetch: (request: Request) => transport(request), headers });
  const sendDirect = createDirectSender({ baseUrl, headers, transport, toFormData });
  const request = raw.request as unknown as LooseRequest;
  /**
   * Whether middleware was ever registered. Middleware is promised real `Request`s, so from then on generated methods
   * go through openapi-fetch (openapi-fetch does not expose its list, so an `eject` of all of it does not switch back).
   */
  let usesMiddleware = false;

  async function send(
    meta: OperationMetadata,
    route: RouteInfo,
    args: Record<string, unknown> | undefined,
    opts: RequestOptions,
  ): Promise<WithResponse<unknown>> {
    const check =
      checkValidateResponses(opts.validateResponses, `${meta.operationId}: validateResponses`) ?? validateResponses;
    const checkBody = opts.validateRequestBodies ?? options.validateRequestBodies ?? true;
    const rules = usesArgumentRules(meta)
      ? await (argumentRules ??= import("./internal/argument-rules.js"))
      : undefined;
    const { path, query, body } = prepareArguments(meta, args, rules, { body: checkBody });
    if (checkBody && meta.body?.strict && body !== undefined) {
      strictBody ??= import("./internal/strict-body.js");
      (await strictBody).assertStrictBody(meta.operationId, body, debug);
    }
    // The transport reads its own settings (`signal`, `timeoutMs`, `maxRetries`, `maxRetryDelayMs`) from these.
    const overrides = { ...opts, route };
    let sent: OutgoingRequest | undefined;
    let answer: { data?: unknown; error?: unknown; response: Response };
    if (!usesMiddleware) {
      const direct = await sendDirect(meta, { path, query, body }, opts.headers, overrides);
      sent = direct.request;
      answer = direct;
    } else {
      // `undefined` is openapi-fetch's default for each of these.
      const init: Record<string, unknown> = {
        params: { path, query },
        body,
        headers: opts.headers,
        bodySerializer: meta.body?.mediaType === "multipart/form-data" ? toFormData : undefined,
        // Read as text: `readData` parses it, so a malformed body becomes a typed error rather than a SyntaxError.
        parseAs: "text",
        fetch: (req: Request) => {
          sent = req;
          return transport(req, overrides);
        },
      };
      answer = await request(meta.method, meta.path, init);
    }
    const { data, error, response } = answer;
    const described = sent ?? { method: meta.method, url: `${baseUrl}${meta.path}` };
    if (!response.ok) throw (await loadAPIErrors()).createAPIError(response, error, described);
    const result = readData(meta, response, data as string | undefined, described);
    if (check) {
      responseCheck ??= import("./internal/response-check.js");
      (await responseCheck).checkResponse(check, meta.operationId, response, result, described, logger);
    }
    return { data: result, response };
  }

  const methods: Record<string, unknown> = {};
  for (const meta of ALL_OPERATIONS) {
    const { pagination } = meta;
    const route = routeOf(meta);
    methods[meta.operationId] = pagination
      ? (args: Record<string, unknown> = {}, opts: RequestOptions = {}) => {
          // Passed on as given: a non-number is refused by the argument check of the first request.
          const firstPage = (args?.[pagination.pageParam] ?? 1) as number;
          return new PagePromise(
            (pageNumber, signal) =>
              new APIPromise(
                send(meta, route, { ...args, [pagination.pageParam]: pageNumber }, signal ? { ...opts, signal } : opts),
              ),
            { firstPage, maxPages, signal: opts.signal, envelope: pagination },
          );
        }
      : (args?: Record<string, unknown>, opts: RequestOptions = {}) => new APIPromise(send(meta, route, args, opts));
  }

  /** Raw calls to multipart operations get the form serializer too, unless the caller brought their own. */
  const rawMethod =
    <M extends "GET" | "PUT" | "POST" | "PATCH" | "DELETE">(method: M) =>
    (path: string, init?: Record<string, unknown>) => {
      const multipart = routes.byTemplate(method, path)?.body?.mediaType === "multipart/form-data";
      const finalInit = multipart && !init?.bodySerializer ? { ...init, bodySerializer: toFormData } : init;
      return (raw[method] as unknown as (p: string, i?: Record<string, unknown>) => unknown)(path, finalInit);
    };

  /** A workflow job as a method of this client: its code loads on the first call. */
  const workflowJob =
    (name: keyof WorkflowJobs) =>
    async (...args: unknown[]): Promise<unknown> => {
      const job = (await loadWorkflowJobs())[name] as (bolna: BolnaClient, ...rest: unknown[]) => Promise<unknown>;
      return job(client as unknown as BolnaClient, ...args);
    };

  const client = {
    ...methods,
    baseUrl,
    GET: rawMethod("GET"),
    PUT: rawMethod("PUT"),
    POST: rawMethod("POST"),
    PATCH: rawMethod("PATCH"),
    DELETE: rawMethod("DELETE"),
    use(...added: Middleware[]) {
      // Set first: openapi-fetch may register some of `added` and then refuse another.
      usesMiddleware = true;
      raw.use(...added);
    },
    eject: raw.eject.bind(raw),
    exportExecutions(exportOptions: ExportOptions) {
      // Each page goes through the generated method: argument checks, rate limiter, and the transport's retries
      // with the export's per-request `maxRetries` / `maxRetryDelayMs`.
      const listPage: ListExecutionsPage = (query, init) => (client as BolnaClient).listAgentExecutions(query, init);
      return lazyExport<Execution>(listPage, exportOptions);
    },
    waitForExecution: workflowJob("waitForExecution"),
    makeCallAndWait: workflowJob("makeCallAndWait"),
    runBatch: workflowJob("runBatch"),
    waitForBatch: workflowJob("waitForBatch"),
  };
  return client as unknown as BolnaClient;
}
