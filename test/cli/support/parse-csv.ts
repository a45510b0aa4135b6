/**
 * The CLI's CSV reader, stricter for checking what the CLI wrote: every row must end with a line break. It is
 * independent of the code that writes CSV (`src/extensions/internal/csv.ts`).
 */
import { readCsv } from "../../../src/extensions/internal/read-csv.js";

export function parseCsv(text: string): string[][] {
  if (text !== "" && !text.endsWith("\n")) throw new Error("parseCsv: the last row has no line ending");
  return readCsv(text).map((row) => row.cells);
}
