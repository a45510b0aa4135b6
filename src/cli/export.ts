/**
 * `bolna-api export`: streams `exportExecutions` into JSONL or CSV, with a checkpoint that survives failures and
 * Ctrl-C (see `export-files.ts` for how the output and the checkpoint stay consistent).
 *
 * The order of things matters:
 * 1. Options are parsed and the export is created before the output is touched, so a mistyped option never empties
 *    an earlier export's file.
 * 2. Every record handed over by the export is written before the next is asked for, so at any moment between two
 *    records the output holds exactly the records the export's checkpoint counts (a checkpoint resumes exactly
 *    from any record, not only where a page ends). That pair (the checkpoint, the output's length, taken together
 *    after a flush) is what gets saved, every few seconds, on failure and on SIGINT/SIGTERM. After a kill -9, the
 *    records written since the last save are cut from the output on resume and listed again.
 * 3. The transport does not retry (`maxRetries: 0`): the export retries each page itself, `--max-retries` times.
 */
import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import { operationMetadata } from "../generated/operations.js";
import { exportExecutions } from "../extensions/export/index.js";
import { APIUserAbortError, type Execution, type ExportOptions, type ExportProgress } from "../index.js";
import { createCliClient } from "./client.js";
import { columnsFor, createRowEncoder, csvLine } from "./csv.js";
import { EXPORT_FILTERS, parseExportArgs, type ExportCommand, type ExportFormat } from "./export-args.js";
import {
  openFileSink,
  readSavedExport,
  streamSink,
  writeSavedExport,
  type RecordSink,
  type SavedExport,
} from "./export-files.js";
import { describeError, EXIT, exitStatusFor, UsageError } from "./exit.js";
import { exportHelp } from "./help.js";
import { createProgressDisplay } from "./progress.js";
import { listItemSchema } from "./spec.js";

/** How often a running export saves its checkpoint (also saved on failure and interruption). */
const CHECKPOINT_EVERY_MS = 2_000;

const LISTING = operationMetadata.listAgentExecutions;

interface Setup {
  format: ExportFormat;
  output: string | null;
  checkpointPath: string | undefined;
  columns: string[] | undefined;
  options: ExportOptions;
}

/** What to export, from the flags and (when resuming) the checkpoint; flags given again must agree with it. */
function plan(command: ExportCommand, saved: SavedExport | undefined): Setup {
  if (saved && command.format !== undefined && command.format !== saved.format) {
    throw new UsageError(
      `--format ${command.format} differs from the checkpoint's ${saved.format}; a resumed export keeps its format.`,
    );
  }
  if (saved && saved.output === null && command.output !== undefined) {
    throw new UsageError(
      "--output: this export was written to stdout, so the CLI cannot know what the file holds. Resume it to stdout " +
        "and append with the shell instead: bolna-api export --resume FILE >> OUTPUT",
    );
  }
  const format = command.format ?? saved?.format ?? "jsonl";
  const previous = saved?.checkpoint.plan as Record<string, unknown> | undefined;
  const agentId = command.agentId ?? (previous?.["agent_id"] as string | undefined);
  const from = command.from ?? (previous?.["from"] as string | undefined);
  if (agentId === undefined) throw new UsageError("--agent-id is required (run `bolna-api export --help`).");
  if (from === undefined) throw new UsageError("--from is required, e.g. --from 2026-08-01T00:00:00Z.");
  const filters: Record<string, unknown> = {};
  for (const { name } of EXPORT_FILTERS) {
    const value = command.filters[name] ?? previous?.[name];
    if (value !== undefined) filters[name] = value;
  }
  const options = {
    ...filters,
    agent_id: agentId,
    from,
    ...(command.to === undefined ? {} : { to: command.to }),
    ...(command.concurrency === undefined ? {} : { concurrency: command.concurrency }),
    retry: { maxAttemptsPerPage: command.maxRetries + 1 },
    ...(saved ? { resume: saved.checkpoint } : {}),
  } as ExportOptions;
  const columns =
    format === "csv"
      ? (saved?.columns ?? columnsFor(listItemSchema("listAgentExecutions", LISTING.pagination.items)))
      : undefined;
  return {
    format,
    output: command.output !== undefined ? resolve(command.output) : (saved?.output ?? null),
    checkpointPath: command.checkpoint ?? command.resume,
    columns,
    options,
  };
}

