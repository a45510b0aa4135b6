/**
 * An operation's arguments as the client checks them: one `FieldRule` per path or query parameter and per body
 * property (the generated methods take them all in one flat object), plus the `BodyRule` of the request body.
 * Each rule carries the validation keywords of its schema, so a bad argument is refused before anything is sent.
 */
import type { BodyRule, FieldRule, FieldType } from "../../src/extensions/internal/metadata.js";
import { deref, flattenAllOf, isObject, mergeParameters, PATTERN_MEANING, SpecError, type Json } from "./spec-walk.js";

const FIELD_TYPES = new Set<string>(["string", "integer", "number", "boolean", "array", "object"]);

/**
 * A part the caller uploads as a file: `format: binary` (3.0 style) or a `contentMediaType` other than JSON
 * (a `contentMediaType: application/json` string is JSON text, e.g. Bolna's `retry_config`).
 */
export function isBinarySchema(schema: Record<string, unknown>): boolean {
  if (schema.format === "binary") return true;
  return typeof schema.contentMediaType === "string" && schema.contentMediaType !== "application/json";
}

/**
 * The values an open list suggests: an `anyOf` of value lists plus one `{type: string}` branch marked
 * `x-bolna-other-values`. `undefined` for any other schema.
 */
function knownValues(doc: Json, schema: Json): string[] | undefined {
  if (!Array.isArray(schema.anyOf)) return undefined;
  const branches = schema.anyOf.map((branch: unknown) => flattenAllOf(doc, branch));
  if (!branches.some((branch) => branch["x-bolna-other-values"] === true)) return undefined;
  const values = branches.flatMap((branch): unknown[] => (Array.isArray(branch.enum) ? branch.enum : []));
  return values.filter((value): value is string => typeof value === "string");
}

/** Reads the validation-relevant keywords of a (possibly nullable) schema. */
function fieldRule(doc: Json, name: string, location: FieldRule["in"], required: boolean, raw: unknown): FieldRule {
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
  if (typeof schema.pattern === "string") {
    rule.pattern = schema.pattern;
    const meaning = schema[PATTERN_MEANING];
    if (typeof meaning === "string") rule.patternMeaning = meaning;
  }
  const known = knownValues(doc, schema);
  if (known) {
    rule.type = "string";
    rule.knownValues = known;
  }
  if (typeof schema.minLength === "number") rule.minLength = schema.minLength;
  if (typeof schema.maxLength === "number") rule.maxLength = schema.maxLength;
  if (schema["x-bolna-offset-datetime"] === true) rule.dateTime = "offset";
  else if (schema.format === "date-time") rule.dateTime = "utc";
  // A date-time is parsed and rewritten into the form the pattern describes, so the pattern would never refuse it.
  if (rule.dateTime) {
    delete rule.pattern;
    delete rule.patternMeaning;
  }
  return rule;
}

/** What `readFields` finds: the argument rules, the body rule, and the body schema as written (for strict bodies). */
export interface OperationFields {
  fields: FieldRule[];
  body: BodyRule | undefined;
  bodySchema: unknown;
}

/** The request body: its properties become fields, its media type and shape the `BodyRule`. */
function readBody(doc: Json, op: Json, where: string): OperationFields {
  const requestBody = deref(doc, op.requestBody);
  const content = deref(doc, requestBody.content);
  const mediaType = Object.keys(content)[0];
  if (mediaType !== "application/json" && mediaType !== "multipart/form-data") {
    throw new SpecError(`${where}: unsupported request media type ${String(mediaType)}`);
  }
  if (Object.keys(content).length !== 1) throw new SpecError(`${where}: exactly one request media type expected`);
  const bodySchema = deref(doc, content[mediaType]).schema;
  const schema = deref(doc, bodySchema);
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  const fields = Object.entries(isObject(schema.properties) ? schema.properties : {}).map(([name, propSchema]) =>
    fieldRule(doc, name, "body", required.has(name), propSchema),
  );
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
  return { fields, body: rule, bodySchema };
}

/**
 * The path and query parameters, then the body properties. Headers and cookies are not method arguments. The
 * arguments are one flat object, so a name used twice (a path parameter and a body property) is a spec error.
 */
export function readFields(doc: Json, where: string, pathItem: Json, op: Json): OperationFields {
  const fields: FieldRule[] = [];
  for (const param of mergeParameters(doc, pathItem, op)) {
    if (param.in !== "path" && param.in !== "query") continue;
    fields.push(fieldRule(doc, String(param.name), param.in, param.required === true, param.schema));
  }
  const body = op.requestBody === undefined ? undefined : readBody(doc, op, where);
  if (body) fields.push(...body.fields);

  const seen = new Set<string>();
  for (const field of fields) {
    if (seen.has(field.name)) throw new SpecError(`${where}: argument name ${field.name} is used twice`);
    seen.add(field.name);
  }
  return { fields, body: body?.body, bodySchema: body?.bodySchema };
}
