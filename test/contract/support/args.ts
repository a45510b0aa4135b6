/**
 * Builds request arguments for any operation from the spec alone: parameter examples and named request-body
 * examples. Nothing here knows an operation by name; an operation whose spec lacks an example cannot be called,
 * and the error says which example to add to the spec.
 */
import { deref, type ParameterObject, type Schema, type SpecOperation } from "./spec.js";
import { isObject } from "../../../scripts/generate/spec-walk.js";

/** Arguments split the way HTTP carries them; `flatten()` gives the generated method's single object. */
export interface RequestParts {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  /** `undefined` for operations without a body. */
  body: Record<string, unknown> | undefined;
}

export class MissingExampleError extends Error {
  override name = "MissingExampleError";
}

/** A parameter's value from the spec: `example`, a named example, the schema's example(s), `enum[0]`, `default`. */
export function parameterExample(op: SpecOperation, param: ParameterObject): unknown {
  if (param.example !== undefined) return param.example;
  const named = Object.values(param.examples ?? {}).map((e) => deref<{ value?: unknown }>(e).value);
  if (named[0] !== undefined) return named[0];
  const schema = deref(param.schema ?? {});
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  throw new MissingExampleError(
    `${op.operationId}: parameter \`${param.name}\` (${param.in}) has no example, enum or default: add an \`example\` to it in openapi/`,
  );
}

/** The resolved schema of a top-level body property (through `$ref` and a single-element `allOf`). */
export function propertySchema(bodySchema: Schema, name: string): Schema {
  const properties = isObject(bodySchema.properties) ? bodySchema.properties : {};
  let schema = deref(properties[name] ?? {});
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1) schema = { ...deref(schema.allOf[0]), ...schema };
  return schema;
}

/** Binary multipart parts: `format: binary`, or `contentMediaType` other than JSON. */
export function isBinaryProperty(schema: Schema): boolean {
  if (schema.format === "binary") return true;
  return typeof schema.contentMediaType === "string" && !/json/i.test(schema.contentMediaType);
}

const EXTENSIONS: Record<string, string> = {
  "text/csv": "csv",
  "application/pdf": "pdf",
  "text/plain": "txt",
  "image/png": "png",
};

/** Turns the spec's textual stand-in for a file (`file: "contact_number,name\n…"`) into a real `File`. */
function toFile(name: string, schema: Schema, value: unknown): unknown {
  if (value instanceof Blob || typeof value !== "string") return value;
  const type = typeof schema.contentMediaType === "string" ? schema.contentMediaType : "application/octet-stream";
  return new File([value], `${name}.${EXTENSIONS[type] ?? "bin"}`, { type });
}

/** A request-body example as the client takes it: binary multipart fields become `File`s. */
export function bodyFromExample(op: SpecOperation, example: unknown): Record<string, unknown> {
  const body = op.requestBody;
  if (!body) throw new Error(`${op.operationId} has no request body`);
  if (!isObject(example)) throw new Error(`${op.operationId}: request-body example is not an object`);
  if (body.mediaType !== "multipart/form-data") return structuredClone(example);
  return Object.fromEntries(
    Object.entries(example).map(([name, value]) => {
      const schema = propertySchema(body.schema, name);
      return [name, isBinaryProperty(schema) ? toFile(name, schema, value) : value];
    }),
  );
}

/**
 * The names a "required only" body keeps: the schema's `required`, plus, for a `oneOf`/`anyOf` of alternatives
 * (`FromFile`/`FromUrl`), the `required` of the first alternative the example satisfies, plus as many of the
 * example's properties as `minProperties` demands.
 */
export function requiredBodyProperties(schema: Schema, example: Record<string, unknown>): string[] {
  const names = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  for (const keyword of ["oneOf", "anyOf"] as const) {
    const branches = schema[keyword];
    if (!Array.isArray(branches)) continue;
    const branch = branches
      .map((b) => deref(b))
      .find((b) => Array.isArray(b.required) && (b.required as string[]).every((name) => name in example));
    if (!branch) throw new Error(`no ${keyword} alternative of the body schema is satisfied by the example`);
    for (const name of branch.required as string[]) names.add(name);
  }
  // `minProperties` (a PATCH needs at least one field): keep the example's first properties until it holds.
  const min = typeof schema.minProperties === "number" ? schema.minProperties : 0;
  for (const name of Object.keys(example)) {
    if (names.size >= min) break;
    names.add(name);
  }
  return [...names];
}

