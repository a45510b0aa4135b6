/**
 * Recording downloads: the API's redirect is read, never followed with the client's request, and the storage host
 * gets a request without any of the client's headers. Two loopback servers on different ports (different origins)
 * play the API and the storage host.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  APIConnectionError,
  APIUserAbortError,
  BolnaError,
  BolnaInputError,
  createBolnaClient,
  downloadRecording,
  getRecordingUrl,
  NotFoundError,
} from "../../src/index.js";
import { startFaultServer, type FaultServer } from "../support/fault-server.js";

const KEY = "recordings-test-key";
const EXECUTION = "4c06b4d1-4096-4561-919a-4f94539c8d4a";
const AUDIO = new Uint8Array([0x49, 0x44, 0x33, 0x04, 0x00, 0x2a]);
const SIGNATURE = "X-Amz-Signature=5ec12e7";

const servers: FaultServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function storageAndApi(
  apiAnswer: (storageUrl: string) => { status: number; headers?: Record<string, string>; body?: string },
) {
  const storage = await startFaultServer(() => ({
    status: 200,
    headers: { "content-type": "audio/mpeg" },
    body: AUDIO,
  }));
  const api = await startFaultServer(() => apiAnswer(storage.url));
  servers.push(storage, api);
  const bolna = createBolnaClient({
    apiKey: KEY,
    baseUrl: api.url,
    env: {},
    rateLimit: false,
    maxRetries: 0,
    headers: { "X-Team": "ops" },
  });
  return { storage, api, bolna };
}

const redirectTo = (url: string) => ({ status: 302, headers: { location: url } });

describe("downloadRecording", () => {
  it("fetches the audio from the storage host without the API key or any client header", async () => {
    const { storage, api, bolna } = await storageAndApi((s) => redirectTo(`${s}/calls/${EXECUTION}.mp3?${SIGNATURE}`));
    const response = await downloadRecording(bolna, { execution_id: EXECUTION });
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(AUDIO);

    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]?.path).toBe(`/recordings/call/${EXECUTION}`);
    expect(api.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);

    expect(storage.requests).toHaveLength(1);
    const sent = storage.requests[0];
    expect(sent?.path).toBe(`/calls/${EXECUTION}.mp3`);
    expect(sent?.query.get("X-Amz-Signature")).toBe("5ec12e7");
    expect(sent?.headers.authorization).toBeUndefined();
    expect(sent?.headers.cookie).toBeUndefined();
    expect(sent?.headers["x-team"]).toBeUndefined();
    expect(sent?.headers["x-bolna-client"]).toBeUndefined();
    expect(JSON.stringify(sent?.headers)).not.toContain(KEY);
  });

  it("asks for the transfer leg's recording with leg: transfer", async () => {
    const { api, bolna } = await storageAndApi((s) => redirectTo(`${s}/transfers/${EXECUTION}.mp3`));
    await (await downloadRecording(bolna, { execution_id: EXECUTION, leg: "transfer" })).arrayBuffer();
    expect(api.requests[0]?.path).toBe(`/recordings/transfer/${EXECUTION}`);
  });

  it("returns the API's own answer when it serves the audio instead of redirecting", async () => {
    const { storage, bolna } = await storageAndApi(() => ({
      status: 200,
      headers: { "content-type": "audio/mpeg" },
      body: "ID3-bytes",
    }));
    expect(await (await downloadRecording(bolna, { execution_id: EXECUTION })).text()).toBe("ID3-bytes");
    expect(storage.requests).toHaveLength(0);
    await expect(getRecordingUrl(bolna, { execution_id: EXECUTION })).rejects.toThrow(
      /served the recording itself \(HTTP 200\)/,
    );
  });

  it("reports a storage refusal with the host and status, never the signed URL or the key", async () => {
    const storage = await startFaultServer(() => ({ status: 403, body: "<Error>AccessDenied</Error>" }));
    const api = await startFaultServer(() => redirectTo(`${storage.url}/calls/x.mp3?${SIGNATURE}`));
    servers.push(storage, api);
    const bolna = createBolnaClient({ apiKey: KEY, baseUrl: api.url, env: {}, rateLimit: false, maxRetries: 0 });
    const error = await downloadRecording(bolna, { execution_id: EXECUTION }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BolnaError);
    const message = (error as Error).message;
    expect(message).toBe(
      `The storage host ${new URL(storage.url).host} answered HTTP 403 for the recording; the link may have expired: ask for a new one.`,
    );
    expect(message).not.toContain("5ec12e7");
    expect(message).not.toContain(KEY);
  });

  it("reports a storage host it cannot reach as an APIConnectionError, not a raw fetch TypeError", async () => {
    // A port that was listening a moment ago and is closed now: the connection is refused.
    const closed = await startFaultServer(() => ({ status: 200 }));
    await closed.close();
    const api = await startFaultServer(() => redirectTo(`${closed.url}/calls/x.mp3?${SIGNATURE}`));
    servers.push(api);
    const bolna = createBolnaClient({ apiKey: KEY, baseUrl: api.url, env: {}, rateLimit: false, maxRetries: 0 });
    const error = await downloadRecording(bolna, { execution_id: EXECUTION }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).toBeInstanceOf(BolnaError);
    const message = (error as Error).message;
    expect(message).toContain(`storage host ${new URL(closed.url).host}`);
    expect(message).toContain("ECONNREFUSED");
    expect(message).not.toContain("5ec12e7");

    // Aborted once the API has answered, while the storage request is on its way.
    const controller = new AbortController();
    const storage = await startFaultServer(() => ({ status: 200, body: AUDIO }));
    const redirecting = await startFaultServer(() => redirectTo(`${storage.url}/calls/x.mp3`));
    servers.push(storage, redirecting);
    const client = createBolnaClient({ apiKey: KEY, baseUrl: redirecting.url, env: {}, rateLimit: false });
    const storageFetch = (request: Request) => {
      controller.abort();
      return fetch(request);
    };
    const aborted = await downloadRecording(
      client,
      { execution_id: EXECUTION },
      { signal: controller.signal, fetch: storageFetch },
    ).catch((e: unknown) => e);
    expect(aborted).toBeInstanceOf(APIUserAbortError);
  });
});

describe("getRecordingUrl", () => {
  it("returns the Location without requesting it", async () => {
    const { storage, bolna } = await storageAndApi((s) => redirectTo(`${s}/calls/a.mp3?${SIGNATURE}`));
    const url = await getRecordingUrl(bolna, { execution_id: EXECUTION });
    expect(url.href).toBe(`${storage.url}/calls/a.mp3?${SIGNATURE}`);
    expect(storage.requests).toHaveLength(0);
  });

  it("resolves a relative Location against the API URL", async () => {
    const { api, bolna } = await storageAndApi(() => redirectTo("/files/a.mp3"));
    expect((await getRecordingUrl(bolna, { execution_id: EXECUTION })).href).toBe(`${api.url}/files/a.mp3`);
  });

  it("surfaces an API error status as its typed error", async () => {
    const { bolna } = await storageAndApi(() => ({
      status: 404,
      headers: { "content-type": "application/json" },
      body: '{"detail":"Not Found"}',
    }));
    const error = await getRecordingUrl(bolna, { execution_id: EXECUTION }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain(`GET /recordings/call/${EXECUTION}`);
  });

  it("refuses a redirect without a Location", async () => {
    const { bolna } = await storageAndApi(() => ({ status: 302 }));
    await expect(getRecordingUrl(bolna, { execution_id: EXECUTION })).rejects.toThrow(
      "The API redirected without a Location header (HTTP 302).",
    );
  });

  it("refuses a redirect from https down to plain http, and one to another scheme", async () => {
    const answers = ["http://storage.example.com/a.mp3", "ftp://storage.example.com/a.mp3"];
    for (const location of answers) {
      const fetched: string[] = [];
      const bolna = createBolnaClient({
        apiKey: KEY,
        env: {},
        rateLimit: false,
        fetch: async (request) => {
          fetched.push(request.url);
          return new Response(null, { status: 302, headers: { location } });
        },
      });
      const storageFetch = async (request: Request): Promise<Response> => {
        fetched.push(request.url);
        return new Response("audio");
      };
      const error = await downloadRecording(bolna, { execution_id: EXECUTION }, { fetch: storageFetch }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BolnaError);
      expect((error as Error).message).toMatch(/from https to plain http|only https is followed/);
      expect(fetched, "only the API was asked").toEqual([`https://api.bolna.ai/recordings/call/${EXECUTION}`]);
    }
  });

  it("says to run on a server when the runtime hides redirects (a browser's opaque redirect)", async () => {
    const bolna = createBolnaClient({ apiKey: KEY, env: {}, rateLimit: false, fetch: async () => Response.error() });
    await expect(getRecordingUrl(bolna, { execution_id: EXECUTION })).rejects.toThrow(/hides redirects.*from a server/);
  });

  it.each([
    [{ execution_id: "" }, "execution_id"],
    [{ execution_id: 42 as unknown as string }, "execution_id"],
    [{ execution_id: EXECUTION, leg: "agent" as "call" }, "leg"],
  ])("refuses %j before sending anything", async (args, field) => {
    const sent: Request[] = [];
    const bolna = createBolnaClient({
      apiKey: KEY,
      env: {},
      rateLimit: false,
      fetch: async (r) => (sent.push(r), new Response(null, { status: 302 })),
    });
    const error = await getRecordingUrl(bolna, args).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BolnaInputError);
    expect((error as BolnaInputError).field).toBe(field);
    expect(sent).toHaveLength(0);
  });
});
