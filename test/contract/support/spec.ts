/**
 * The bundled spec (`src/generated/openapi.json`) as the contract tests see it: every operation enumerated from
 * `paths` × HTTP methods (never from the generated client, so an operation the generator dropped still shows up),
 * with parameters, request body and responses dereferenced.
 */
import { readFileSync } from "node:fs";
import * as walk from "../../../scripts/generate/spec-walk.js";
import type { HttpMethod } from "../../../src/extensions/internal/metadata.js";
import { createRouteTable } from "../../../src/extensions/internal/routes.js";

/** A JSON Schema / OpenAPI object, read loosely: the tests only look at a few keywords. */
export type Schema = { readonly [keyword: string]: unknown };

export interface ParameterObject {
  readonly name: string;
  readonly in: "path" | "query" | "header" | "cookie";
  readonly required?: boolean;
  readonly schema?: Schema;
  readonly example?: unknown;
  readonly examples?: Readonly<Record<string, { readonly value?: unknown }>>;
}

export interface NamedExample {
  readonly name: string;
  readonly value: unknown;
}

export interface SpecRequestBody {
  readonly required: boolean;
  readonly mediaType: string;
  /** The dereferenced top-level body schema. */
  readonly schema: Schema;
  readonly examples: readonly NamedExample[];
}

export interface SpecResponse {
  readonly status: number;
  readonly mediaType: string | undefined;
  /** As written in the spec (usually a `$ref`); compile it with the Ajv helper. */
  readonly schema: Schema | undefined;
  readonly examples: readonly NamedExample[];
  /** Response headers with the `example` Prism sends. */
  readonly headers: Readonly<Record<string, { readonly example?: unknown; readonly schema?: Schema }>>;
}

export interface SpecOperation {
  readonly operationId: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly parameters: readonly ParameterObject[];
  readonly requestBody: SpecRequestBody | undefined;
  readonly responses: readonly SpecResponse[];
  /** `x-bolna-max-window`: `{ from, to, max_days }` query bounds, when present. */
  readonly maxWindow: { readonly from: string; readonly to: string; readonly max_days: number } | undefined;
  readonly raw: Schema;
}

export const BUNDLED_SPEC_PATH = new URL("../../../src/generated/openapi.json", import.meta.url);

export const spec: Schema = JSON.parse(readFileSync(BUNDLED_SPEC_PATH, "utf8")) as Schema;

const { HTTP_METHODS, isObject } = walk;
const doc = spec;

/** The object itself, or what its `$ref` points at (repeatedly), read as the generator reads it. */
export function deref<T = Schema>(value: unknown): T {
  return (isObject(value) ? walk.deref(doc, value) : value) as T;
}

function namedExamples(media: Schema | undefined): NamedExample[] {
  if (!media) return [];
  const examples = isObject(media.examples) ? media.examples : {};
  const named = Object.entries(examples).map(([name, ex]) => ({ name, value: deref<Schema>(ex).value }));
  if (named.length === 0 && "example" in media) named.push({ name: "example", value: media.example });
  return named;
}

function firstContent(content: unknown): [string, Schema] | undefined {
  if (!isObject(content)) return undefined;
  const entry = Object.entries(content)[0];
  return entry ? [entry[0], entry[1] as Schema] : undefined;
}

function readOperation(path: string, method: HttpMethod, pathItem: Schema, op: Schema): SpecOperation {
  const operationId = op.operationId;
  if (typeof operationId !== "string" || operationId === "") {
    throw new Error(`${method.toUpperCase()} ${path} has no operationId`);
  }
  // Operation-level parameters override path-level ones with the same (name, in), as in the generator.
  const parameters = walk.mergeParameters(doc, pathItem, op).map((raw) => {
    const param = raw as unknown as ParameterObject;
    return { ...param, ...(param.schema ? { schema: deref(param.schema) } : {}) };
  });

  let requestBody: SpecRequestBody | undefined;
  if (op.requestBody !== undefined) {
    const body = deref<Schema>(op.requestBody);
    const content = firstContent(body.content);
    if (!content) throw new Error(`${operationId}: request body without content`);
    const [mediaType, media] = content;
    requestBody = {
      required: body.required === true,
      mediaType,
      schema: deref(media.schema),
      examples: namedExamples(media),
    };
  }

  const responses: SpecResponse[] = [];
  for (const [code, value] of Object.entries(isObject(op.responses) ? op.responses : {})) {
    if (!/^\d{3}$/.test(code)) throw new Error(`${operationId}: response ${code} is not a concrete status`);
    const response = deref<Schema>(value);
    const content = firstContent(response.content);
    const headers: Record<string, { example?: unknown; schema?: Schema }> = {};
    for (const [name, header] of Object.entries(isObject(response.headers) ? response.headers : {})) {
      headers[name] = deref(header);
    }
    responses.push({
      status: Number(code),
      mediaType: content?.[0],
      schema: content?.[1].schema as Schema | undefined,
      examples: namedExamples(content?.[1]),
      headers,
    });
  }

  const window = op["x-bolna-max-window"];
  return {
    operationId,
    method,
    path,
    parameters,
    requestBody,
    responses,
    maxWindow: isObject(window) ? (window as SpecOperation["maxWindow"]) : undefined,
    raw: op,
  };
}

/** Every operation of `paths`, in spec order. Throws on a missing or duplicate operationId. */
export function listOperations(): SpecOperation[] {
  const out: SpecOperation[] = [];
  const seen = new Set<string>();
  for (const [path, item] of Object.entries(isObject(spec.paths) ? spec.paths : {})) {
    const pathItem = deref<Schema>(item);
    for (const method of HTTP_METHODS) {
      const op = pathItem[method];
      if (!isObject(op)) continue;
      const operation = readOperation(path, method, pathItem, op);
      if (seen.has(operation.operationId)) throw new Error(`Duplicate operationId ${operation.operationId}`);
      seen.add(operation.operationId);
      out.push(operation);
    }
  }
  return out;
}

export const operations: readonly SpecOperation[] = listOperations();

export function operation(operationId: string): SpecOperation {
  const op = operations.find((o) => o.operationId === operationId);
  if (!op) throw new Error(`No operation ${operationId} in the spec`);
  return op;
}

export function successResponses(op: SpecOperation): SpecResponse[] {
  return op.responses.filter((r) => r.status >= 200 && r.status < 300);
}

export function errorResponses(op: SpecOperation): SpecResponse[] {
  return op.responses.filter((r) => r.status >= 400);
}

/** Maps a concrete request back to its operation with the client's own route table (literal segments win). */
const routes = createRouteTable(operations);

export function matchOperation(method: string, url: URL): SpecOperation | undefined {
  return routes.match(method, url);
}
