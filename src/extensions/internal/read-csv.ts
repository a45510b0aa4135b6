/**
 * An RFC 4180 reader: quoted cells may hold commas, doubled quotes and line breaks; rows end with CRLF or LF (the
 * last one may have no line ending); a UTF-8 byte-order mark is skipped. Each row keeps the line it starts on, so a
 * problem can be reported where the user's editor shows it.
 */

export interface CsvRow {
  cells: string[];
  /** The 1-based line the row starts on. */
  line: number;
}

export class CsvSyntaxError extends Error {
  override name = "CsvSyntaxError";
}

export function readCsv(text: string): CsvRow[] {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const endRow = (): void => {
    cells.push(cell);
    rows.push({ cells, line: rowLine });
    cells = [];
    cell = "";
  };
  for (let i = 0; i < source.length; i++) {
    const char = source[i] as string;
    if (char === "\n") line++;
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        cell += char;
      }
    } else if (char === '"' && cell === "") {
      quoted = true;
    } else if (char === ",") {
      cells.push(cell);
      cell = "";
    } else if (char === "\n" || (char === "\r" && source[i + 1] === "\n")) {
      if (char === "\r") {
        i++;
        line++;
      }
      endRow();
      rowLine = line;
    } else {
      cell += char;
    }
  }
  if (quoted) throw new CsvSyntaxError(`a quoted cell that starts on line ${rowLine} is never closed`);
  if (cell !== "" || cells.length > 0) endRow();
  return rows;
}
