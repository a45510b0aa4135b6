/**
 * The operations and webhooks the API reference must show, read from the bundled spec at test time (never
 * hard-coded), and the whitespace rule the page's text is compared under.
 */
import { HTTP_METHODS, isObject } from "../../../scripts/generate/spec-walk.js";

export interface Operation {
  /** e.g. `GET /v2/agent/all` or `webhook executionStatus POST` */
  where: string;
  summary: string;
  operationId: string | undefined;
}

/** Text with runs of whitespace made one space, as a page shows it. */
export const normalize = (text: string): string => text.replace(/\s+/g, " ").trim();

/** Every operation of `paths` and `webhooks` with its summary (`""` when it has none). */
export function operationsOf(spec: unknown): Operation[] {
  if (!isObject(spec)) throw new Error("the bundled spec is not a JSON object");
  const operations: Operation[] = [];
  for (const [section, label] of [
    ["paths", ""],
    ["webhooks", "webhook "],
  ] as const) {
    const items = spec[section];
    if (!isObject(items)) continue;
    for (const [name, item] of Object.entries(items)) {
      if (!isObject(item)) continue;
      for (const method of HTTP_METHODS) {
        const operation = item[method];
        if (!isObject(operation)) continue;
        const summary = typeof operation["summary"] === "string" ? normalize(operation["summary"]) : "";
        const operationId = typeof operation["operationId"] === "string" ? operation["operationId"] : undefined;
        operations.push({ where: `${label}${method.toUpperCase()} ${name}`, summary, operationId });
      }
    }
  }
  return operations;
}