export async function runExport(argv: readonly string[]): Promise<number> {
  const command = await parseExportArgs(argv);
  if (command.help) {
    process.stdout.write(exportHelp());
    return EXIT.ok;
  }
  const saved = command.resume === undefined ? undefined : await readSavedExport(command.resume);
  const setup = plan(command, saved);
  const bolna = createCliClient(command.baseUrl ?? saved?.baseUrl, { maxRetries: 0 });
  const controller = new AbortController();
  // Records streaming to the same terminal would be interleaved with the redrawn line, so then there is none.
  const progress =
    setup.output === null && process.stdout.isTTY
      ? undefined
      : createProgressDisplay(process.stderr, {
          records: saved?.checkpoint.recordsYielded ?? 0,
          // A checkpoint records what was read, not where in the range: the ETA counts from this run's start.
          windowIndex: 0,
        });
  // The export module itself rather than `bolna.exportExecutions` (which loads it on first use and checks the
  // options when iterating starts): bad options then fail here, before the output file is opened.
  const exported = exportExecutions<Execution>((query, init) => bolna.listAgentExecutions(query, init), {
    ...setup.options,
    signal: controller.signal,
    ...(progress ? { onProgress: (p: ExportProgress) => progress.update(p) } : {}),
  });

  const sink: RecordSink =
    setup.output === null
      ? streamSink(process.stdout)
      : await openFileSink(setup.output, saved?.outputBytes, (dropped) =>
          process.stderr.write(
            `Resuming: removed ${dropped} bytes written after the checkpoint (they are exported again).\n`,
          ),
        );
  const encode = setup.columns ? createRowEncoder(setup.columns) : (record: unknown) => `${JSON.stringify(record)}\n`;
  if (setup.columns && !saved) await sink.write(csvLine(setup.columns));

  /** Writes out every record handed over so far, then (with --checkpoint) saves the checkpoint that counts them. */
  const saveCheckpoint = async (): Promise<void> => {
    await sink.flush(setup.checkpointPath !== undefined);
    // Taken together, with no record handed over in between: the output's length holds what the checkpoint counts.
    const { checkpoint } = exported;
    const outputBytes = sink.length;
    if (setup.checkpointPath !== undefined) {
      await writeSavedExport(setup.checkpointPath, {
        kind: "bolna-api export checkpoint",
        version: 1,
        format: setup.format,
        baseUrl: bolna.baseUrl,
        output: setup.output,
        outputBytes,
        ...(setup.columns ? { columns: setup.columns } : {}),
        checkpoint,
      });
    }
  };

  let interrupted: string | undefined;
  const onSignal = (signal: string): void => {
    interrupted ??= signal;
    controller.abort();
  };
  // `once`: a second Ctrl-C falls back to Node's default and ends the process at once; the checkpoint file is
  // replaced atomically, and the output is cut back to it on resume, so even that leaves a consistent pair.
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    let savedAt = performance.now();
    for await (const record of exported) {
      await sink.write(encode(record));
      if (setup.checkpointPath !== undefined && performance.now() - savedAt >= CHECKPOINT_EVERY_MS) {
        await saveCheckpoint();
        savedAt = performance.now();
      }
    }
    await sink.close();
    progress?.done();
    if (setup.checkpointPath !== undefined) await rm(setup.checkpointPath, { force: true });
    return EXIT.ok;
  } catch (error) {
    progress?.done();
    const status = await stop(
      error,
      interrupted,
      exported.checkpoint.recordsYielded,
      setup.checkpointPath,
      saveCheckpoint,
    );
    await sink.close().catch(() => undefined);
    return status;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** Saves what can be saved after a failure or an interruption, says where things stand, and picks the exit status. */
async function stop(
  error: unknown,
  interrupted: string | undefined,
  written: number,
  checkpointPath: string | undefined,
  saveCheckpoint: () => Promise<void>,
): Promise<number> {
  const lines = [
    interrupted && error instanceof APIUserAbortError ? `Interrupted (${interrupted}).` : describeError(error),
  ];
  try {
    await saveCheckpoint();
    lines.push(
      checkpointPath === undefined
        ? `${written} records were written. Without --checkpoint FILE this export cannot be resumed; run it again with one.`
        : `${written} records were written and the checkpoint saved to ${checkpointPath} counts them. Continue ` +
            `with: bolna-api export --resume ${checkpointPath}`,
    );
  } catch (saveError) {
    lines.push(
      checkpointPath === undefined
        ? `Writing the output failed too: ${describeError(saveError)}`
        : `The checkpoint could not be saved: ${describeError(saveError)}\n` +
            `The last one saved in ${checkpointPath}, if any, still resumes this export correctly.`,
    );
  }
  process.stderr.write(`${lines.join("\n")}\n`);
  return interrupted ? EXIT.interrupted : exitStatusFor(error);
}
