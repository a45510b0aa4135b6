/**
 * Shows `exportExecutions` progress: a bar redrawn in place when the sink is a terminal, one plain line per page
 * otherwise (CI logs, files, pipes), so logs never fill with carriage returns.
 */
import type { ExportProgress } from "../../src/index.js";
import type { TextSink } from "./context.js";

export interface ProgressReporter {
  update(progress: ExportProgress): void;
  /** Ends the bar's line (terminal only). */
  done(): void;
}

const WIDTH = 24;

function describe(p: ExportProgress): string {
  const { window, overall } = p;
  return (
    `window ${window.index + 1}/${overall.windowCount} (page ${window.pagesDone}/${window.pagesTotal}) · ` +
    `${overall.pagesDone} pages · ${overall.recordsDone} records`
  );
}

export function createProgressReporter(sink: TextSink): ProgressReporter {
  let drawn = false;
  return {
    update(p) {
      if (!sink.isTTY) {
        sink.write(`  progress: ${describe(p)}\n`);
        return;
      }
      // The bar counts windows (known from the start), not records (a window's size is known only once read).
      const fraction = p.overall.windowCount === 0 ? 1 : p.overall.windowsDone / p.overall.windowCount;
      const filled = Math.round(fraction * WIDTH);
      const bar = `${"█".repeat(filled)}${"░".repeat(WIDTH - filled)}`;
      sink.write(`\r\x1b[2K  [${bar}] ${Math.round(fraction * 100)}% ${describe(p)}`);
      drawn = true;
    },
    done() {
      if (drawn) sink.write("\n");
      drawn = false;
    },
  };
}
