/**
 * The client's log: one line per attempt at the right level, the `BOLNA_LOG` switch, bodies only when asked, and
 * never the API key, even when the server echoes it.
 */
import { describe, expect, it } from "vitest";
import { createTransport, type RouteInfo } from "../../src/extensions/internal/transport.js";
import { createAttemptLog, type LogDetails, type Logger } from "../../src/extensions/logger.js";
import { ConfigurationError, createBolnaClient, type BolnaClientOptions } from "../../src/index.js";

const KEY = "bn-log-0123456789abcdef";
const AGENT = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

interface Line {
  level: keyof Logger;
  message: string;
  details: LogDetails | undefined;
}

function spyLogger(): { logger: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const record = (level: keyof Logger) => (message: string, details?: LogDetails) =>
    void lines.push({ level, message, details });
  return {
    lines,
    logger: { debug: record("debug"), info: record("info"), warn: record("warn"), error: record("error") },
  };
}

/** Answers with the statuses in `statuses`, one per request (the last one repeats), echoing the bearer token. */
function echoingServer(statuses: number[]) {
  let count = 0;
  return async (request: Request) => {
    const status = statuses[Math.min(count++, statuses.length - 1)] ?? 200;
    const token = request.headers.get("authorization") ?? "";
    return Response.json({ id: AGENT, echo: token }, { status, headers: { "x-echo": token } });
  };
}

function client(extra: BolnaClientOptions) {
  return createBolnaClient({ apiKey: KEY, env: {}, rateLimit: false, maxRetryDelayMs: 0, ...extra });
}

describe("attempt lines", () => {
  it("logs every attempt at debug: method, path, status, attempt number, backoff and timing", async () => {
    const { logger, lines } = spyLogger();
    const bolna = client({ logger, logLevel: "debug", fetch: echoingServer([503, 200]) });
    await bolna.getAgent({ agent_id: AGENT });
    expect(lines.map((line) => line.level)).toEqual(["info", "debug"]);
    const [retry, done] = lines.map((line) => line.details);
    expect(retry).toMatchObject({
      method: "GET",
      path: `/v2/agent/${AGENT}`,
      status: 503,
      attempt: 1,
      maxAttempts: 3,
      retryInMs: 0,
    });
    expect(done).toMatchObject({ method: "GET", path: `/v2/agent/${AGENT}`, status: 200, attempt: 2, maxAttempts: 3 });
    expect(done).not.toHaveProperty("retryInMs");
    for (const line of lines) expect(line.details?.durationMs).toBeGreaterThanOrEqual(0);
    expect(lines[0]?.message).toMatch(
      new RegExp(`^bolna: GET /v2/agent/${AGENT} attempt 1/3 → 503 in \\d+ ms; retrying in 0 ms$`),
    );
  });

  it("reports the backoff the transport actually waits", async () => {
    const { logger, lines } = spyLogger();
    const waited: number[] = [];
    const route = (): RouteInfo => ({ retrySafe: true, bucket: "default", requestsPerMinute: 1000 });
    let calls = 0;
    const transport = createTransport({
      route,
      random: () => 0,
      sleep: async (ms) => void waited.push(ms),
      fetch: async () => (calls++ < 2 ? Promise.reject(new TypeError("socket hang up")) : new Response("{}")),
      log: createAttemptLog({ logger, logLevel: "info" }),
    });
    await transport(new Request("https://api.bolna.ai/v2/agent/all"));
    expect(waited).toHaveLength(2);
    expect(lines.map((line) => [line.level, line.details?.attempt, line.details?.retryInMs])).toEqual([
      ["info", 1, waited[0]],
      ["info", 2, waited[1]],
    ]);
    expect(lines[0]?.details?.failure).toMatch(/socket hang up/);
  });

  it("keeps below-threshold lines out: at warn, only a request that ended in 429/5xx or without a response", async () => {
    const { logger, lines } = spyLogger();
    const bolna = client({ logger, logLevel: "warn", maxRetries: 1, fetch: echoingServer([503, 503]) });
    await expect(bolna.getAgent({ agent_id: AGENT })).rejects.toThrow();
    await bolna.getCurrentUser().catch(() => undefined);
    expect(lines.map((line) => [line.level, line.details?.status, line.details?.attempt])).toEqual([
      ["warn", 503, 2],
      ["warn", 503, 2],
    ]);

    const quiet = spyLogger();
    const offline = client({
      logger: quiet.logger,
      logLevel: "error",
      maxRetries: 0,
      fetch: () => Promise.reject(new TypeError("offline")),
    });
    await expect(offline.getCurrentUser()).rejects.toThrow(/offline/);
    expect(quiet.lines.map((line) => [line.level, line.details?.failure])).toEqual([
      ["error", expect.stringMatching(/offline/)],
    ]);
  });

  it("writes nothing by default", async () => {
    const { logger, lines } = spyLogger();
    await client({ logger, fetch: echoingServer([503, 200]) }).getAgent({ agent_id: AGENT });
    expect(lines).toEqual([]);
  });
});

