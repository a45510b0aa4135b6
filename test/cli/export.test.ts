/**
 * `bolna-api export` as a child process against the loopback fake Bolna of the export tests
 * (`test/support/fake-bolna.ts`): JSONL and CSV checked record by record against the fake's dataset; exports
 * through injected faults with `--max-retries 0`, resumed from their checkpoint until complete; Ctrl-C and kill -9
 * in the middle, then resumed; progress only on a terminal.
 *
 * The range spans 18.5 days (three windows of at most 7 days), and the dataset puts a record on every whole hour, so
 * both window boundaries hold a record that two windows list: the CLI must still write it once. The expected output
 * is computed here from the dataset, independently of the client: windows in order, each newest first, a record
 * listed twice kept at its first appearance.
 */
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExecutionDataset } from "../support/execution-dataset.js";
import { startFakeBolna, type FakeBolna } from "../support/fake-bolna.js";
import { LISTING_LIMITS, windowsOf } from "../support/listing-query.js";
import type { Fault } from "../support/fault-server.js";
import { CLI, runCli, startCli, type CliResult } from "./support/run-cli.js";
import { parseCsv } from "./support/parse-csv.js";

const DAY = 86_400_000;
const FROM = "2026-01-01T06:00:00.000Z";
const TO = "2026-01-19T18:00:00.000Z";
/** One record every 20 minutes over 20 days from 2026-01-01T00:00Z; every third sits exactly on a whole hour. */
const dataset = new ExecutionDataset({
  count: 1_440,
  from: "2026-01-01T00:00:00Z",
  to: "2026-01-21T00:00:00Z",
  seed: 11,
  alignMs: 3_600_000,
});

const windows = windowsOf(FROM, TO);
const expectedIds: string[] = [];
{
  const seen = new Set<number>();
  for (const window of windows) {
    for (const index of dataset.listingOrder(window.from, window.to)) {
      if (!seen.has(index)) expectedIds.push(dataset.id(index));
      seen.add(index);
    }
  }
}

/** The dataset index a fake id embeds (its last 12 hex digits). */
const indexOf = (id: string): number => Number.parseInt(id.slice(-12), 16);

/**
 * Every expected record exactly once. The export reads several stretches of time at once and promises no order
 * across them, so the comparison is by set: nothing missing, nothing extra, nothing twice.
 */
function expectSequence(ids: readonly string[]): void {
  expect(new Set(ids).size, "duplicate ids").toBe(ids.length);
  const expected = new Set(expectedIds);
  expect(
    ids.filter((id) => !expected.has(id)),
    "ids that should not be there",
  ).toEqual([]);
  const got = new Set(ids);
  expect(expectedIds.filter((id) => !got.has(id)).length, "ids missing").toBe(0);
  expect(ids.length).toBe(expectedIds.length);
}

/** Every line a complete record equal to the dataset's, each expected record once. */
function expectJsonl(text: string): void {
  expect(text.endsWith("\n")).toBe(true);
  const records = text
    .slice(0, -1)
    .split("\n")
    .map((line) => JSON.parse(line) as { id: string });
  const wrong = records.findIndex(
    (record) => JSON.stringify(record) !== JSON.stringify(dataset.record(indexOf(record.id))),
  );
  expect(wrong, "first record that differs from the dataset's").toBe(-1);
  expectSequence(records.map((record) => record.id));
}

