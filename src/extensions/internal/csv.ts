/**
 * The project's one CSV writer (RFC 4180): the batch CSV `runBatch` uploads and the CLI's export both write rows
 * with it. A cell holding a comma, a double quote, CR or LF is quoted, with quotes doubled; rows end with CRLF.
 * `null` and `undefined` are empty cells, strings are written as they are, anything else as JSON writes it.
 * Hand-written rather than a dependency: the quoting rule is one regular expression.
 */

/** RFC 4180: quote a cell holding a comma, quote or line break, doubling the quotes inside. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}
