/**
 * A generated method's request, built and read without going through openapi-fetch's `request()`, for calls made
 * while no middleware is registered (middleware is promised real `Request`s, so with any the client goes through
 * openapi-fetch instead).
 *
 * Why: per call, openapi-fetch merges headers, creates a query serializer, matches the path template against the
 * whole URL with a regular expression and builds a `Request` that `fetch` then copies. Together these cost more
 * than the rest of the client's work on a request. Here headers are merged once per client, the parameters are
 * written into the short path template alone, and the transport sends `RequestParts` as `fetch(url, init)`.
 *
 * Contract: the server receives what openapi-fetch would send for the same call (same URL, with openapi-fetch's own
 * query serializer, same merged headers and body serializer). The result has what openapi-fetch returns with
 * `parseAs: "text"`: no data or error when the response has no body (204, or an empty one that is not chunked);
 * otherwise the body's text as `data` (2xx), or as `error` (parsed as JSON when it is JSON).
 */
import { createQuerySerializer, defaultBodySerializer, mergeHeaders } from "openapi-fetch";
import type { OperationMetadata } from "./metadata.js";
import type { RequestParts } from "./request-parts.js";
import type { RequestOverrides, Transport } from "./transport.js";

export interface DirectResult {
  data?: string;
  error?: unknown;
  response: Response;
  request: RequestParts;
}

export interface DirectArguments {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  body: Record<string, unknown> | undefined;
}

const PATH_PARAMETER = /\{([^{}]+)\}/g;

/**
 * `/v2/agent/{agent_id}` with its parameters filled in. The argument check has made each a present, non-empty
 * primitive, which openapi-fetch's default (`simple` style) writes URI-encoded.
 */
function fillPath(template: string, params: Record<string, unknown>): string {
  return template.replace(PATH_PARAMETER, (_, name: string) => encodeURIComponent(params[name] as string));
}

const JSON_TYPE = { "Content-Type": "application/json" };

/** openapi-fetch calls its default serializer with the merged headers too, though its type declares only the body. */
const serializeBody = defaultBodySerializer as (body: unknown, headers: Headers) => string;

export function createDirectSender(options: {
  baseUrl: string;
  /** The client's headers, as openapi-fetch gets them. */
  headers: Record<string, string>;
  transport: Transport;
  toFormData: (body: Record<string, unknown>) => FormData;
}): (
  meta: OperationMetadata,
  args: DirectArguments,
  headers: HeadersInit | undefined,
  overrides: RequestOverrides,
) => Promise<DirectResult> {
  const { baseUrl, transport, toFormData } = options;
  const serializeQuery = createQuerySerializer();
  const withoutBody = mergeHeaders(options.headers);
  const withJSON = mergeHeaders(JSON_TYPE, options.headers);

  return async (meta, { path, query, body: fields }, callHeaders, overrides) => {
    const search = serializeQuery(query);
    const url = baseUrl + fillPath(meta.path, path);
    const json = fields !== undefined && meta.body?.mediaType !== "multipart/form-data";
    const request: RequestParts = {
      method: meta.method.toUpperCase(),
      url: search ? `${url}?${search}` : url,
      headers: callHeaders
        ? mergeHeaders(json ? JSON_TYPE : undefined, options.headers, callHeaders)
        : json
          ? withJSON
          : withoutBody,
      body: null,
    };
    if (fields !== undefined) {
      // openapi-fetch's serializers, given the headers it would (a form-urlencoded Content-Type changes the body).
      request.body = json
        ? serializeBody(fields, callHeaders ? mergeHeaders(options.headers, callHeaders) : withoutBody)
        : toFormData(fields);
    }
    const response = await transport(request, overrides);
    return { ...(await readText(response)), response, request };
  };
}

/** openapi-fetch's reading of a response with `parseAs: "text"` (the spec has no HEAD operation to read without). */
async function readText(response: Response): Promise<{ data?: string; error?: unknown }> {
  const { headers, status } = response;
  const empty = headers.get("Content-Length") === "0" && !headers.get("Transfer-Encoding")?.includes("chunked");
  if (status === 204 || empty) return {};
  const text = await response.text();
  if (response.ok) return { data: text };
  try {
    return { error: JSON.parse(text) as unknown };
  } catch {
    return { error: text };
  }
}