/** The value at a dotted column of a record, as the CSV should hold it. */
function cellOf(record: unknown, column: string): string {
  let value: unknown = record;
  for (const part of column.split(".")) value = (value as Record<string, unknown> | null | undefined)?.[part];
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function expectCsv(text: string): void {
  const [header, ...rows] = parseCsv(text);
  expect(header?.[0]).toBe("id");
  expect(header?.at(-1)).toBe("_extra");
  expect(header).toContain("telephony_data.duration");
  expect(header).toContain("cost_breakdown.llm");
  const columns = header as string[];
  const wrong = rows.findIndex((row) => {
    const record = dataset.record(indexOf(row[0] as string));
    return (
      row.length !== columns.length ||
      columns.some((column, c) => c < columns.length - 1 && row[c] !== cellOf(record, column))
    );
  });
  expect(wrong, "first row that differs from the dataset's record").toBe(-1);
  // The fake sends only fields the spec lists; _extra stays empty.
  expect(rows.filter((row) => row.at(-1) !== "")).toEqual([]);
  // Transcripts hold line breaks, so quoting was exercised.
  expect(rows.some((row) => row.some((cell) => cell.includes("\n")))).toBe(true);
  expectSequence(rows.map((row) => row[0] as string));
}

let dir: string;
let nextFile = 0;
const file = (name: string): string => join(dir, `${nextFile++}-${name}`);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bolna-cli-export-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function exportArgs(server: FakeBolna, ...extra: string[]): string[] {
  return ["export", "--base-url", server.url, "--agent-id", dataset.agentId, "--from", FROM, "--to", TO, ...extra];
}

const ENV = { BOLNA_API_KEY: "test-key" };

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
    const command = [
      process.execPath,
      "--import",
      "tsx",
      CLI,
      ...exportArgs(server, "--output", output, "--concurrency", "1"),
    ]
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

interface SavedCheckpoint {
  outputBytes: number;
  checkpoint: { recordsYielded: number };
}

const readSaved = async (path: string): Promise<SavedCheckpoint> =>
  JSON.parse(await readFile(path, "utf8")) as SavedCheckpoint;

/**
 * Runs `first`, then `--resume checkpoint` until an attempt succeeds; returns the failed attempts' results and
 * every attempt's stdout, in order. After a failure the checkpoint counts every record written: the output (when it
 * is a file) is exactly `outputBytes` long.
 */
async function untilComplete(
  first: string[],
  checkpoint: string,
  extra: string[] = [],
  output?: string,
): Promise<{ failures: CliResult[]; stdout: string }> {
  const failures: CliResult[] = [];
  let result = await runCli(first, ENV);
  let stdout = result.stdout;
  while (result.code !== 0) {
    failures.push(result);
    expect(failures.length, `runs without finishing; last stderr:\n${result.stderr}`).toBeLessThan(60);
    // Exit status of the class of the page's last error: a 5xx or reset (1) or a 429 (5).
    expect([1, 5]).toContain(result.code);
    const saved = await readSaved(checkpoint);
    expect(result.stderr).toContain(
      `\n${saved.checkpoint.recordsYielded} records were written and the checkpoint saved to ${checkpoint} counts them.`,
    );
    if (output !== undefined) expect((await stat(output)).size).toBe(saved.outputBytes);
    result = await runCli(["export", "--resume", checkpoint, ...extra], ENV);
    stdout += result.stdout;
    // Nothing was written after the checkpoint, so nothing is cut.
    expect(result.stderr).not.toContain("Resuming: removed");
  }
  expect(existsSync(checkpoint), "checkpoint removed once the export completed").toBe(false);
  return { failures, stdout };
}

describe("through injected faults with --max-retries 0, resumed until complete", () => {
  /**
   * Random faults on 15% of requests, plus a first attempt that fails at four pages seven or more pages apart in
   * listing order: a run stops at the first of them it reaches, before it can have requested the next (at most
   * `--concurrency` 6 pages ahead), so every one of them stops a run. One is a 429; which status a run exits with
   * depends on which of its in-flight pages fails first, so the 429's own status (5) is tested on its own below.
   */
  // The export asks for page 1 of ever narrower stretches of time, so scripted faults are placed by the order in
  // which listing requests arrive (first attempts only, counted across runs): one of each kind, spread over the run.
  const SCRIPTED: ReadonlyArray<{ request: number; fault: Fault }> = [
    { request: 2, fault: { status: 503, body: { detail: "Service Unavailable" } } },
    {
      request: 8,
      fault: { status: 429, headers: { "retry-after-ms": "5" }, body: { detail: "Too many requests" } },
    },
    { request: 15, fault: { reset: true } },
    { request: 22, fault: { status: 500, body: { detail: "Internal Server Error" } } },
  ];
  const servers: FakeBolna[] = [];
  afterAll(() => Promise.all(servers.map((server) => server.close())));
  async function faultyServer(seed: number, rate = 0.15): Promise<FakeBolna> {
    let firstAttempts = 0;
    const server = await startFakeBolna({
      dataset,
      faults: { rate, seed, retryAfterMs: 5 },
      override: (query) => {
        if (query.attempt !== 0) return undefined;
        firstAttempts += 1;
        return SCRIPTED.find((s) => s.request === firstAttempts)?.fault;
      },
    });
    servers.push(server);
    return server;
  }

  async function expectStops(failures: CliResult[], server: FakeBolna): Promise<void> {
    expect(server.stats.scripted).toBe(SCRIPTED.length);
    expect(failures.length).toBeGreaterThanOrEqual(SCRIPTED.length);
    expect(failures.map((failure) => failure.code)).toContain(1);
  }

  it("a 429 with --max-retries 0 exits 5 with a checkpoint, and the resume completes", async () => {
    let firstAttempts = 0;
    const server = await startFakeBolna({
      dataset,
      override: (query) => {
        if (query.attempt !== 0 || ++firstAttempts !== 3) return undefined;
        return { status: 429, headers: { "retry-after-ms": "5" }, body: { detail: "Too many requests" } };
      },
    });
    servers.push(server);
    const output = file("limited.jsonl");
    const checkpoint = file("limited.ckpt");
    const options = ["--max-retries", "0", "--concurrency", "1"];
    const { failures } = await untilComplete(
      exportArgs(server, "--output", output, "--checkpoint", checkpoint, ...options),
      checkpoint,
      options,
    );
    expect(failures.map((failure) => failure.code)).toEqual([5]);
    expect(server.stats.scripted).toBe(1);
    expectJsonl(await readFile(output, "utf8"));
  });

  it("JSONL: every record exactly once across every failure and resume", async () => {
    const server = await faultyServer(5);
    const output = file("faults.jsonl");
    const checkpoint = file("faults.ckpt");
    const { failures } = await untilComplete(
      exportArgs(server, "--output", output, "--checkpoint", checkpoint, "--max-retries", "0", "--concurrency", "6"),
      checkpoint,
      ["--max-retries", "0", "--concurrency", "6"],
      output,
    );
    await expectStops(failures, server);
    expectJsonl(await readFile(output, "utf8"));
  });

  it("CSV: one header, every row exactly once", async () => {
    const server = await faultyServer(6);
    const output = file("faults.csv");
    const checkpoint = file("faults-csv.ckpt");
    const { failures } = await untilComplete(
      exportArgs(
        server,
        "--format",
        "csv",
        "--output",
        output,
        "--checkpoint",
        checkpoint,
        "--max-retries",
        "0",
        "--concurrency",
        "6",
      ),
      checkpoint,
      ["--max-retries", "0", "--concurrency", "6"],
      output,
    );
    await expectStops(failures, server);
    expectCsv(await readFile(output, "utf8"));
  });

  it("JSONL to stdout, appended by the shell across resumes: every record exactly once", async () => {
    // Only the scripted faults: a stdout export cannot cut what it wrote, so it relies on exact checkpoints.
    const server = await faultyServer(7, 0);
    const checkpoint = file("stdout.ckpt");
    const { failures, stdout } = await untilComplete(
      exportArgs(server, "--checkpoint", checkpoint, "--max-retries", "0", "--concurrency", "6"),
      checkpoint,
      ["--max-retries", "0", "--concurrency", "6"],
    );
    // Without random faults two scripted ones may stop the same run, but the first and the last cannot.
    expect(server.stats.scripted).toBe(SCRIPTED.length);
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expectJsonl(stdout);
  });
});

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
