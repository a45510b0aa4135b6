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
 *
 * With `stateful: true` the front still sends every request to Prism first, so a bad request still gets Prism's
 * 400/401/422; when Prism accepts it, the answer comes from a small simulation of Bolna instead (./stateful.ts):
 * agents read back, calls that progress (`queued` → … → `completed` in about 3 s, times `timeScale`), status
 * webhooks POSTed to the agent's `webhook_url`, batches that run, a seeded history of executions over the last 35
 * days, and recordings served by the mock. A request with a `Prefer` header keeps Prism's example answer.
 *
 * Outcome rule of a call: the recipient number's last two digits, `01` busy, `02` no-answer, `03` failed,
 * `04` balance-low, `05` error, anything else completed; an `X-Mock-Outcome: <status>` header on `POST /call`
 * overrides it.
 *
 * The port accepts connections only once the mock can answer (Prism started, state seeded), in both modes: a
 * script that waits for the port, as CI jobs and health checks do, never meets a mock that is still starting.
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
import { bundledSpecPath, MockServerError, startPrism } from "./prism.js";
import type { Reply } from "./reply.js";
import type { MockLimits } from "./state.js";
import { checkOptions, type MockServerOptions } from "./options.js";
import { createStatefulMock, type StatefulMock } from "./stateful.js";
import type { MockWebhookOptions } from "./webhooks-out.js";

export { MockServerError, PRISM_INSTALL, type MockServerErrorCode } from "./prism.js";
export { DEFAULT_MOCK_PORT, type MockServerOptions } from "./options.js";
export { OUTCOMES, type Outcome } from "./timeline.js";
export type { MockLimits, MockWebhookOptions };

export interface MockServer {
  /** e.g. `http://127.0.0.1:4010`: pass it as `baseUrl` (any API key works). */
  readonly url: string;
  /** Stops the front and Prism and, in the stateful mode, every pending call step, batch start and webhook. */
  close(): Promise<void>;
}

type ExecutionsPageOf = ReturnType<typeof createExecutionsListing>;

/** The request's body, read in full: it goes to Prism, and the stateful mode reads it too. */
async function readBody(incoming: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Prism's answer, read in full. */
function ask(target: URL, method: string, headers: OutgoingHttpHeaders, body: Buffer, agent: Agent) {
  return new Promise<{ status: number; headers: IncomingMessage["headers"]; body: Buffer }>((resolve, reject) => {
    const upstream = request(target, { method, headers, agent }, (answer) => {
      readBody(answer).then(
        (text) => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: text }),
        reject,
      );
    });
    upstream.once("error", reject);
    upstream.end(body);
  });
}

/** Writes a reply, keeping Prism's other headers (CORS for browsers among them) but not those describing its body. */
function send(outgoing: ServerResponse, prismHeaders: IncomingMessage["headers"], reply: Reply): void {
  const {
    "content-length": _length,
    "content-encoding": _encoding,
    "transfer-encoding": _transfer,
    "content-type": _type,
    location: _location,
    ...kept
  } = prismHeaders;
  const raw = reply.body instanceof Uint8Array ? reply.body : undefined;
  const body = raw ?? (reply.body === undefined ? "" : JSON.stringify(reply.body));
  outgoing.writeHead(reply.status, {
    ...kept,
    ...(typeof body === "string" && body !== "" ? { "content-type": "application/json" } : {}),
    ...reply.headers,
    "content-length": Buffer.byteLength(body),
  });
  outgoing.end(body);
}

/**
 * Forwards each request to Prism. An execution listing Prism accepts (200) is answered by the mock's own listing
 * instead of Prism's fixed example, so pages and windows behave as on the live API; in the stateful mode every
 * request Prism accepts is answered from the state. A `Prefer` header keeps Prism's answer, in both modes.
 */
function forwardTo(prism: URL, agent: Agent, executionsPage: ExecutionsPageOf, stateful: StatefulMock | undefined) {
  return async (incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> => {
    const target = new URL(incoming.url ?? "/", prism);
    const method = incoming.method ?? "GET";
    const audio = stateful?.audio(method, target.pathname);
    if (audio !== undefined) return send(outgoing, {}, audio);
    const headers: OutgoingHttpHeaders = { ...incoming.headers, host: prism.host };
    const body = await readBody(incoming);
    const answer = await ask(target, method, headers, body, agent);
    let reply: Reply | undefined;
    if (stateful !== undefined && answer.status < 400) {
      reply = await stateful.answer({ method, url: target, headers: incoming.headers, body }, answer.status);
    } else if (headers["prefer"] === undefined && isExecutionsListing(method, target) && answer.status === 200) {
      const page = executionsPage(target);
      if (page !== undefined) reply = { status: 200, body: page };
    }
    if (reply !== undefined) return send(outgoing, answer.headers, reply);
    outgoing.writeHead(answer.status, answer.headers);
    outgoing.end(answer.body);
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
 * Starts the mock and resolves once it answers requests; its port accepts connections only from then on.
 * Rejects with a `MockServerError` when an option is wrong (`BAD_OPTION`), when the port is taken (`PORT_IN_USE`,
 * checked first, before Prism is started), when Prism is not installed (`PRISM_MISSING`, with the install
 * command) or when it fails to start (`PRISM_FAILED`).
 */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const checked = checkOptions(options);
  const { host } = checked;
  // A busy port fails in milliseconds, not after Prism's start: the port is tried, released, and taken again once
  // the mock can answer (port 0 keeps the free port the try got).
  const probe = createServer();
  const port = (await listen(probe, checked.port, host)).port;
  await closeServer(probe);
  const prism = await startPrism();
  const agent = new Agent({ keepAlive: true });
  let stateful: StatefulMock | undefined;
  let forward: ReturnType<typeof forwardTo> | undefined;
  const front = createServer((incoming, outgoing) => {
    forward?.(incoming, outgoing).catch((error: unknown) => {
      if (outgoing.headersSent) return void outgoing.destroy(error as Error);
      outgoing.writeHead(502, { "content-type": "application/json" });
      outgoing.end(JSON.stringify({ message: `The mock's Prism process did not answer: ${(error as Error).message}` }));
    });
  });
  let address: AddressInfo;
  try {
    const spec: unknown = JSON.parse(readFileSync(bundledSpecPath(), "utf8"));
    const url = urlOf({ address: host, family: host.includes(":") ? "IPv6" : "IPv4", port });
    if (checked.stateful) stateful = createStatefulMock({ ...checked, spec, baseUrl: url });
    forward = forwardTo(new URL(prism.url), agent, createExecutionsListing(spec, Date.now()), stateful);
    address = await listen(front, port, host);
  } catch (error) {
    stateful?.close();
    agent.destroy();
    await prism.stop();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    url: urlOf(address),
    close() {
      closing ??= (async () => {
        stateful?.close();
        await closeServer(front);
        agent.destroy();
        await prism.stop();
      })();
      return closing;
    },
  };
}
