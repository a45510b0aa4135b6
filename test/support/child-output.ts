import type { ChildProcessWithoutNullStreams, ChildProcessByStdio } from "node:child_process";
import type { Readable } from "node:stream";

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Everything a child process prints, and its exit code, once it has closed. */
export function collectOutput(
  child: ChildProcessWithoutNullStreams | ChildProcessByStdio<null, Readable, Readable>,
): Promise<RunResult> {
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done, fail) => {
    child.once("error", fail);
    child.once("close", (code) => done({ code, stdout, stderr }));
  });
}
