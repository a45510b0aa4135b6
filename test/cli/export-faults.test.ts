/**
 * `bolna-api export` through injected faults with `--max-retries 0`: every failure stops a run with a checkpoint
 * that counts every record written, and resuming from it until the export completes writes every record exactly
 * once, to a file (JSONL, CSV) or to stdout appended across runs.
 */
import { readFile } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { startFakeBolna, type FakeBolna } from "../support/fake-bolna.js";
import type { Fault } from "../support/fault-server.js";
import { dataset, expectCsv, expectJsonl, exportArgs, tempFiles, untilComplete } from "./support/export-setup.js";
import type { CliResult } from "./support/run-cli.js";

const file = tempFiles();

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
    // Only the scripted faults, one of each kind: they prove the CSV writer's part (one header, rows cut at the
    // checkpoint). Random faults would add runs, not cases: where a run stops is the export's business, proven with
    // random faults by the JSONL test above and the unit project's export tests.
    const server = await faultyServer(6, 0);
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
    // As for stdout below: without random faults two scripted ones may stop the same run, never all of them.
    expect(server.stats.scripted).toBe(SCRIPTED.length);
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(failures.map((failure) => failure.code)).toContain(1);
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
