/**
 * Starts and stops a Prism mock of the bundled spec. Used by `npm run mock`, `npm start`, the examples and the
 * contract tests' global setup, so all of them see the same server.
 *
 * - Prism is the pinned `@stoplight/prism-cli` from node_modules, run with this Node (`process.execPath`), never
 *   through npx (no downloads, no shell).
 * - It runs with `--errors`: a response whose example breaks its own schema becomes a 500 instead of a warning,
 *   so a broken spec fails loudly.
 * - "Ready" means the port accepts TCP connections, not that a log line appeared (log levels hide it).
 * - `stop()` sends SIGTERM, escalates to SIGKILL after 5 s, and leaves no timer holding the event loop.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { connect, createServer } from "node:net";
import { resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";

const HOST = "127.0.0.1";
const require = createRequire(import.meta.url);

export const BUNDLED_SPEC = resolve(import.meta.dirname, "../../src/generated/openapi.json");

export interface PrismMock {
  /** e.g. `http://127.0.0.1:4010` */
  readonly url: string;
  stop(): Promise<void>;
}

export interface PrismOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  spec?: string;
  /** Milliseconds to wait for the port to open. Default 30 000 (Prism parses the spec for ~1–2 s). */
  readyTimeoutMs?: number;
  /** Forward Prism's own log lines (default: only shown if it fails to start). */
  onLog?: (line: string) => void;
}

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, HOST);
  await once(server, "listening");
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (address === null || typeof address === "string") throw new Error("could not pick a free port");
  return address.port;
}

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, HOST);
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
  });
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

export async function startPrismMock(options: PrismOptions = {}): Promise<PrismMock> {
  const port = options.port || (await freePort());
  const cli = require.resolve("@stoplight/prism-cli/dist/index.js");
  const args = [cli, "mock", options.spec ?? BUNDLED_SPEC, "--host", HOST, "--port", String(port), "--errors", "-v", "warn"];
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
  });
  let log = "";
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    log = (log + text).slice(-20_000);
    options.onLog?.(text);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  try {
    while (!(await portIsOpen(port))) {
      if (child.exitCode !== null) throw new Error(`Prism exited with code ${child.exitCode} before listening:\n${log}`);
      if (Date.now() > deadline) throw new Error(`Prism did not open port ${port} in time:\n${log}`);
      await delay(50);
    }
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { url: `http://${HOST}:${port}`, stop: () => stopChild(child) };
}
