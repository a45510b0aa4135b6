/**
 * Runs Prism (`@stoplight/prism-cli`, an optional peer dependency) on the spec bundled with this package, on a
 * loopback port of its own. The mock server puts its front in front of it; the contract tests use it directly.
 *
 * - Prism is resolved from this package's location and run with this Node (`process.execPath`): never through
 *   npx, no downloads, no shell. When it is not installed, the error says how to install it.
 * - It runs with `--errors`: a response whose example breaks its own schema becomes a 500 instead of a warning,
 *   so a broken spec fails loudly.
 * - It listens on port 0 and reports the port it got in its own log line, so the port is ours by construction
 *   (an old mock on a fixed port cannot pass for this one). "Ready" then means Prism answered an HTTP request.
 * - `stop()` sends SIGTERM, escalates to SIGKILL after 5 s, and leaves no timer holding the event loop.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { setTimeout as delay } from "node:timers/promises";

/** What a user installs to run the mock; the version every test of this package runs against. */
export const PRISM_INSTALL = "npm install --save-dev @stoplight/prism-cli@5.14.2";

export type MockServerErrorCode = "PRISM_MISSING" | "PRISM_FAILED" | "PORT_IN_USE" | "LISTEN_FAILED" | "BAD_OPTION";

/** Why the mock could not start, with what to do about it in the message. */
export class MockServerError extends Error {
  override readonly name = "MockServerError";
  constructor(
    readonly code: MockServerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface PrismProcess {
  /** e.g. `http://127.0.0.1:41233` */
  readonly url: string;
  stop(): Promise<void>;
}

export interface StartPrismOptions {
  /** The spec to serve. Default: the package's bundled `openapi.json`. */
  spec?: string;
  /** Milliseconds to wait for Prism to answer. Default 30 000 (it parses the spec for 1–2 s). */
  readyTimeoutMs?: number;
}

const HOST = "127.0.0.1";
const LISTENING = /Prism is listening on (http:\/\/\S+)/;
const require = createRequire(import.meta.url);

function resolvePrism(): string {
  try {
    return require.resolve("@stoplight/prism-cli/dist/index.js");
  } catch (error) {
    throw new MockServerError(
      "PRISM_MISSING",
      `The mock server runs Prism, an optional peer dependency of bolna-api-client that is not installed. ` +
        `Install it in your project with: ${PRISM_INSTALL}`,
      { cause: error },
    );
  }
}

/** The spec shipped with the package (`bolna-api-client/openapi.json`), found through the package's own exports. */
export function bundledSpecPath(): string {
  return require.resolve("bolna-api-client/openapi.json");
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  timer.unref();
  await exited;
  clearTimeout(timer);
}

/** Resolves with the URL Prism says it listens on; rejects if it exits or stays silent past the deadline. */
function listeningUrl(child: ChildProcess, deadline: number, log: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-4_000);
      const match = LISTENING.exec(seen);
      if (match?.[1] !== undefined) finish(() => resolve(match[1] as string));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      finish(() => reject(new Error(`Prism exited (${signal ?? `code ${code}`}) before listening.\n${log()}`)));
    const timer = setTimeout(
      () => finish(() => reject(new Error(`Prism did not start listening in time.\n${log()}`))),
      Math.max(0, deadline - Date.now()),
    );
    timer.unref();
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onData);
      child.off("exit", onExit);
      settle();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
  });
}

/** Waits until an HTTP request to Prism gets an answer (any status: Prism answered it). */
async function untilAnswering(url: string, child: ChildProcess, deadline: number): Promise<void> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error("Prism exited while starting.");
    try {
      const response = await fetch(`${url}/v2/agent/all`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`Prism did not answer HTTP requests in time.`, { cause: error });
      await delay(50);
    }
  }
}

export async function startPrism(options: StartPrismOptions = {}): Promise<PrismProcess> {
  const cli = resolvePrism();
  const spec = options.spec ?? bundledSpecPath();
  // `-v info` because Prism reports the port it bound only at that level; the request lines it also logs are
  // kept in a short tail for error messages, nothing more.
  const args = [cli, "mock", spec, "--host", HOST, "--port", "0", "--errors", "-v", "info"];
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
  });
  let tail = "";
  const collect = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-8_000);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const spawned = new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", reject);
  });

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  try {
    await spawned;
    const url = (await listeningUrl(child, deadline, () => tail)).replace(/\/+$/, "");
    await untilAnswering(url, child, deadline);
    return { url, stop: () => stopChild(child) };
  } catch (error) {
    await stopChild(child);
    throw new MockServerError(
      "PRISM_FAILED",
      `Prism, which serves the mock, did not start: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
