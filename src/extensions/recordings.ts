/**
 * Call recordings, without handing the API key to the storage host.
 *
 * `GET /recordings/call/{execution_id}` (and `/recordings/transfer/...` for a transferred leg) answers with a redirect
 * to a pre-signed storage URL valid for 24 hours. A request that follows it carries whatever headers it was given,
 * so these helpers never follow it with the client's request:
 * - `getRecordingUrl` asks the API with `redirect: "manual"` through the client's raw `GET` (so the rate limiter,
 *   retries and auth apply as to any call) and returns the `Location`, resolved against the API URL.
 * - `downloadRecording` then fetches that URL with a new request carrying no header at all (`credentials: "omit"`,
 *   no referrer), through `options.fetch` or the global `fetch`, never through the client's own `fetch` (which may
 *   add headers). If the API serves the audio itself (2xx), that response is returned as it is.
 *
 * Refused with a typed error: a bad `execution_id` or `leg` (`BolnaInputError`, nothing sent); an API error status
 * (the `APIError` subclass for it); a redirect without a usable `Location`, one that drops from https to http, or a
 * runtime that hides redirects (a browser answers `redirect: "manual"` with an opaque response: run this on a
 * server); a storage answer that is not 2xx (`BolnaError` naming the host and status, never the signed URL); a storage
 * host that cannot be reached (`APIConnectionError`, with the network error as `cause`) or an abort while fetching
 * from it (`APIUserAbortError`).
 */
import type { BolnaClient } from "./client.js";
import { APIConnectionError, APIUserAbortError, BolnaError, BolnaInputError } from "./errors.js";
import { loadAPIErrors } from "./internal/load-api-error.js";

export type RecordingLeg = "call" | "transfer";

export interface RecordingArgs {
  execution_id: string;
  /** `call` (default) or `transfer`, the leg the agent transferred to a person. */
  leg?: RecordingLeg;
}

export interface RecordingOptions {
  signal?: AbortSignal;
}

export interface DownloadRecordingOptions extends RecordingOptions {
  /** Sends the request to the storage host. Default: the global `fetch`. */
  fetch?: (request: Request) => Promise<Response>;
}

const PATHS = {
  call: "/recordings/call/{execution_id}",
  transfer: "/recordings/transfer/{execution_id}",
} as const;

/** Where the recording is: a URL to fetch without credentials, or the API's own 2xx answer carrying the audio. */
type Located = { url: URL } | { response: Response };

function checkArgs(args: RecordingArgs): RecordingLeg {
  const { execution_id: id, leg = "call" } = (args ?? {}) as Partial<RecordingArgs>;
  if (typeof id !== "string" || id.trim() === "") {
    throw new BolnaInputError("execution_id", `execution_id must be a non-empty string; got ${JSON.stringify(id)}.`);
  }
  if (leg !== "call" && leg !== "transfer") {
    throw new BolnaInputError("leg", `leg must be "call" or "transfer"; got ${JSON.stringify(leg)}.`);
  }
  return leg;
}

async function locate(bolna: BolnaClient, args: RecordingArgs, options: RecordingOptions): Promise<Located> {
  const leg = checkArgs(args);
  let sent: Request | undefined;
  const { error, response } = await bolna.GET(PATHS[leg], {
    params: { path: { execution_id: args.execution_id } },
    redirect: "manual",
    parseAs: "stream",
    ...(options.signal ? { signal: options.signal } : {}),
    middleware: [{ onRequest: ({ request }) => void (sent = request) }],
  });
  if (response.ok) return { response };
  if (response.type === "opaqueredirect" || response.status === 0) {
    throw new BolnaError(
      'This runtime hides redirects (a browser answers redirect: "manual" with an opaque response), so the ' +
        "recording's URL cannot be read here. Call getRecordingUrl() or downloadRecording() from a server.",
    );
  }
  const request = sent ?? { method: "GET", url: response.url };
  if (response.status < 300 || response.status > 399)
    throw (await loadAPIErrors()).createAPIError(response, error, request);

  const location = response.headers.get("location");
  if (!location) throw new BolnaError(`The API redirected without a Location header (HTTP ${response.status}).`);
  const apiUrl = new URL(sent?.url ?? bolna.baseUrl);
  let url: URL;
  try {
    url = new URL(location, apiUrl);
  } catch {
    throw new BolnaError(`The API redirected to an invalid URL (HTTP ${response.status}).`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new BolnaError(`The API redirected to a ${url.protocol} URL; only https is followed.`);
  }
  if (url.protocol === "http:" && apiUrl.protocol === "https:") {
    throw new BolnaError(`The API redirected from https to plain http (${url.host}); refusing to download over it.`);
  }
  return { url };
}

/**
 * The pre-signed URL of an execution's recording, valid for 24 hours. Ask again rather than store it.
 * Reads the API's redirect without following it, so the API key never reaches the storage host.
 */
export async function getRecordingUrl(
  bolna: BolnaClient,
  args: RecordingArgs,
  options: RecordingOptions = {},
): Promise<URL> {
  const located = await locate(bolna, args, options);
  if ("url" in located) return located.url;
  await located.response.body?.cancel().catch(() => undefined);
  throw new BolnaError(
    `The API served the recording itself (HTTP ${located.response.status}) instead of redirecting to it; ` +
      `use downloadRecording() to read it.`,
  );
}

/** The storage request, with a network failure or an abort turned into the SDK's own errors (host only, no URL). */
async function fetchFromStorage(request: Request, url: URL, options: DownloadRecordingOptions): Promise<Response> {
  try {
    return await (options.fetch ?? ((r: Request) => globalThis.fetch(r)))(request);
  } catch (error) {
    if (options.signal?.aborted) {
      throw new APIUserAbortError(`The recording download from ${url.host} was aborted.`, { cause: error });
    }
    const detail = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    throw new APIConnectionError(
      `Could not reach the storage host ${url.host} for the recording (${error instanceof Error ? error.message : String(error)}${detail}).`,
      { cause: error },
    );
  }
}

/**
 * The recording's audio as a `Response` (read it with `.arrayBuffer()`, or stream `.body`). The storage request
 * carries no header of the client's and no cookie.
 */
export async function downloadRecording(
  bolna: BolnaClient,
  args: RecordingArgs,
  options: DownloadRecordingOptions = {},
): Promise<Response> {
  const located = await locate(bolna, args, options);
  if ("response" in located) return located.response;
  const request = new Request(located.url, {
    method: "GET",
    credentials: "omit",
    referrerPolicy: "no-referrer",
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const response = await fetchFromStorage(request, located.url, options);
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new BolnaError(
      `The storage host ${located.url.host} answered HTTP ${response.status} for the recording; the link may have ` +
        `expired: ask for a new one.`,
    );
  }
  return response;
}
