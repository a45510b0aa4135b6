/**
 * Reads every operation of the bundled spec into the `OperationMetadata` the client runs on, plus the spec text
 * and schemas the typed methods need. It refuses a spec that leaves out an `x-bolna-*` extension, so nothing
 * falls back to a silent default.
 */
import type { HttpMethod, OperationMetadata } from "../../src/extensions/internal/metadata.js";
import { readFields } from "./fields.js";
import { readPagination } from "./pagination.js";
import { resultSchemaName, successJsonSchemas, successShapes } from "./responses.js";
import { deref, HTTP_METHODS, isObject, SpecError, type Json } from "./spec-walk.js";

/** Spec text that goes into JSDoc only; the runtime metadata leaves it out to keep the bundle small. */
export interface OperationDocs {
  summary: string;
  description: string;
  deprecated: boolean;
}

/** An operation's metadata, its JSDoc text and its request-body schema as written (`undefined` without a body). */
export interface ReadOperation {
  meta: OperationMetadata;
  docs: OperationDocs;
  bodySchema: unknown;
  /** The component schema every JSON 2xx response of the operation is (`undefined` when there is no one such). */
  resultSchema: string | undefined;
  /** The JSON body schema of each 2xx status that has one, as written. */
  responseSchemas: Record<string, unknown>;
}

function requireExtension<T>(op: Json, key: string, where: string, check: (v: unknown) => v is T): T {
  const value = op[key];
  if (!check(value)) throw new SpecError(`${where}: missing or malformed ${key}`);
  return value;
}

const isBoolean = (v: unknown): v is boolean => typeof v === "boolean";
const isRateLimit = (v: unknown): v is { bucket: string; requests_per_minute: number } =>
  isObject(v) && typeof v.bucket === "string" && Number.isInteger(v.requests_per_minute);

function readOperation(doc: Json, path: string, method: HttpMethod, pathItem: Json, op: Json): ReadOperation {
  const where = `${method.toUpperCase()} ${path}`;
  const operationId = op.operationId;
  if (typeof operationId !== "string" || !/^[a-z][A-Za-z0-9]*$/.test(operationId)) {
    throw new SpecError(`${where}: operationId must be camelCase`);
  }
  const { fields, body, bodySchema } = readFields(doc, where, pathItem, op);
  const rateLimit = requireExtension(op, "x-bolna-rate-limit", where, isRateLimit);
  const maxWindow = op["x-bolna-max-window"];
  const pagination = readPagination(doc, op, where, fields);
  const meta: OperationMetadata = {
    operationId,
    method,
    path,
    fields,
    ...(body ? { body } : {}),
    rateLimit: { bucket: rateLimit.bucket, requestsPerMinute: rateLimit.requests_per_minute },
    retrySafe: requireExtension(op, "x-bolna-retry-safe", where, isBoolean),
    ...(pagination ? { pagination } : {}),
    ...(isObject(maxWindow)
      ? { maxWindow: { from: String(maxWindow.from), to: String(maxWindow.to), maxDays: Number(maxWindow.max_days) } }
      : {}),
    success: successShapes(doc, op),
  };
  const docs = {
    summary: typeof op.summary === "string" ? op.summary : "",
    description: typeof op.description === "string" ? op.description : "",
    deprecated: op.deprecated === true,
  };
  return {
    meta,
    docs,
    bodySchema,
    resultSchema: resultSchemaName(doc, op),
    responseSchemas: successJsonSchemas(doc, op),
  };
}

/** Every operation of the spec, sorted by operationId (so the generated files do not churn when paths move). */
export function readOperations(doc: Json): ReadOperation[] {
  const out: ReadOperation[] = [];
  for (const [path, rawItem] of Object.entries(deref(doc, doc.paths))) {
    const pathItem = deref(doc, rawItem);
    for (const method of HTTP_METHODS) {
      if (isObject(pathItem[method])) out.push(readOperation(doc, path, method, pathItem, pathItem[method]));
    }
  }
  const ids = new Set<string>();
  for (const { meta } of out) {
    if (ids.has(meta.operationId)) throw new SpecError(`duplicate operationId ${meta.operationId}`);
    ids.add(meta.operationId);
  }
  return out.sort((a, b) => a.meta.operationId.localeCompare(b.meta.operationId));
}
