/**
 * `bolna-api export` as a child process against the loopback fake Bolna (`test/support/fake-bolna.ts`): JSONL and
 * CSV checked record by record against the fake's dataset, progress only on a terminal, and Ctrl-C and kill -9 in
 * the middle, then resumed. Exports through injected faults are in `export-faults.test.ts`.
 */
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeBolna, type FakeBolna } from "../support/fake-bolna.js";
import { LISTING_LIMITS } from "../support/listing-query.js";
import {
  dataset,
  DAY,
  ENV,
  expectCsv,
  expectedIds,
  expectJsonl,
  exportArgs,
  FROM,
  readSaved,
  tempFiles,
  TO,
  windows,
} from "./support/export-setup.js";
import { CLI_COMMAND, runCli, startCli } from "./support/run-cli.js";

const file = tempFiles();

describe("a complete export", () => {
  let server: FakeBolna;
  beforeAll(async () => {
    server = await startFakeBolna({ dataset });
  });
  afterAll(() => server.close());

  it("the range has records on both shared window bounds, and three windows of 11, 11 and 7 pages", () => {
    expect(expectedIds.length).toBe(dataset.range(FROM, TO).count);
    const pages = windows.map((w) => Math.ceil(dataset.range(w.from, w.to).count / LISTING_LIMITS.maxPageSize));
    expect(pages).toEqual([11, 11, 7]);
    for (const days of [7, 14]) {
      const bound = new Date(Date.parse(FROM) + days * DAY);
      expect(dataset.range(bound, bound).count).toBe(1);
    }
  });

  it("writes JSONL to stdout, record by record, and nothing to stderr when it is not a terminal", async () => {
    const result = await runCli(exportArgs(server), ENV);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expectJsonl(result.stdout);
  });

  it("writes CSV to --output with dotted columns and correct quoting", async () => {
    const output = file("calls.csv");
    const result = await runCli(exportArgs(server, "--format", "csv", "--output", output), ENV);
    expect(result).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expectCsv(await readFile(output, "utf8"));
  });

  it.skipIf(!hasScript())("shows progress on stderr when it is a terminal", async () => {
    const output = file("tty.jsonl");
    // `script` runs the command on a pseudo-terminal; its own stdout is what the terminal showed.
    const command = [...CLI_COMMAND, ...exportArgs(server, "--output", output, "--concurrency", "1")]
      .map((arg) => `'${arg}'`)
      .join(" ");
    // Asynchronously: the fake server runs in this process and must keep answering meanwhile.
    const screen = await onTerminal(command, ENV);
    expect(screen).toContain("\r\x1b[2K");
    expect(screen).toMatch(
      /[\d,]+ records · \d+ pages · window [123]\/3 \(page \d+\/\d+\) · [\d,]+ records\/s · ETA \d+:\d\d/,
    );
    expect(screen).toContain(`${expectedIds.length.toLocaleString("en-US")} records`);
    expectJsonl(await readFile(output, "utf8"));
  });
});

/** Runs a shell command on a pseudo-terminal (util-linux `script`) and returns what the terminal showed. */
async function onTerminal(command: string, env: Record<string, string>): Promise<string> {
  const child = spawn("script", ["-qfec", command, "/dev/null"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let screen = "";
  child.stdout.on("data", (chunk: Buffer) => (screen += chunk.toString()));
  const [code] = (await once(child, "close")) as [number | null];
  expect(code, screen).toBe(0);
  return screen;
}

function hasScript(): boolean {
  try {
    execFileSync("script", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("stopped from outside, then resumed", () => {
  let server: FakeBolna;
  beforeAll(async () => {
    // Slow pages so the export is still running when the signal comes.
    server = await startFakeBolna({ dataset, latencyMs: 150 });
  });
  afterAll(() => server.close());

  async function waitFor(condition: () => Promise<boolean>, what: string): Promise<void> {
    for (let i = 0; i < 600; i++) {
      if (await condition()) return;
      await delay(50);
    }
    throw new Error(`timed out waiting for ${what}`);
  }
  const sizeOf = async (path: string): Promise<number> => (existsSync(path) ? (await stat(path)).size : 0);

  it("Ctrl-C (SIGINT) saves the checkpoint and exits 130; resuming completes the file exactly once", async () => {
    const output = file("sigint.jsonl");
    const checkpoint = file("sigint.ckpt");
    const run = startCli(exportArgs(server, "--output", output, "--checkpoint", checkpoint, "--concurrency", "1"), ENV);
    await waitFor(async () => (await sizeOf(output)) > 0, "the first records");
    run.child.kill("SIGINT");
    const stopped = await run.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain("Interrupted (SIGINT)");
    const saved = await readSaved(checkpoint);
    expect(saved.checkpoint.recordsYielded).toBeGreaterThan(0);
    expect(saved.checkpoint.recordsYielded).toBeLessThan(expectedIds.length);
    // The checkpoint counts every record written (whole lines only), wherever in a page the signal came.
    const written = await readFile(output);
    expect(written.at(-1)).toBe(0x0a);
    expect(written.length).toBe(saved.outputBytes);
    expect(written.toString().split("\n").length - 1).toBe(saved.checkpoint.recordsYielded);
    expect(stopped.stderr).toContain(
      `\n${saved.checkpoint.recordsYielded} records were written and the checkpoint saved to ${checkpoint} counts them.`,
    );

    const resumed = await runCli(["export", "--resume", checkpoint], ENV);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toBe("");
    expectJsonl(await readFile(output, "utf8"));
  });

  it("kill -9 after a periodic checkpoint: resume cuts the records written since and completes exactly once", async () => {
    const output = file("sigkill.csv");
    const checkpoint = file("sigkill.ckpt");
    const run = startCli(
      exportArgs(server, "--format", "csv", "--output", output, "--checkpoint", checkpoint, "--concurrency", "1"),
      ENV,
    );
    await waitFor(async () => existsSync(checkpoint), "the first periodic checkpoint");
    // Freeze the process to look at a state that cannot change under us; kill it once the output holds records
    // written after its last checkpoint, else let it go on.
    await waitFor(async () => {
      run.child.kill("SIGSTOP");
      const { outputBytes } = JSON.parse(await readFile(checkpoint, "utf8")) as { outputBytes: number };
      if ((await sizeOf(output)) > outputBytes) {
        run.child.kill("SIGKILL");
        return true;
      }
      run.child.kill("SIGCONT");
      return false;
    }, "records written after a checkpoint");
    expect((await run.done).signal).toBe("SIGKILL");

    const resumed = await runCli(["export", "--resume", checkpoint], ENV);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/^Resuming: removed \d+ bytes written after the checkpoint/);
    expectCsv(await readFile(output, "utf8"));
  });
});