describe("never the key", () => {
  it("redacts a key the server echoes, in bodies too, and logs no headers", async () => {
    const { logger, lines } = spyLogger();
    const bolna = client({ logger, logLevel: "debug", logBodies: true, fetch: echoingServer([500, 200]) });
    // A request body carrying the key (a caller's mistake) is redacted as well.
    await bolna
      .makeCall({ agent_id: AGENT, recipient_phone_number: "+10123456789", user_data: { note: KEY } })
      .catch(() => undefined);
    expect(lines[0]?.details?.requestBody).toContain("[redacted]");
    await bolna.getAgent({ agent_id: AGENT });
    const written = JSON.stringify(lines);
    expect(written).not.toContain(KEY);
    // The bodies were logged (so the check above had something to look at), with the key replaced.
    expect(lines.at(-1)?.details?.responseBody).toContain("[redacted]");
    expect(written).not.toMatch(/x-echo|authorization/i);
  });

  it("leaves bodies out unless logBodies is on", async () => {
    const { logger, lines } = spyLogger();
    await client({ logger, logLevel: "debug", fetch: echoingServer([200]) }).getAgent({ agent_id: AGENT });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.details).not.toHaveProperty("responseBody");
    expect(lines[0]?.details).not.toHaveProperty("requestBody");
  });
});

describe("configuration", () => {
  it("turns on with BOLNA_LOG (any case) and lets the option win over it", async () => {
    const { logger, lines } = spyLogger();
    const fetch = echoingServer([200]);
    const fromEnv = createBolnaClient({ apiKey: KEY, env: { BOLNA_LOG: " DEBUG " }, rateLimit: false, logger, fetch });
    await fromEnv.getAgent({ agent_id: AGENT });
    expect(lines).toHaveLength(1);
    const silenced = createBolnaClient({
      apiKey: KEY,
      env: { BOLNA_LOG: "debug" },
      rateLimit: false,
      logger,
      fetch,
      logLevel: "off",
    });
    await silenced.getAgent({ agent_id: AGENT });
    expect(lines).toHaveLength(1);
  });

  it("refuses an unknown level or a logger without the four methods, naming what is allowed", () => {
    expect(() => createBolnaClient({ apiKey: KEY, env: { BOLNA_LOG: "verbose" } })).toThrow(
      new ConfigurationError('BOLNA_LOG must be one of off, error, warn, info, debug; got "verbose".'),
    );
    expect(() => createBolnaClient({ apiKey: KEY, env: {}, logLevel: "loud" as never })).toThrow(
      /logLevel must be one of/,
    );
    expect(() =>
      createBolnaClient({ apiKey: KEY, env: {}, logLevel: "debug", logger: { debug() {} } as never }),
    ).toThrow(/info is missing/);
  });
});

describe("middleware (use/eject), as the README documents it", () => {
  it("runs onRequest once per call, before the retries, and onResponse on the final response", async () => {
    const seen: string[] = [];
    let sent = 0;
    const fetch = async (request: Request) => {
      sent += 1;
      seen.push(`sent ${request.headers.get("x-trace-id")}`);
      return new Response(JSON.stringify({ id: AGENT }), { status: sent === 1 ? 503 : 200 });
    };
    const bolna = client({ fetch });
    const middleware = {
      onRequest({ request }: { request: Request }) {
        seen.push("onRequest");
        request.headers.set("x-trace-id", "t-1");
      },
      onResponse({ response }: { response: Response }) {
        seen.push(`onResponse ${response.status}`);
      },
    };
    bolna.use(middleware);
    await bolna.getAgent({ agent_id: AGENT });
    expect(seen).toEqual(["onRequest", "sent t-1", "sent t-1", "onResponse 200"]);
    bolna.eject(middleware);
    await bolna.getAgent({ agent_id: AGENT });
    expect(seen.slice(4)).toEqual(["sent null"]);
  });
});
