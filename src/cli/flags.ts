/**
 * Turns `--kebab-case-flag value …` into the flat argument object a generated client method takes, using only the
 * operation's metadata (which fields exist, where, of what JSON type) and the spec's note of which are files.
 *
 * - Each field `snake_case` is the flag `--snake-case`. Values are converted to the field's JSON type: integers and
 *   numbers, `true`/`false`, JSON (inline or `@file.json`, `@-` for stdin) for objects, a repeated flag (or one JSON
 *   array) for arrays, and `@path` for a file part of a multipart body. Everything else is a string.
 * - `--body JSON|@file.json|@-` gives the request body as one JSON object; a field set both there and by a flag is
 *   refused rather than silently picking one.
 * - Only the conversion happens here. Whether a value is allowed (required, enum, range, pattern, window) is
 *   checked by the generated method itself, before anything is sent, exactly as for a library caller.
 */
import { openAsBlob } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { FieldRule, OperationMetadata } from "../extensions/internal/metadata.js";
import { UsageError } from "./exit.js";
import type { OperationDoc } from "./spec.js";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

/** Options every API command accepts (`export` included). */
export const COMMON_OPTIONS = {
  "base-url": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies OptionSpec;

export function flagName(field: string): string {
  return `--${field.replaceAll("_", "-")}`;
}

/** `util.parseArgs` in strict mode, with its errors turned into usage errors that say where to look. */
export function parseFlags<O extends OptionSpec>(argv: readonly string[], options: O, command: string) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // parseArgs suggests the `--` form for unknown options; a snake_case spelling is the likelier mistake.
    const unknown = /Unknown option '(--[^']+)'/.exec(message)?.[1];
    const hint =
      unknown !== undefined && unknown.includes("_") && unknown.replaceAll("_", "-").slice(2) in options
        ? ` (flags use dashes: ${unknown.replaceAll("_", "-")})`
        : "";
    const first = unknown === undefined ? message : `Unknown option ${unknown}${hint}.`;
    throw new UsageError(`${first}\nRun \`bolna-api ${command} --help\` for the options.`);
  }
}

/** A `--port` value: an integer from 0 to 65535 (0 picks a free port), or `fallback` when the flag is absent. */
export function portOf(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new UsageError(
      `--port must be an integer from 0 to 65535 (0 picks a free port); got ${JSON.stringify(value)}.`,
    );
  }
  return port;
}

/** The parseArgs options of one operation: its fields, `--body` when it has one, and the connection options. */
export function operationOptions(meta: OperationMetadata): OptionSpec {
  const options: OptionSpec = { ...COMMON_OPTIONS };
  for (const field of meta.fields) {
    options[flagName(field.name).slice(2)] = { type: "string", multiple: field.type === "array" };
  }
  if (meta.body) options["body"] = { type: "string" };
  return options;
}

/** Reads `@path` (or `@-` for stdin) as text, or returns the value itself. */
async function textOf(flag: string, value: string): Promise<string> {
  if (!value.startsWith("@")) return value;
  const path = value.slice(1);
  try {
    return path === "-" ? await readStdin() : await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(
      `${flag}: cannot read ${path === "-" ? "stdin" : JSON.stringify(path)} (${(error as Error).message}).`,
    );
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function jsonOf(flag: string, value: string): Promise<unknown> {
  const text = await textOf(flag, value);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag} must be JSON (inline, or @file.json): ${(error as Error).message}.`);
  }
}

async function fileOf(flag: string, value: string, contentType: string): Promise<File> {
  if (!value.startsWith("@") || value === "@-") {
    throw new UsageError(`${flag} uploads a file: give its path as @path, e.g. ${flag} @contacts.csv.`);
  }
  const path = value.slice(1);
  try {
    return new File([await openAsBlob(path)], basename(path), { type: contentType });
  } catch (error) {
    throw new UsageError(`${flag}: cannot read ${JSON.stringify(path)} (${(error as Error).message}).`);
  }
}

/** Converts one flag's value to the field's JSON type (see the module comment). */
export async function convertValue(rule: Pick<FieldRule, "type">, flag: string, value: string): Promise<unknown> {
  switch (rule.type) {
    case "integer":
    case "number": {
      const number = Number(value);
      if (value.trim() === "" || !Number.isFinite(number)) {
        throw new UsageError(
          `${flag} must be ${rule.type === "integer" ? "an integer" : "a number"}; got ${JSON.stringify(value)}.`,
        );
      }
      return number;
    }
    case "boolean":
      if (value === "true" || value === "false") return value === "true";
      throw new UsageError(`${flag} must be true or false; got ${JSON.stringify(value)}.`);
    case "object":
      return jsonOf(flag, value);
    default:
      return value;
  }
}

async function convertField(rule: FieldRule, doc: OperationDoc | undefined, raw: string | string[]): Promise<unknown> {
  const flag = flagName(rule.name);
  const file = doc?.fields.get(rule.name)?.file;
  if (Array.isArray(raw)) {
    // One JSON array, or the flag repeated once per item.
    if (raw.length === 1 && /^\s*\[|^@/.test(raw[0] as string)) return jsonOf(flag, raw[0] as string);
    return raw;
  }
  return file ? fileOf(flag, raw, file.contentType) : convertValue(rule, flag, raw);
}

/**
 * The generated method's argument object from parsed flag values: fields by flag, plus `--body`'s properties.
 * A `--body` that names a path or query parameter is refused: those have their own flags.
 */
export async function operationArguments(
  meta: OperationMetadata,
  doc: OperationDoc | undefined,
  values: Record<string, string | boolean | Array<string | boolean> | undefined>,
): Promise<Record<string, unknown>> {
  const args: Record<string, unknown> = {};
  for (const rule of meta.fields) {
    const raw = values[flagName(rule.name).slice(2)];
    // Every field flag is declared as a string option, so parseArgs gives strings (a list when repeatable).
    if (raw !== undefined && typeof raw !== "boolean")
      args[rule.name] = await convertField(rule, doc, Array.isArray(raw) ? raw.map(String) : raw);
  }
  const bodyFlag = values["body"];
  if (typeof bodyFlag !== "string") return args;
  const body = await jsonOf("--body", bodyFlag);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new UsageError("--body must be a JSON object (inline, @file.json, or @- for stdin).");
  }
  const locations = new Map(meta.fields.map((rule) => [rule.name, rule.in]));
  for (const [name, value] of Object.entries(body)) {
    const where = locations.get(name);
    if (where === "path" || where === "query") {
      throw new UsageError(
        `--body sets ${name}, which is a ${where} parameter, not a body field: pass ${flagName(name)} instead.`,
      );
    }
    if (name in args) throw new UsageError(`${name} is set by both ${flagName(name)} and --body; give it once.`);
    args[name] = value;
  }
  return args;
}
