/**
 * `npm run mock` as a user runs it (a child process on a free port), and what a user's code gets from it: a walk
 * and a 30-day export that end on their own with the spec's example executions, `Prefer` headers honoured, and a
 * clear failure (exit status 1, before Prism is started) when the port is already taken.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBolnaClient, NotFoundError } from "../../src/index.js";
import { MockServerError, startMockServer } from "../../src/mock/server.js";
import { exampleExecutionIds } from "../support/spec-examples.js";

const ROOT = resolve(import.meta.dirname, "../..");
const AGENT_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const DAY_MS = 86_400_000;

interface MockProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function runMockScript(args: string[]): MockProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/mock.ts", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = once(child, "exit").then(([code]) => code as number | null);
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/** Resolves with the URL the script prints once ready, or rejects with its output if it exits first. */
async function readyUrl(mock: MockProcess): Promise<string> {
  for (;;) {
    const match = /ready on (http:\/\/\S+)/.exec(mock.stdout());
    if (match?.[1] !== undefined) return match[1];
    const exited = await Promise.race([mock.exit.then(() => true), new Promise((done) => setTimeout(done, 50, false))]);
    if (exited) throw new Error(`npm run mock exited early:\n${mock.stdout()}\n${mock.stderr()}`);
  }
}

/** An HTTP server already answering on a loopback port, as an old mock would be. */
async function occupiedPort(): Promise<{ server: Server; port: number }> {
  const server = createServer((_request, response) => response.end("an old server"));
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return { server, port: (server.address() as AddressInfo).port };
}

describe("npm run mock", () => {
  let mock: MockProcess;
  let url: string;

  beforeAll(async () => {
    mock = runMockScript(["--port", "0"]);
    url = await readyUrl(mock);
  }, 60_000);

  afterAll(async () => {
    if (mock.child.exitCode === null) mock.child.kill("SIGTERM");
    await mock.exit;
  });

  it("answers as soon as it says it is ready", async () => {
    const response = await fetch(`${url}/v2/agent/all`, { headers: { Authorization: "Bearer any" } });
    expect(response.status).toBe(200);
    expect(Array.isArray(await response.json())).toBe(true);
  });

  it("lets a for-await walk over listAgentExecutions end on its own with the example executions", async () => {
    const bolna = createBolnaClient({ baseUrl: url, apiKey: "any" });
    const now = Date.now();
    const list = bolna.listAgentExecutions({
      agent_id: AGENT_ID,
      from: new Date(now - 7 * DAY_MS).toISOString(),
      to: new Date(now).toISOString(),
    });
    const ids: string[] = [];
    for await (const execution of list) ids.push(execution.id);
    expect(ids).toEqual(exampleExecutionIds());
  });

  it("lets a 30-day exportExecutions end on its own, each example execution once", async () => {
    const bolna = createBolnaClient({ baseUrl: url, apiKey: "any" });
    let pages = 0;
    const ids: string[] = [];
    const exported = bolna.exportExecutions({
      agent_id: AGENT_ID,
      from: new Date(Date.now() - 30 * DAY_MS),
      onProgress: () => void pages++,
    });
    for await (const execution of exported) ids.push(execution.id);
    expect(ids).toEqual(exampleExecutionIds());
    // Five windows (4 × 7 days + 2) of one page each: four empty ones and the newest, with the three executions.
    expect(pages).toBe(5);
  });

  it("honours a Prefer header the caller sends", async () => {
    const bolna = createBolnaClient({ baseUrl: url, apiKey: "any" });
    await expect(
      bolna.getBatch({ batch_id: "baab7cdc833145bf8dd260ff1f0a3f21" }, { headers: { Prefer: "code=404" } }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("stops on SIGTERM with exit status 0", async () => {
    mock.child.kill("SIGTERM");
    expect(await mock.exit).toBe(0);
    expect(mock.stdout()).toContain("Mock stopped.");
  });
});

describe("the mock on a port that is already taken", () => {
  let occupied: { server: Server; port: number };

  beforeAll(async () => {
    occupied = await occupiedPort();
  });

  afterAll(async () => {
    await new Promise((done) => occupied.server.close(done));
  });

  it("startMockServer rejects with PORT_IN_USE instead of taking the old server for itself", async () => {
    const error = await startMockServer({ port: occupied.port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MockServerError);
    expect(error).toMatchObject({ code: "PORT_IN_USE" });
    expect((error as Error).message).toContain(`port ${occupied.port} on 127.0.0.1 is already in use`);
  });

  it("npm run mock exits 1 with that message", async () => {
    const run = runMockScript(["--port", String(occupied.port)]);
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toContain(
      `npm run mock: Cannot start the mock: port ${occupied.port} on 127.0.0.1 is already in use`,
    );
    expect(run.stdout()).not.toContain("ready");
  }, 30_000);

  it("npm run mock exits 2 on a bad port", async () => {
    const run = runMockScript(["--port", "http"]);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain("--port must be an integer from 0 to 65535");
  }, 30_000);
});
