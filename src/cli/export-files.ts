/**
 * The two files of an export, kept consistent with each other so that any number of failures and resumes leaves
 * every record in the output exactly once:
 *
 * - The output. Records are buffered and written in order; `length` is where the next one starts. Nothing but whole
 *   records (and the CSV header) is ever written.
 * - The checkpoint file: the library's export checkpoint, plus `outputBytes`, the length of the output at that
 *   moment, which holds exactly the records that checkpoint counts as done. It is saved only after the output is
 *   flushed (and synced to disk), through a temporary file and a rename, so it never claims a record the output
 *   lacks and is never half written.
 *
 * On resume the output is cut back to `outputBytes`: records (or a partial last line) written after the checkpoint
 * are dropped, because the resumed export lists them again. An output shorter than `outputBytes` was changed by
 * someone else, and resuming into it is refused rather than guessed at.
 */
import { open, readFile, rename, stat, truncate, writeFile, type FileHandle } from "node:fs/promises";
import type { ExportCheckpoint } from "../index.js";
import type { ExportFormat } from "./export-args.js";
import { UsageError } from "./exit.js";

const KIND = "bolna-api export checkpoint";
/** Buffered output is written once it reaches this size. */
const FLUSH_BYTES = 64 * 1024;

export interface SavedExport {
  kind: typeof KIND;
  version: 1;
  format: ExportFormat;
  /** The API the export reads: a resumed export keeps reading it unless `--base-url` says otherwise. */
  baseUrl: string;
  /** Absolute path of the output, or `null` for stdout. */
  output: string | null;
  /** Bytes of the output that hold exactly `checkpoint.recordsYielded` records (and the CSV header). */
  outputBytes: number;
  /** The CSV columns of the first run, so appended rows line up with its header. */
  columns?: string[];
  checkpoint: ExportCheckpoint;
}

function isSavedExport(value: unknown): value is SavedExport {
  const saved = (typeof value === "object" && value !== null ? value : {}) as Partial<
    Record<keyof SavedExport, unknown>
  >;
  return (
    saved.kind === KIND &&
    saved.version === 1 &&
    (saved.format === "jsonl" || saved.format === "csv") &&
    typeof saved.baseUrl === "string" &&
    (saved.output === null || typeof saved.output === "string") &&
    typeof saved.outputBytes === "number" &&
    Number.isInteger(saved.outputBytes) &&
    saved.outputBytes >= 0 &&
    (saved.columns === undefined ||
      (Array.isArray(saved.columns) && saved.columns.every((c) => typeof c === "string"))) &&
    typeof saved.checkpoint === "object" &&
    saved.checkpoint !== null
  );
}

export async function readSavedExport(path: string): Promise<SavedExport> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new UsageError(`--resume: cannot read the checkpoint ${JSON.stringify(path)} (${(error as Error).message}).`);
  }
  if (!isSavedExport(parsed)) {
    throw new UsageError(
      `--resume: ${JSON.stringify(path)} is not a checkpoint written by \`bolna-api export --checkpoint\`.`,
    );
  }
  return parsed;
}

export async function writeSavedExport(path: string, saved: SavedExport): Promise<void> {
  const temporary = `${path}.tmp`;
  await writeFile(temporary, `${JSON.stringify(saved, null, 2)}\n`);
  await rename(temporary, path);
}

export interface RecordSink {
  /** Queues text; writes the queue once it is large. */
  write(text: string): Promise<void>;
  /** Writes everything queued; `durable` also waits until a file's data is on disk. */
  flush(durable?: boolean): Promise<void>;
  /** Bytes of output so far, queued text included (earlier runs' too): where the next record starts. */
  readonly length: number;
  close(): Promise<void>;
}

abstract class BufferedSink implements RecordSink {
  #queue: string[] = [];
  #queuedBytes = 0;
  #written: number;
  /** Set by a failed write: what was queued is lost, so no later flush may let a checkpoint count it. */
  #failure: Error | undefined;

  constructor(written: number) {
    this.#written = written;
  }

  get length(): number {
    return this.#written + this.#queuedBytes;
  }

  async write(text: string): Promise<void> {
    this.#queue.push(text);
    this.#queuedBytes += Buffer.byteLength(text);
    if (this.#queuedBytes >= FLUSH_BYTES) await this.flush();
  }

  async flush(durable = false): Promise<void> {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#queue.length > 0) {
      const chunk = Buffer.from(this.#queue.join(""));
      this.#queue = [];
      this.#queuedBytes = 0;
      try {
        await this.writeChunk(chunk);
      } catch (error) {
        this.#failure = error instanceof Error ? error : new Error("Writing the output failed.", { cause: error });
        throw this.#failure;
      }
      this.#written += chunk.length;
    }
    if (durable) await this.sync();
  }

  protected abstract writeChunk(chunk: Buffer): Promise<void>;
  protected abstract sync(): Promise<void>;
  abstract close(): Promise<void>;
}

class FileSink extends BufferedSink {
  readonly #handle: FileHandle;

  constructor(handle: FileHandle, written: number) {
    super(written);
    this.#handle = handle;
  }

  protected async writeChunk(chunk: Buffer): Promise<void> {
    // A FileHandle write may be partial; loop until the whole chunk is in the file.
    for (let offset = 0; offset < chunk.length;) {
      const { bytesWritten } = await this.#handle.write(chunk, offset);
      offset += bytesWritten;
    }
  }

  protected sync(): Promise<void> {
    return this.#handle.datasync();
  }

  async close(): Promise<void> {
    await this.flush();
    await this.#handle.close();
  }
}

class StreamSink extends BufferedSink {
  readonly #stream: NodeJS.WritableStream;

  constructor(stream: NodeJS.WritableStream) {
    super(0);
    this.#stream = stream;
  }

  protected async writeChunk(chunk: Buffer): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#stream.write(chunk, (error) => (error ? reject(error) : resolve()));
    });
  }

  protected async sync(): Promise<void> {}

  async close(): Promise<void> {
    await this.flush();
  }
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * The output file of a new export (created or emptied), or of a resumed one (cut back to `resumeAt`, the
 * checkpoint's `outputBytes`). `onDropped` hears how many bytes written after the checkpoint were cut.
 */
export async function openFileSink(
  path: string,
  resumeAt?: number,
  onDropped?: (bytes: number) => void,
): Promise<RecordSink> {
  if (resumeAt === undefined) return new FileSink(await open(path, "w"), 0);
  const size = (await sizeOf(path)) ?? 0;
  if (size < resumeAt) {
    throw new UsageError(
      `--resume: ${path} has ${size} bytes but the checkpoint was saved when it had ${resumeAt}: the file was ` +
        `changed or replaced since, so appending to it could lose or repeat records. Start the export again ` +
        `(without --resume) to write a complete file.`,
    );
  }
  if (size > resumeAt) {
    await truncate(path, resumeAt);
    onDropped?.(size - resumeAt);
  }
  return new FileSink(await open(path, "a"), resumeAt);
}

export function streamSink(stream: NodeJS.WritableStream): RecordSink {
  return new StreamSink(stream);
}
