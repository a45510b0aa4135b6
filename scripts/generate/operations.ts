/**
 * Emits `src/generated/operations.ts` from the bundled spec:
 *  - `rateLimitBuckets`: each client-side rate-limit bucket and its requests per minute;
 *  - `operationMetadata`: one compact entry per operation (method, path, field rules, bucket name, retry safety,
 *    pagination, date-window limit; defaults left out), the table the runtime reads through `expandOperations`;
 *
 * and `src/generated/methods.ts` (types only):
 *  - a named argument type per operation (`MakeCallArgs`) and a named result type where the spec's schema has no
 *    name of its own (`GetUserResult`), so editors show names rather than `OperationArgs<"makeCall">`;
 *  - `BolnaOperationMethods`: one typed method per operationId, with JSDoc taken from the spec.
 *
 * It refuses a spec that leaves out an `x-bolna-*` extension or whose flattened method arguments would collide
 * (a path parameter and a body property with the same name), so nothing falls back to a silent default.
 */
import type {
  BodyRule,
  FieldRule,
  FieldType,
  HttpMethod,
  OperationEntry,
  OperationMetadata,
  PaginationRule,
  ResponseShape,
} from "../../src/extensions/internal/metadata.js";
import {
  deref,
  flattenAllOf,
  isObject,
  mergeParameters,
  SCHEMA_REF_PREFIX,
  SpecError,
  type Json,
} from "./spec-walk.js";

export { SpecError };

const METHODS: readonly HttpMethod[] = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];
const FIELD_TYPES = new Set<string>(["string", "integer", "number", "boolean", "array", "object"]);

/**
 * A part the caller uploads as a file: `format: binary` (3.0 style) or a `contentMediaType` other than JSON
 * (a `contentMediaType: application/json` string is JSON text, e.g. Bolna's `retry_config`).
 */
export function isBinarySchema(schema: Record<string, unknown>): boolean {
  if (schema.format === "binary") return true;
  return typeof schema.contentMediaType === "string" && schema.contentMediaType !== "application/json";
}

/** Reads the validation-relevant keywords of a (possibly nullable) schema. */
function ruleFromSchema(
  doc: Json,
  name: string,
  location: FieldRule["in"],
  required: boolean,
  raw: unknown,
): FieldRule {
  const schema = flattenAllOf(doc, raw);
  const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  const nonNull = types.filter((t) => t !== "null");
  const rule: { -readonly [K in keyof FieldRule]: FieldRule[K] } = { name, in: location };
  if (required) rule.required = true;
  // A binary part (`contentMediaType`/`format: binary`) is a Blob at runtime, not the string the schema says.
  if (!isBinarySchema(schema) && nonNull.length === 1 && FIELD_TYPES.has(String(nonNull[0])))
    rule.type = nonNull[0] as FieldType;
  if (types.includes("null")) rule.nullable = true;
  if (Array.isArray(schema.enum)) rule.enum = schema.enum.filter((v) => v !== null) as NonNullable<FieldRule["enum"]>;
  if (typeof schema.minimum === "number") rule.minimum = schema.minimum;
  if (typeof schema.maximum === "number") rule.maximum = schema.maximum;
  if (typeof schema.pattern === "string") rule.pattern = schema.pattern;
  if (typeof schema.minLength === "number") rule.minLength = schema.minLength;
  if (typeof schema.maxLength === "number") rule.maxLength = schema.maxLength;
  if (schema["x-bolna-offset-datetime"] === true) rule.dateTime = "offset";
  else if (schema.format === "date-time") rule.dateTime = "utc";
  return rule;
}

/** The top-level shape of each 2xx response, which the client checks before returning the data. */
function successShapes(doc: Json, op: Json): Record<string, ResponseShape> {
  const shapes: Record<string, ResponseShape> = {};
  for (const [status, raw] of Object.entries(isObject(op.responses) ? op.responses : {})) {
    if (!/^2\d\d$/.test(status)) continue;
    const content = deref(doc, raw).content;
    if (!isObject(content) || Object.keys(content).length === 0) {
      shapes[status] = "none";
      continue;
    }
    const json = content["application/json"];
    const type = isObject(json) && json.schema !== undefined ? flattenAllOf(doc, json.schema).type : undefined;
    shapes[status] = type === "object" || type === "array" ? type : "any";
  }
  return shapes;
}

