/**
 * `toNodeListener(handler)`: serves a `createWebhookHandler` handler from `node:http` or Express:
 *
 * ```ts
 * createServer(toNodeListener(handler)).listen(8787);
 * app.post("/bolna/webhook", toNodeListener(handler));                        // Express, nothing read the body
 * app.post("/bolna/webhook", express.raw({ type: "*\/*" }), toNodeListener(handler)); // after express.raw()
 * ```
 *
 * The sender is the socket's peer address. The body is streamed to the handler, which stops reading at its cap;
 * when a body parser ran first, what it read is used instead: bytes (`express.raw()`) or text as they are, an
 * object (`express.json()`) as its JSON. Node types only, no Node module: the `./webhooks` entry stays loadable in
 * browsers and edge runtimes.
 */
import { jsonResponse } from "./internal/webhook-request.js";
import type { WebhookHandler } from "./webhook-handler.js";

/**
 * What the adapter reads of `node:http`'s `IncomingMessage` (or Express's request). Written out rather than imported
 * from `node:http`, so that the package's types need no `@types/node` in browser and edge projects.
 */
export interface NodeWebhookRequest extends AsyncIterable<Uint8Array, undefined> {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly rawHeaders: readonly string[];
  readonly readableEnded: boolean;
  readonly socket: { readonly remoteAddress?: string | undefined };
  /** What a body parser (Express's `express.raw()`, `text()` or `json()`) read, if one ran. */
  readonly body?: unknown;
}

/** What the adapter calls on `node:http`'s `ServerResponse` (or Express's response). */
export interface NodeWebhookResponse {
  setHeader(name: string, value: string): unknown;
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body: string): unknown;
}

const encoder = new TextEncoder();

/** The body a parser already read, or undefined when the stream is still unread. */
function parsedBody(req: NodeWebhookRequest): Uint8Array | undefined {
  if (!req.readableEnded) return undefined;
  const { body } = req;
  if (body instanceof Uint8Array) return body;
  if (typeof body === "string") return encoder.encode(body);
  // `express.json()` parsed it; re-serialised, it is checked like any other body (prototype keys included).
  if (typeof body === "object" && body !== null) return encoder.encode(JSON.stringify(body));
  return new Uint8Array(0);
}

/** The unread request as a byte stream that pulls from the socket only as fast as the handler reads. */
function streamOf(req: NodeWebhookRequest): ReadableStream<Uint8Array> {
  const chunks: AsyncIterator<Uint8Array, undefined> = req[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    // The handler stopped reading (the body is too large): leave the rest unread.
    async cancel() {
      await chunks.return?.();
    },
  });
}

function toRequest(req: NodeWebhookRequest): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  const body = hasBody ? (parsedBody(req) ?? streamOf(req)) : null;
  // Only the path and query matter to the handler; the Host header is the client's to choose, so it is not used.
  return new Request(`http://localhost${(req.url ?? "/").startsWith("/") ? req.url : "/"}`, {
    method,
    headers,
    body,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
}

/** Adapts a Web-standard webhook handler to `(req, res)` for `node:http` and Express. */
export function toNodeListener(handler: WebhookHandler): (req: NodeWebhookRequest, res: NodeWebhookResponse) => void {
  return (req, res) => {
    void (async () => {
      let request: Request | undefined;
      try {
        request = toRequest(req);
      } catch {
        // A header value or method that the Fetch API refuses: nothing a delivery from Bolna would send.
      }
      const response =
        request === undefined
          ? jsonResponse(400, { error: "Malformed request." })
          : await handler(request, { remoteAddress: req.socket.remoteAddress }).catch(() =>
              jsonResponse(500, { error: "The webhook handler failed." }),
            );
      const text = await response.text();
      // A body left unread (refused early, or too large) must not be drained from the connection: close it.
      if (!req.readableEnded) res.setHeader("connection", "close");
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(text);
    })();
  };
}
