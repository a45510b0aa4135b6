/**
 * Writing a JSON-like value as TypeScript source: the generated `operations.ts`, and the API reference's code
 * samples (scripts/docs/code-samples.ts). Both write keys and nesting the same way and differ only in which objects
 * and arrays go on one line, so that choice is the caller's `OneLineRule`.
 */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const INDENT = "  ";

/** An object key as TypeScript source: bare when it is an identifier, quoted otherwise (`"b-c"`). */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/** Whether an object or array, written on one line as `line` at nesting `depth`, stays on one line. */
export type OneLineRule = (line: string, value: object, depth: number) => boolean;

/**
 * The generated metadata's rule: an object or array that holds no object goes on one line (a field rule, a body
 * rule), so an entry reads as a few lines rather than one line per property.
 */
export const holdsNoObject: OneLineRule = (_line, value) =>
  Object.values(value).every((item) => typeof item !== "object" || item === null);

/** A value as TypeScript source, indented for `depth`; properties whose value is `undefined` are left out. */
export function literal(value: unknown, oneLine: OneLineRule = holdsNoObject, depth = 0): string {
  if (typeof value !== "object" || value === null) return JSON.stringify(value) ?? "undefined";
  const entries = Array.isArray(value)
    ? value.map((item) => literal(item, oneLine, depth + 1))
    : Object.entries(value)
        .filter(([, item]) => item !== undefined)
        .map(([key, item]) => `${propertyKey(key)}: ${literal(item, oneLine, depth + 1)}`);
  if (entries.length === 0) return Array.isArray(value) ? "[]" : "{}";
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  const line = Array.isArray(value) ? `[${entries.join(", ")}]` : `{ ${entries.join(", ")} }`;
  if (!line.includes("\n") && oneLine(line, value, depth)) return line;
  const inner = INDENT.repeat(depth + 1);
  return `${open}\n${entries.map((entry) => `${inner}${entry},`).join("\n")}\n${INDENT.repeat(depth)}${close}`;
}
