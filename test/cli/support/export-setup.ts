/**
 * What the `bolna-api export` tests share: the fake's dataset and the range they export, the output expected from
 * it, checks of JSONL and CSV output record by record, the command line they run, a temporary directory, and the
 * loop that resumes a failing export from its checkpoint until it completes.
 *
 * The range spans 18.5 days (three windows of at most 7 days), and the dataset puts a record on every whole hour, so
 * both window boundaries hold a record that two windows list: the CLI must still write it once. The expected output
 * is computed here from the dataset, independently of the client.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import { ExecutionDataset } from "../../support/execution-dataset.js";
import type { FakeBolna } from "../../support/fake-bolna.js";
import { windowsOf } from "../../support/listing-query.js";
import { parseCsv } from "./parse-csv.js";
import { runCli, type CliResult } from "./run-cli.js";

export const DAY = 86_400_000;
export const FROM = "2026-01-01T06:00:00.000Z";
export const TO = "2026-01-19T18:00:00.000Z";
/** One record every 20 minutes over 20 days from 2026-01-01T00:00Z; every third sits exactly on a whole hour. */
export const dataset = new ExecutionDataset({
  count: 1_440,
  from: "2026-01-01T00:00:00Z",
  to: "2026-01-21T00:00:00Z",
  seed: 11,
  alignMs: 3_600_000,
});

export const windows = windowsOf(FROM, TO);
export const expectedIds: string[] = [];
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
export function expectJsonl(text: string): void {
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

export function expectCsv(text: string): void {
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

export const ENV = { BOLNA_API_KEY: "test-key" };

export function exportArgs(server: FakeBolna, ...extra: string[]): string[] {
  return ["export", "--base-url", server.url, "--agent-id", dataset.agentId, "--from", FROM, "--to", TO, ...extra];
}

/** A temporary directory for the calling test file, removed after it, and a function naming a new file in it. */
export function tempFiles(): (name: string) => string {
  let dir = "";
  let next = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "bolna-cli-export-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  return (name) => join(dir, `${next++}-${name}`);
}

interface SavedCheckpoint {
  outputBytes: number;
  checkpoint: { recordsYielded: number };
}

export const readSaved = async (path: string): Promise<SavedCheckpoint> =>
  JSON.parse(await readFile(path, "utf8")) as SavedCheckpoint;

/**
 * Runs `first`, then `--resume checkpoint` until an attempt succeeds; returns the failed attempts' results and
 * every attempt's stdout, in order. After a failure the checkpoint counts every record written: the output (when it
 * is a file) is exactly `outputBytes` long.
 */
export async function untilComplete(
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
