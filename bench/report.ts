/**
 * The bench's result table: one row per measurement, ours next to its baseline from the same run, and whether the
 * target was met. `printTable` pads the columns to a Markdown table the README can quote as is.
 */
export interface Row {
  measurement: string;
  ours: string;
  baseline: string;
  ratio: string;
  target: string;
  result: "PASS" | "MISS" | "info";
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
export const verdict = (ok: boolean): Row["result"] => (ok ? "PASS" : "MISS");

export function printTable(rows: Row[]): void {
  const headers: Row = {
    measurement: "Measurement",
    ours: "Ours",
    baseline: "Baseline (same run)",
    ratio: "Ratio",
    target: "Target",
    result: "info",
  };
  const keys = ["measurement", "ours", "baseline", "ratio", "target", "result"] as const;
  const width = Object.fromEntries(
    keys.map((key) => [key, Math.max(key === "result" ? 6 : 0, ...[headers, ...rows].map((row) => row[key].length))]),
  ) as Record<(typeof keys)[number], number>;
  const line = (row: Row, isHeader = false): string =>
    `| ${keys.map((key) => (isHeader && key === "result" ? "Result" : row[key]).padEnd(width[key])).join(" | ")} |`;
  console.log(line(headers, true));
  console.log(`|${keys.map((key) => "-".repeat(width[key] + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
}