function requireExtension<T>(op: Json, key: string, where: string, check: (v: unknown) => v is T): T {
  const value = op[key];
  if (!check(value)) throw new SpecError(`${where}: missing or malformed ${key}`);
  return value;
}

const isBoolean = (v: unknown): v is boolean => typeof v === "boolean";
const isRateLimit = (v: unknown): v is { bucket: string; requests_per_minute: number } =>
  isObject(v) && typeof v.bucket === "string" && Number.isInteger(v.requests_per_minute);

/** The properties of the operation's 200 JSON response schema (`allOf` merged). */
function successProperties(doc: Json, op: Json, where: string): Json {
  const responses = isObject(op.responses) ? op.responses : {};
  const ok = responses["200"];
  const content = ok === undefined ? undefined : deref(doc, deref(doc, ok).content);
  const media = content?.["application/json"];
  if (media === undefined) throw new SpecError(`${where}: x-bolna-pagination needs a 200 application/json response`);
  const schema = flattenAllOf(doc, deref(doc, media).schema);
  return isObject(schema.properties) ? schema.properties : {};
}

const PAGINATION_KEYS = { request: ["page", "size"], response: ["items", "has_more", "page", "offset", "limit"] };

/**
 * Reads `x-bolna-pagination: { request: { page, size }, response: { items, has_more?, page? | offset + limit? } }`
 * and checks it against the operation: the request names must be its integer query parameters, the response names
 * properties of its 200 schema with the right types. A mistake here would make every walk fail, so it fails the build.
 */
function readPagination(doc: Json, op: Json, where: string, fields: readonly FieldRule[]): PaginationRule | undefined {
  const raw = op["x-bolna-pagination"];
  if (raw === undefined) return undefined;
  const bad = (why: string) => new SpecError(`${where}: x-bolna-pagination ${why}`);
  if (!isObject(raw) || !isObject(raw.request) || !isObject(raw.response))
    throw bad("needs `request` and `response` objects");
  const { request, response } = raw;
  for (const [part, allowed] of [
    [request, PAGINATION_KEYS.request],
    [response, PAGINATION_KEYS.response],
  ] as const) {
    const unknown = Object.keys(part).filter((key) => !allowed.includes(key));
    if (unknown.length > 0 || Object.values(part).some((v) => typeof v !== "string")) {
      throw bad(`takes string values for ${allowed.join(", ")} only; got ${JSON.stringify(part)}`);
    }
  }
  const names = request as Record<string, string | undefined>;
  for (const key of ["page", "size"]) {
    const param = fields.find((f) => f.in === "query" && f.name === names[key]);
    if (param?.type !== "integer") throw bad(`request.${key} must name an integer query parameter`);
  }

  const properties = successProperties(doc, op, where);
  const envelope = response as Record<string, string | undefined>;
  const expectType = (key: string, type: string): string | null => {
    const name = envelope[key];
    if (name === undefined) return null;
    const schema = properties[name] === undefined ? undefined : flattenAllOf(doc, properties[name]);
    const types = schema === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.includes(type)) throw bad(`response.${key} must name a property of type ${type} in the 200 schema`);
    return name;
  };
  const items = expectType("items", "array");
  if (items === null) throw bad("needs response.items");
  const page = expectType("page", "integer");
  const offset = expectType("offset", "integer");
  const limit = expectType("limit", "integer");
  if ((offset === null) !== (limit === null)) throw bad("needs response.offset and response.limit together");
  if (page !== null && offset !== null) throw bad("takes response.page or response.offset/limit, not both");
  return {
    pageParam: names.page as string,
    sizeParam: names.size as string,
    items,
    hasMore: expectType("has_more", "boolean"),
    position: page !== null ? { page } : offset !== null && limit !== null ? { offset, limit } : null,
  };
}

