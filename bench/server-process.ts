/**
 * Runs one fake Bolna (`test/support/fake-bolna.ts`) in a process of its own for `bench/run.ts`, so generating and
 * serialising pages does not share the measured client's event loop or heap (as with a real, remote API).
 *
 * `startServerProcess(options)` forks this file (inheriting the tsx loader) and talks to it over IPC:
 * `{ type: "start", options }` → `{ type: "started", url }`; `{ type: "stats", reset? }` → `{ type: "stats", stats }`;
 * `{ type: "close" }` → the child closes the server and exits. Options must be plain data (no `override`).
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { DatasetOptions } from "../test/support/execution-dataset.js";
import {
  startFakeBolna,
  type FakeBolna,
  type FakeBolnaOptions,
  type FakeBolnaStats,
} from "../test/support/fake-bolna.js";

export type ServerProcessOptions = Omit<FakeBolnaOptions, "override" | "dataset"> & { dataset: DatasetOptions };

type Request =
  { type: "start"; options: ServerProcessOptions } | { type: "stats"; reset?: boolean } | { type: "close" };
type Reply =
  { type: "started"; url: string } | { type: "stats"; stats: FakeBolnaStats } | { type: "error"; message: string };

export interface ServerProcess {
  url: string;
  /** The server's counters; `reset` clears them after reading. */
  stats(reset?: boolean): Promise<FakeBolnaStats>;
  close(): Promise<void>;
}

function ask(child: ChildProcess, request: Request, expect: Reply["type"]): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: Reply): void => {
      if (reply.type !== expect && reply.type !== "error") return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      if (reply.type === "error") reject(new Error(`fake Bolna process: ${reply.message}`));
      else resolve(reply);
    };
    const onExit = (code: number | null): void => {
      child.off("message", onMessage);
      reject(new Error(`fake Bolna process exited (code ${code})`));
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
    child.send(request);
  });
}

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const child = fork(fileURLToPath(import.meta.url), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const started = (await ask(child, { type: "start", options }, "started")) as Extract<Reply, { type: "started" }>;
  return {
    url: started.url,
    async stats(reset = false) {
      const reply = (await ask(child, { type: "stats", reset }, "stats")) as Extract<Reply, { type: "stats" }>;
      return reply.stats;
    },
    close() {
      if (child.exitCode !== null) return Promise.resolve();
      return new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.send({ type: "close" } satisfies Request);
      });
    },
  };
}

/** The child side. */
function serve(): void {
  let server: FakeBolna | undefined;
  const reply = (message: Reply): void => void process.send?.(message);
  process.on("message", (request: Request) => {
    void (async () => {
      try {
        if (request.type === "start") {
          server = await startFakeBolna(request.options);
          reply({ type: "started", url: server.url });
        } else if (request.type === "stats") {
          if (server === undefined) throw new Error("not started");
          reply({ type: "stats", stats: structuredClone(server.stats) });
          if (request.reset) server.resetStats();
        } else {
          await server?.close();
          process.disconnect?.();
          process.exit(0);
        }
      } catch (error) {
        reply({ type: "error", message: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
  // The parent died without saying goodbye: do not linger.
  process.on("disconnect", () => process.exit(0));
}

if (process.send !== undefined && process.argv[1] === fileURLToPath(import.meta.url)) serve();
