/**
 * Progress lines on stderr, redrawn in place: the export's (records, pages, windows, rate and ETA, at most ten
 * times a second) and, through `redrawLine`, `batch run --wait`'s call counts. Only on a terminal: a pipe or a file (CI logs) gets nothing, so logs never fill with redraws.
 * Hand-written: one line of text with `\r` and an erase-line sequence needs no library.
 */
import type { ExportProgress } from "../index.js";

const REDRAW_MS = 100;

export interface ProgressDisplay {
  update(progress: ExportProgress): void;
  /** Draws the last state and ends the line. */
  done(): void;
}

/** Where the export stands as a fraction of its windows (pages within the current one count proportionally). */
function fractionDone(p: ExportProgress): number {
  const { window, overall } = p;
  if (overall.windowCount === 0) return 1;
  const inWindow = window.pagesTotal > 0 ? Math.min(1, window.pagesDone / window.pagesTotal) : 1;
  const current = window.index < overall.windowsDone ? 0 : inWindow;
  return Math.min(1, (overall.windowsDone + current) / overall.windowCount);
}

function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

export interface ProgressSample {
  progress: ExportProgress;
  /** Milliseconds since this run started. */
  elapsedMs: number;
  /** Where this run started: 0 and 0 for a new export, the checkpoint's position for a resumed one. */
  start: RunStart;
}

export interface RunStart {
  records: number;
  windowIndex: number;
}

/**
 * One progress line. The ETA extrapolates this run's speed over the windows still to read (a window's size is
 * known only once its first page arrives), so it is a rough guide that settles as the export goes on.
 */
export function formatProgress({ progress, elapsedMs, start }: ProgressSample): string {
  const { window, overall } = progress;
  const seconds = elapsedMs / 1000;
  const records = overall.recordsDone;
  const rate = seconds > 0 ? (records - start.records) / seconds : 0;
  const fraction = fractionDone(progress);
  const gained = fraction - Math.min(1, start.windowIndex / Math.max(1, overall.windowCount));
  const eta = fraction >= 1 ? "0:00" : gained > 0 ? duration((elapsedMs / gained) * (1 - fraction)) : "…";
  return [
    `${records.toLocaleString("en-US")} records`,
    `${overall.pagesDone.toLocaleString("en-US")} pages`,
    `window ${Math.min(window.index + 1, overall.windowCount)}/${overall.windowCount} (page ${window.pagesDone}/${window.pagesTotal})`,
    `${Math.round(rate).toLocaleString("en-US")} records/s`,
    `ETA ${eta}`,
  ].join(" · ");
}

type Terminal = Pick<NodeJS.WriteStream, "write" | "isTTY" | "columns">;

/** Replaces the terminal's current line with `line`, cut to the terminal's width. */
export function redrawLine(stream: Terminal, line: string): void {
  const width = stream.columns > 1 ? stream.columns - 1 : line.length;
  stream.write(`\r\x1b[2K${line.slice(0, width)}`);
}

/** A display on `stream` when it is a terminal, `undefined` otherwise. */
export function createProgressDisplay(
  stream: Terminal,
  start: RunStart,
  now: () => number = () => performance.now(),
): ProgressDisplay | undefined {
  if (!stream.isTTY) return undefined;
  const started = now();
  let last: ExportProgress | undefined;
  let drawnAt = -Infinity;
  const draw = (): void => {
    if (last === undefined) return;
    redrawLine(stream, formatProgress({ progress: last, elapsedMs: now() - started, start }));
    drawnAt = now();
  };
  return {
    update(progress) {
      last = progress;
      if (now() - drawnAt >= REDRAW_MS) draw();
    },
    done() {
      if (last === undefined) return;
      draw();
      stream.write("\n");
      last = undefined;
    },
  };
}
