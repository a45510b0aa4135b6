/**
 * `tsx scripts/parallel.ts <script>…`: runs independent npm scripts (`npm run -s <script>`) as many at a time as
 * the machine has cores, so that single-threaded checks (tsc, eslint, redocly) share a 2-core machine instead of
 * queueing. Each script's output is printed whole when it ends, under its name and duration, so outputs never
 * interleave. All scripts run even when one fails, so every failure is shown; the exit status is 1 if any failed.
 *
 * Only for scripts that neither write what another reads nor depend on another's output (`npm test` runs the
 * read-only checks and the API reference this way).
 */
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";

interface Outcome {
  script: string;
  code: number | null;
  seconds: number;
}

function runScript(script: string): Promise<Outcome> {
  const started = performance.now();
  const child = spawn("npm", ["run", "-s", script], { stdio: ["ignore", "pipe", "pipe"] });
  const chunks: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
  return new Promise((done) => {
    const finish = (code: number | null): void => {
      const seconds = (performance.now() - started) / 1000;
      const output = Buffer.concat(chunks).toString().trimEnd();
      const verdict = code === 0 ? "ok" : `FAILED (exit ${code})`;
      process.stdout.write(`\n> ${script}: ${verdict} in ${seconds.toFixed(1)} s\n${output ? `${output}\n` : ""}`);
      done({ script, code, seconds });
    };
    child.once("error", (error) => {
      chunks.push(Buffer.from(String(error)));
      finish(null);
    });
    child.once("close", finish);
  });
}

async function main(scripts: readonly string[]): Promise<number> {
  if (scripts.length === 0) {
    process.stderr.write("usage: tsx scripts/parallel.ts <npm script>...\n");
    return 2;
  }
  const queue = [...scripts];
  const outcomes: Outcome[] = [];
  const worker = async (): Promise<void> => {
    for (let script = queue.shift(); script !== undefined; script = queue.shift())
      outcomes.push(await runScript(script));
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), scripts.length) }, worker));
  const failed = outcomes.filter((outcome) => outcome.code !== 0).map((outcome) => outcome.script);
  if (failed.length > 0) process.stderr.write(`\nFailed: ${failed.join(", ")}\n`);
  return failed.length > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
