/**
 * Runs `bolna-api` the way a user does, as a child process, with no BOLNA_* variables from the test's own
 * environment unless given. What runs is src/cli/main.ts bundled by the cli project's global setup
 * (../build-setup.ts), so the tests need no `npm run build`.
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { once } from "node:events";
import { resolve } from "node:path";
import type { Readable } from "node:stream";

export const ROOT = resolve(import.meta.dirname, "../../..");
export const CLI_SOURCE = resolve(ROOT, "src/cli/main.ts");
export const CLI_BUNDLE = resolve(ROOT, "build/cli-test/bolna-api.mjs");
/** The command line that starts the CLI; append its arguments. */
export const CLI_COMMAND: readonly string[] = [process.execPath, CLI_BUNDLE];

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Output so far. */
  readonly stdout: string;
  readonly stderr: string;
  done: Promise<CliResult>;
}

function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith("BOLNA_")) env[name] = value;
  }
  return { ...env, NO_COLOR: "1", ...extra };
}

export function startCli(args: readonly string[], env: Record<string, string> = {}, cwd = ROOT): CliProcess {
  const [node = process.execPath, ...script] = CLI_COMMAND;
  const child = spawn(node, [...script, ...args], {
    cwd,
    env: cleanEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = (async (): Promise<CliResult> => {
    const [code, signal] = (await once(child, "close")) as [number | null, NodeJS.Signals | null];
    return { code, signal, stdout, stderr };
  })();
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    done,
  };
}

export function runCli(args: readonly string[], env: Record<string, string> = {}, cwd = ROOT): Promise<CliResult> {
  return startCli(args, env, cwd).done;
}
