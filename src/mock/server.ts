/**
 * `bolna-api-client/mock`: a local mock of the Bolna API, for trying the client and testing code that uses it
 * without an account. Node only; it needs Prism (`npm install --save-dev @stoplight/prism-cli@5.14.2`).
 *
 *   import { startMockServer } from "bolna-api-client/mock";
 *   const mock = await startMockServer({ port: 0 });          // 0: any free port
 *   const bolna = createBolnaClient({ baseUrl: mock.url, apiKey: "any-key" });
 *   ...
 *   await mock.close();
 *
 * Prism serves the spec bundled with the package: it checks each request (a missing bearer token gets the spec's
 * 401, a bad argument its 400/422) and answers each operation's first named example, or the one a request names
 * with `Prefer: example=<name>` (`Prefer: code=404` for an error). A small front on the requested port forwards
 * everything to it and adds one thing a stateless mock lacks: agent execution listings page like a real server
 * (see ./executions.ts), so a walk or a bulk export ends on its own with the example executions.
 */
import {
  Agent,
  createServer,
  request,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { createExecutionsListing, isExecutionsListing } from "./executions.js";
import { bundledSpecPath, MockServerError, startPrism, type PrismProcess } from "./prism.js";

export { MockServerError, PRISM_INSTALL, type MockServerErrorCode } from "./prism.js";

export interface MockServerOptions {
  /** Port to listen on. Default 4010; 0 picks a free one (read it from `url`). */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
}

export interface MockServer {
  /** e.g. `http://127.0.0.1:4010`: pass it as `baseUrl` (any API key works). */
  readonly url: string;
  /** Stops the front and Prism. */
  close(): Promise<void>;
}

export const DEFAULT_MOCK_PORT = 4010;
const DEFAULT_HOST = "127.0.0.1";

function checkOptions(options: MockServerOptions): { port: number; host: string } {
  const { port = DEFAULT_MOCK_PORT, host = DEFAULT_HOST } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new MockServerError(
      "BAD_OPTION",
      `port must be an integer from 0 to 65535 (0: any free port); got ${String(port)}.`,
    );
  }
  if (typeof host !== "string" || host.trim() === "") {
    throw new MockServerError("BAD_OPTION", `host must be a host name or IP address; got ${JSON.stringify(host)}.`);
  }
  return { port, host };
}

type ExecutionsPageOf = ReturnType<typeof createExecutionsListing>;

/**
 * Forwards a request to Prism. An execution listing Prism accepts (200) is answered by the mock's own listing
 * instead of Prism's fixed example, so pages and windows behave as on the live API; the caller's `Prefer` header
 * still picks a Prism example as it does everywhere else.
 */
function forwardTo(prism: URL, agent: Agent, executionsPage: ExecutionsPageOf) {
  return (incoming: IncomingMessage, outgoing: ServerResponse): void => {
    const target = new URL(incoming.url ?? "/", prism);
    const method = incoming.method ?? "GET";
    const headers: OutgoingHttpHeaders = { ...incoming.headers, host: prism.host };
    const listing = headers["prefer"] === undefined && isExecutionsListing(method, target);

    const upstream = request(target, { method, headers, agent }, (answer) => {
      const page = listing && answer.statusCode === 200 ? executionsPage(target) : undefined;
      if (page === undefined) {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
        return;
      }
      answer.resume();
      // Prism's headers (CORS for browsers among them) stay; only those describing its body are replaced.
      const {
        "content-length": _length,
        "content-encoding": _encoding,
        "transfer-encoding": _transfer,
        ...kept
      } = answer.headers;
      const body = JSON.stringify(page);
      outgoing.writeHead(200, {
        ...kept,
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
      });
      outgoing.end(body);
    });
    upstream.once("error", (error) => {
      if (outgoing.headersSent) return void outgoing.destroy(error);
      outgoing.writeHead(502, { "content-type": "application/json" });
      outgoing.end(JSON.stringify({ message: `The mock's Prism process did not answer: ${error.message}` }));
    });
    incoming.pipe(upstream);
  };
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const where = `port ${port} on ${host}`;
      reject(
        error.code === "EADDRINUSE"
          ? new MockServerError(
              "PORT_IN_USE",
              `Cannot start the mock: ${where} is already in use (perhaps by a mock started earlier). ` +
                `Stop that process, or choose another port (0 picks a free one).`,
              { cause: error },
            )
          : new MockServerError("LISTEN_FAILED", `Cannot start the mock on ${where}: ${error.message}`, {
              cause: error,
            }),
      );
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The URL a client on this machine uses to reach `address` (a wildcard address means loopback). */
function urlOf(address: AddressInfo): string {
  const wildcard = address.address === "0.0.0.0" || address.address === "::";
  const host = wildcard ? "127.0.0.1" : address.address;
  return `http://${address.family === "IPv6" && !wildcard ? `[${host}]` : host}:${address.port}`;
}

/**
 * Starts the mock and resolves once it answers requests. Rejects with a `MockServerError` when the port is taken
 * (`PORT_IN_USE`, checked first, before Prism is started), when Prism is not installed (`PRISM_MISSING`, with the
 * install command) or when it fails to start (`PRISM_FAILED`).
 */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const { port, host } = checkOptions(options);
  const agent = new Agent({ keepAlive: true });
  let forward: ReturnType<typeof forwardTo> | undefined;
  // The port is taken first (a busy port fails in milliseconds, not after Prism's start); until Prism answers, a
  // request that arrives anyway gets a clear 503 instead of hanging.
  const front = createServer((incoming, outgoing) => {
    if (forward !== undefined) return forward(incoming, outgoing);
    outgoing.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
    outgoing.end(JSON.stringify({ message: "The mock is still starting." }));
  });
  const address = await listen(front, port, host);
  let prism: PrismProcess;
  try {
    prism = await startPrism();
  } catch (error) {
    await closeServer(front);
    throw error;
  }
  const spec: unknown = JSON.parse(readFileSync(bundledSpecPath(), "utf8"));
  forward = forwardTo(new URL(prism.url), agent, createExecutionsListing(spec, Date.now()));

  let closing: Promise<void> | undefined;
  return {
    url: urlOf(address),
    close() {
      closing ??= (async () => {
        await closeServer(front);
        agent.destroy();
        await prism.stop();
      })();
      return closing;
    },
  };
}
