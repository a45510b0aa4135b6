/** Writing a JSON-like value as TypeScript source, for the generated `operations.ts`. */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** An object key as TypeScript source: bare when it is an identifier, quoted otherwise (`"b-c"`). */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/**
 * A value as TypeScript source: identifier keys unquoted, and an object or array that holds no object on one line
 * (a field rule, a body rule), so an entry reads as a few lines rather than one line per property.
 */
export function literal(value: unknown, indent = ""): string {
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  const items: [string | null, unknown][] = Array.isArray(value)
    ? value.map((item) => [null, item])
    : Object.entries(value).filter(([, v]) => v !== undefined);
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  const flat = items.every(([, v]) => typeof v !== "object" || v === null);
  const inner = indent + "  ";
  const parts = items.map(([name, v]) => `${name === null ? "" : `${propertyKey(name)}: `}${literal(v, inner)}`);
  if (flat) return Array.isArray(value) ? `[${parts.join(", ")}]` : `{ ${parts.join(", ")} }`;
  return `${open}\n${parts.map((part) => `${inner}${part},`).join("\n")}\n${indent}${close}`;
}