function parametersIn(op: SpecOperation, location: "path" | "query", requiredOnly: boolean): Record<string, unknown> {
  return Object.fromEntries(
    op.parameters
      .filter((p) => p.in === location && (!requiredOnly || p.required === true))
      .map((p) => [p.name, parameterExample(op, p)]),
  );
}

function firstBodyExample(op: SpecOperation): { name: string; value: Record<string, unknown> } {
  const first = op.requestBody?.examples[0];
  if (!first || !isObject(first.value)) {
    throw new MissingExampleError(`${op.operationId}: the request body has no named example: add one in openapi/`);
  }
  return { name: first.name, value: first.value };
}

/** Required parameters, and a body with only the required properties of the first example. */
export function requiredOnlyParts(op: SpecOperation): RequestParts {
  let body: Record<string, unknown> | undefined;
  if (op.requestBody) {
    const { name, value } = firstBodyExample(op);
    let keep: string[];
    try {
      keep = requiredBodyProperties(op.requestBody.schema, value);
    } catch (error) {
      throw new MissingExampleError(`${op.operationId}: example \`${name}\`: ${(error as Error).message}`);
    }
    const missing = keep.filter((k) => !(k in value));
    if (missing.length > 0) {
      throw new MissingExampleError(`${op.operationId}: example \`${name}\` lacks required ${missing.join(", ")}`);
    }
    body = bodyFromExample(op, Object.fromEntries(keep.map((k) => [k, value[k]])));
  }
  return { path: parametersIn(op, "path", true), query: parametersIn(op, "query", true), body };
}

/** Every parameter, with the body of one named example (default: the first, the "all params" one). */
export function allParamsParts(op: SpecOperation, exampleName?: string): RequestParts {
  let body: Record<string, unknown> | undefined;
  if (op.requestBody) {
    const example =
      exampleName === undefined ? firstBodyExample(op) : op.requestBody.examples.find((e) => e.name === exampleName);
    if (!example) throw new Error(`${op.operationId}: no request-body example ${exampleName}`);
    body = bodyFromExample(op, example.value);
  }
  return { path: parametersIn(op, "path", false), query: parametersIn(op, "query", false), body };
}

/** The generated method's single argument object: path + query + body properties. */
export function flatten(op: SpecOperation, parts: RequestParts): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const group of [parts.path, parts.query, parts.body ?? {}]) {
    for (const [name, value] of Object.entries(group)) {
      if (name in flat) throw new Error(`${op.operationId}: \`${name}\` is both a parameter and a body property`);
      flat[name] = value;
    }
  }
  return flat;
}

function appendForm(form: FormData, name: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (value instanceof Blob) form.append(name, value, value instanceof File ? value.name : name);
  else if (typeof value === "object") form.append(name, JSON.stringify(value));
  else form.append(name, String(value));
}

/**
 * A plain `Request` for `parts`, built without the client (no argument checks, no serializer of ours), so that
 * deliberately invalid input reaches the mock as written.
 */
export function rawRequest(
  baseUrl: string,
  op: SpecOperation,
  parts: RequestParts,
  options: { apiKey?: string | undefined; headers?: Record<string, string> } = {},
): Request {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(parts.path[name] ?? "")));
  const url = new URL(`${baseUrl}${path}`);
  for (const [name, value] of Object.entries(parts.query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(item));
  }
  const headers = new Headers(options.headers);
  if (options.apiKey !== undefined) headers.set("Authorization", `Bearer ${options.apiKey}`);
  let body: BodyInit | undefined;
  if (parts.body !== undefined && op.requestBody) {
    if (op.requestBody.mediaType === "multipart/form-data") {
      const form = new FormData();
      for (const [name, value] of Object.entries(parts.body)) {
        if (Array.isArray(value)) for (const item of value) appendForm(form, name, item);
        else appendForm(form, name, value);
      }
      body = form;
    } else {
      headers.set("Content-Type", op.requestBody.mediaType);
      body = JSON.stringify(parts.body);
    }
  }
  return new Request(url, { method: op.method.toUpperCase(), headers, ...(body === undefined ? {} : { body }) });
}