function readOperation(doc: Json, path: string, method: HttpMethod, pathItem: Json, op: Json): OperationMetadata {
  const where = `${method.toUpperCase()} ${path}`;
  const operationId = op.operationId;
  if (typeof operationId !== "string" || !/^[a-z][A-Za-z0-9]*$/.test(operationId)) {
    throw new SpecError(`${where}: operationId must be camelCase`);
  }
  const fields: FieldRule[] = [];
  for (const param of mergeParameters(doc, pathItem, op)) {
    if (param.in !== "path" && param.in !== "query") continue; // headers/cookies are not method arguments
    fields.push(ruleFromSchema(doc, String(param.name), param.in, param.required === true, param.schema));
  }

  let body: BodyRule | undefined;
  if (op.requestBody !== undefined) {
    const requestBody = deref(doc, op.requestBody);
    const content = deref(doc, requestBody.content);
    const mediaType = Object.keys(content)[0];
    if (mediaType !== "application/json" && mediaType !== "multipart/form-data") {
      throw new SpecError(`${where}: unsupported request media type ${String(mediaType)}`);
    }
    if (Object.keys(content).length !== 1) throw new SpecError(`${where}: exactly one request media type expected`);
    const schema = deref(doc, deref(doc, content[mediaType]).schema);
    const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
    for (const [name, propSchema] of Object.entries(isObject(schema.properties) ? schema.properties : {})) {
      fields.push(ruleFromSchema(doc, name, "body", required.has(name), propSchema));
    }
    const strict = op["x-bolna-strict-body"] === true;
    if (strict && mediaType !== "application/json")
      throw new SpecError(`${where}: x-bolna-strict-body needs a JSON body`);
    // Only what differs from the defaults (JSON, optional, open, no minimum, not strict) is written down.
    const rule: { -readonly [K in keyof BodyRule]: BodyRule[K] } = {};
    if (mediaType !== "application/json") rule.mediaType = mediaType;
    if (requestBody.required === true) rule.required = true;
    // A strict body is closed at the top too: an unknown argument is refused by name rather than sent.
    if (schema.additionalProperties === false || strict) rule.open = false;
    if (typeof schema.minProperties === "number" && schema.minProperties > 0) rule.minProperties = schema.minProperties;
    if (strict) rule.strict = true;
    body = rule;
  }

  const seen = new Set<string>();
  for (const field of fields) {
    if (seen.has(field.name)) throw new SpecError(`${where}: argument name ${field.name} is used twice`);
    seen.add(field.name);
  }

  const rateLimit = requireExtension(op, "x-bolna-rate-limit", where, isRateLimit);
  const maxWindow = op["x-bolna-max-window"];
  const pagination = readPagination(doc, op, where, fields);
  return {
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
}

/** Spec text that goes into JSDoc only; the runtime metadata leaves it out to keep the bundle small. */
interface OperationDocs {
  summary: string;
  description: string;
  deprecated: boolean;
}

/** An operation's metadata, its JSDoc text and its request-body schema as written (`undefined` without a body). */
interface ReadOperation {
  meta: OperationMetadata;
  docs: OperationDocs;
  bodySchema: unknown;
  /** The component schema every JSON 2xx response of the operation is (`undefined` when there is no one such). */
  resultSchema: string | undefined;
}

function resultSchemaOf(doc: Json, op: Json): string | undefined {
  const names = new Set<string | undefined>();
  for (const [status, raw] of Object.entries(isObject(op.responses) ? op.responses : {})) {
    if (!/^2\d\d$/.test(status)) continue;
    const content = deref(doc, raw).content;
    const media = isObject(content) ? content["application/json"] : undefined;
    const ref = isObject(media) && isObject(media.schema) ? media.schema.$ref : undefined;
    names.add(
      typeof ref === "string" && ref.startsWith(SCHEMA_REF_PREFIX) ? ref.slice(SCHEMA_REF_PREFIX.length) : undefined,
    );
  }
  const [name] = names;
  return names.size === 1 && name !== undefined && /^[A-Z][A-Za-z0-9]*$/.test(name) ? name : undefined;
}

function bodySchemaOf(doc: Json, op: Json): unknown {
  if (op.requestBody === undefined) return undefined;
  const content = deref(doc, deref(doc, op.requestBody).content);
  return Object.values(content).map((media) => deref(doc, media).schema)[0];
}

export function readOperations(doc: Json): ReadOperation[] {
  const out: ReadOperation[] = [];
  for (const [path, rawItem] of Object.entries(deref(doc, doc.paths))) {
    const pathItem = deref(doc, rawItem);
    for (const method of METHODS) {
      if (!isObject(pathItem[method])) continue;
      const op = pathItem[method];
      const docs = {
        summary: typeof op.summary === "string" ? op.summary : "",
        description: typeof op.description === "string" ? op.description : "",
        deprecated: op.deprecated === true,
      };
      out.push({
        meta: readOperation(doc, path, method, pathItem, op),
        docs,
        bodySchema: bodySchemaOf(doc, op),
        resultSchema: resultSchemaOf(doc, op),
      });
    }
  }
  const ids = new Set<string>();
  for (const { meta } of out) {
    if (ids.has(meta.operationId)) throw new SpecError(`duplicate operationId ${meta.operationId}`);
    ids.add(meta.operationId);
  }
  return out.sort((a, b) => a.meta.operationId.localeCompare(b.meta.operationId));
}

/** A JSDoc block; `*\/` inside spec text would end the comment early, so it is broken up. */
function jsdoc(lines: string[], indent: string): string {
  const body = lines.flatMap((line) => line.replace(/\*\//g, "*\\/").split("\n"));
  return [`${indent}/**`, ...body.map((l) => `${indent} *${l ? ` ${l}` : ""}`.trimEnd()), `${indent} */`].join("\n");
}

function methodDoc(meta: OperationMetadata, docs: OperationDocs): string[] {
  const facts = [
    `\`${meta.method.toUpperCase()} ${meta.path}\``,
    `rate limit ${meta.rateLimit.requestsPerMinute}/min (bucket \`${meta.rateLimit.bucket}\`)`,
    meta.retrySafe ? "retried on transient failures" : "never retried once the server may have acted",
  ];
  if (meta.pagination) facts.push("paginated: await for the first page, `for await` for every item");
  const lines = [docs.summary, "", docs.description.trim(), "", facts.join(" · ")];
  if (docs.deprecated) lines.push("", "@deprecated See the description for the replacement operation.");
  return lines;
}

function argsAreOptional(meta: OperationMetadata): boolean {
  return meta.fields.every((f) => !f.required) && !(meta.body?.required ?? false);
}

/**
 * Each rate-limit bucket's requests per minute. Every operation names its bucket; two operations that put the
 * same bucket at different limits are a spec mistake, since the client keeps one counter per bucket.
 */
export function rateLimitBuckets(ops: readonly ReadOperation[]): Record<string, number> {
  const buckets = new Map<string, { limit: number; operationId: string }>();
  for (const { meta } of ops) {
    const { bucket, requestsPerMinute } = meta.rateLimit;
    const seen = buckets.get(bucket);
    if (seen && seen.limit !== requestsPerMinute) {
      throw new SpecError(
        `x-bolna-rate-limit: bucket ${bucket} is ${seen.limit}/min in ${seen.operationId} but ${requestsPerMinute}/min in ${meta.operationId}`,
      );
    }
    buckets.set(bucket, seen ?? { limit: requestsPerMinute, operationId: meta.operationId });
  }
  return Object.fromEntries(
    [...buckets].sort(([a], [b]) => a.localeCompare(b)).map(([name, { limit }]) => [name, limit]),
  );
}

/** The generated entry of an operation: no operationId (it is the key), the bucket by name, defaults left out. */
function compactEntry({ operationId: _id, fields, rateLimit, retrySafe, ...rest }: OperationMetadata): OperationEntry {
  return {
    method: rest.method,
    path: rest.path,
    ...(fields.length > 0 ? { fields } : {}),
    ...(rest.body ? { body: rest.body } : {}),
    rateLimit: rateLimit.bucket,
    ...(retrySafe ? { retrySafe } : {}),
    ...(rest.pagination ? { pagination: rest.pagination } : {}),
    ...(rest.maxWindow ? { maxWindow: rest.maxWindow } : {}),
    success: rest.success,
  };
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A value as TypeScript source: identifier keys unquoted, and an object or array that holds no object on one line
 * (a field rule, a body rule), so an entry reads as a few lines rather than one line per property.
 */
function literal(value: unknown, indent = ""): string {
  const key = (name: string) => (IDENTIFIER.test(name) ? name : JSON.stringify(name));
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  const items: [string | null, unknown][] = Array.isArray(value)
    ? value.map((item) => [null, item])
    : Object.entries(value).filter(([, v]) => v !== undefined);
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  const flat = items.every(([, v]) => typeof v !== "object" || v === null);
  const inner = indent + "  ";
  const parts = items.map(([name, v]) => `${name === null ? "" : `${key(name)}: `}${literal(v, inner)}`);
  if (flat) return Array.isArray(value) ? `[${parts.join(", ")}]` : `{ ${parts.join(", ")} }`;
  return `${open}\n${parts.map((part) => `${inner}${part},`).join("\n")}\n${indent}${close}`;
}

export function emitOperationsModule(doc: Json): string {
  const ops = readOperations(doc);
  const buckets = rateLimitBuckets(ops);
  const table = Object.fromEntries(ops.map(({ meta }) => [meta.operationId, compactEntry(meta)]));
  const paginated = ops.filter(({ meta }) => meta.pagination).map(({ meta }) => `"${meta.operationId}"`);
  return `import type { OperationEntry } from "../extensions/internal/metadata.js";

/** The client-side rate-limit buckets named by the spec's \`x-bolna-rate-limit\` extensions: requests per minute. */
export const rateLimitBuckets = ${literal(buckets)} as const;

export type RateLimitBucket = keyof typeof rateLimitBuckets;

/** Every operation in the spec, keyed by operationId; a key at its default is left out (see \`OperationEntry\`). */
export const operationMetadata = ${literal(table)} as const satisfies Record<string, OperationEntry<RateLimitBucket>>;

export type OperationId = keyof typeof operationMetadata;

/** Operations marked \`x-bolna-pagination\`: their method returns a \`PagePromise\` over the pages of their envelope. */
export type PaginatedOperationId = ${paginated.length ? paginated.join(" | ") : "never"};
`;
}

const pascal = (id: string) => id[0]!.toUpperCase() + id.slice(1);

/** The named types and the typed method interface of every operation (see the top of this file). */
export function emitMethodsModule(doc: Json): string {
  const ops = readOperations(doc);
  const aliases: string[] = [];
  const schemaNames = new Set<string>();
  const methods = ops.map(({ meta, docs, resultSchema }) => {
    const id = meta.operationId;
    const args = `${pascal(id)}Args`;
    aliases.push(`/** The argument of \`bolna.${id}()\`: its path, query and body fields in one object. */`);
    aliases.push(`export type ${args} = OperationArgs<"${id}">;`);
    let data = resultSchema;
    if (data === undefined) {
      data = `${pascal(id)}Result`;
      aliases.push(`/** What \`bolna.${id}()\` resolves to: the data of its 2xx response. */`);
      aliases.push(`export type ${data} = OperationData<"${id}">;`);
    } else if (!meta.pagination) {
      schemaNames.add(data);
    }
    const optional = argsAreOptional(meta) ? "?" : "";
    const result = meta.pagination ? `PaginatedResult<"${id}">` : `APIPromise<${data}>`;
    // A strict body is typed exactly too: the arguments' own type is inferred (\`const\`, so \`provider: "sarvam"\` stays
    // that literal) and every key is checked against the alternative it selects.
    const signature = meta.body?.strict
      ? `${id}<const A extends ${args}>(args${optional}: A & Exact<A, ${args}>`
      : `${id}(args${optional}: ${args}`;
    return `${jsdoc(methodDoc(meta, docs), "  ")}\n  ${signature}, options?: RequestOptions): ${result};`;
  });
  const exactImport = ops.some(({ meta }) => meta.body?.strict)
    ? `import type { Exact } from "../extensions/exact.js";\n`
    : "";
  const names = [...schemaNames].sort().map((name) => `  ${name},`);
  const schemaImport = names.length > 0 ? `import type {\n${names.join("\n")}\n} from "./schema.js";\n` : "";
  return `${exactImport}import type { APIPromise, OperationArgs, OperationData, PaginatedResult, RequestOptions } from "../extensions/operation-types.js";
${schemaImport}
${aliases.join("\n")}

/** One method per operation: returns the typed data of the 2xx response or throws a typed \`APIError\`. */
export interface BolnaOperationMethods {
${methods.join("\n\n")}
}
`;
}
