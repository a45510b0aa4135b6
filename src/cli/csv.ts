/**
 * CSV for exported records: one header row, then one row per record.
 *
 * - Columns come from the record's schema in the spec, in its property order, so they are known before the first
 *   record arrives and are the same on every run (a resumed export appends rows under the header of the first run).
 *   A nested object the spec describes (`telephony_data`, `cost_breakdown`, ...) becomes dotted columns
 *   (`telephony_data.duration`); anything else (strings, numbers, arrays, free-form objects) is one column.
 * - Fields the spec does not list (the API adds some before the spec knows them) are kept, not dropped: they go to
 *   a last column, `_extra`, as a JSON object keyed by their dotted names (empty when there are none).
 * - Cells: `null`/missing is empty, strings as they are, numbers and booleans as JSON writes them, arrays and
 *   objects as JSON text. A cell holding a comma, a double quote, CR or LF is quoted, with quotes doubled
 *   (RFC 4180); rows end with CRLF.
 * Cells are written by the library's CSV writer (`src/extensions/internal/csv.ts`), which `runBatch` uses too.
 */
import { csvLine } from "../extensions/internal/csv.js";
import { isObject } from "../extensions/internal/guards.js";
import { resolveSchema, type SchemaNode } from "./spec.js";

export { csvCell, csvLine } from "../extensions/internal/csv.js";

export const EXTRA_COLUMN = "_extra";

function isExpandable(schema: SchemaNode): boolean {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.includes("object") && schema.properties !== undefined && Object.keys(schema.properties).length > 0;
}

/** The dotted columns of `schema`, depth first in property order, then `_extra`. */
export function columnsFor(schema: SchemaNode): string[] {
  const columns: string[] = [];
  const walk = (node: SchemaNode, prefix: string, depth: number): void => {
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const resolved = resolveSchema(child);
      // The depth cap only guards against a self-referencing schema; the spec's records nest two levels.
      if (isExpandable(resolved) && depth < 4) walk(resolved, `${prefix}${name}.`, depth + 1);
      else columns.push(`${prefix}${name}`);
    }
  };
  walk(schema, "", 0);
  if (!columns.includes("id")) throw new Error("bolna-api: the record schema has no `id` column");
  return [...columns, EXTRA_COLUMN];
}

interface ColumnTree {
  index?: number;
  children?: Map<string, ColumnTree>;
}

/** Turns records into rows for a fixed list of columns (as made by `columnsFor`, or read back from a checkpoint). */
export function createRowEncoder(columns: readonly string[]): (record: unknown) => string {
  const root: ColumnTree = { children: new Map() };
  const extraIndex = columns.indexOf(EXTRA_COLUMN);
  columns.forEach((column, index) => {
    if (index === extraIndex) return;
    let node = root;
    for (const part of column.split(".")) {
      node.children ??= new Map();
      let next = node.children.get(part);
      if (next === undefined) node.children.set(part, (next = {}));
      node = next;
    }
    node.index = index;
  });

  return (record) => {
    const cells: unknown[] = new Array(columns.length).fill(undefined);
    const extra: Record<string, unknown> = {};
    const place = (value: Record<string, unknown>, tree: ColumnTree, prefix: string): void => {
      for (const [key, child] of Object.entries(value)) {
        const node = tree.children?.get(key);
        if (node?.index !== undefined) cells[node.index] = child;
        else if (node?.children && isObject(child)) place(child, node, `${prefix}${key}.`);
        // A described object that came back as something else (null is just empty cells) keeps its value too.
        else if (!(node?.children && child === null)) extra[`${prefix}${key}`] = child;
      }
    };
    if (isObject(record)) place(record, root, "");
    if (extraIndex !== -1 && Object.keys(extra).length > 0) cells[extraIndex] = extra;
    return csvLine(cells);
  };
}
