/**
 * A `bolna.<method>(...)` TypeScript sample for every operation of the bundled spec, as Redoc's `x-codeSamples`,
 * added to the copy of the spec the API reference is built from (the shipped spec stays as it is).
 *
 * The call is written from the generated operation metadata (method name, which fields go in the one flat
 * argument object, whether the operation paginates), with values from the spec's own examples: each path
 * parameter's and required query parameter's example, and the first named example of the request body. A binary
 * body field becomes a `Blob` of its example text, as the client expects. Nothing is written per operation by hand,
 * so a new operation gets its sample with the next docs build.
 */
import type { FieldRule, OperationMetadata } from "../../src/extensions/internal/metadata.js";
import { ALL_OPERATIONS } from "../../src/extensions/internal/operation-table.js";
import { isBinarySchema } from "../generate/fields.js";
import { literal as generatedLiteral, propertyKey } from "../generate/literal.js";
import { followRefs, HTTP_METHODS, isObject, type Json } from "../generate/spec-walk.js";

export interface CodeSample {
  lang: string;
  label: string;
  source: string;
}

const INDENT = "  ";
/** Redoc's sample panel shows about this many characters before it scrolls sideways. */
const WIDTH = 56;

/** Follows the `$ref`s of the bundled spec; the parts a sample reads (examples above all) may be missing. */
type Resolve = (node: unknown) => unknown;

/** A TypeScript literal for an example value, indented for its depth: on one line while it fits the panel. */
export function sampleLiteral(value: unknown, depth = 0): string {
  return generatedLiteral(value, (line, _value, at) => line.length + at * INDENT.length <= WIDTH, depth);
}

/** A parameter's example: `example`, the first of `examples`, or its schema's. */
function parameterExample(parameter: Json, resolve: Resolve): unknown {
  if ("example" in parameter) return parameter["example"];
  const named = resolve(parameter["examples"]);
  const first = isObject(named) ? resolve(Object.values(named)[0]) : undefined;
  if (isObject(first) && "value" in first) return first["value"];
  const schema = resolve(parameter["schema"]);
  if (isObject(schema)) {
    if ("example" in schema) return schema["example"];
    if (Array.isArray(schema["examples"])) return schema["examples"][0];
  }
  return undefined;
}

/** A stand-in for a field the spec gives no example for, of the field's type. */
function placeholder(field: FieldRule): unknown {
  if (field.enum?.[0] !== undefined) return field.enum[0];
  switch (field.type) {
    case "integer":
    case "number":
      return field.minimum ?? 1;
    case "boolean":
      return true;
    case "array":
      return [];
    case "object":
      return {};
    default:
      return `<${field.name}>`;
  }
}

interface Argument {
  name: string;
  /** TypeScript source of the value. */
  source: string;
}

function argumentsOf(
  meta: OperationMetadata,
  operation: Json,
  resolve: Resolve,
  exampleName: string | undefined,
): Argument[] {
  const args: Argument[] = [];
  const parameters = (Array.isArray(operation["parameters"]) ? operation["parameters"] : [])
    .map(resolve)
    .filter(isObject);
  for (const field of meta.fields.filter((f) => f.in !== "body")) {
    if (!field.required) continue;
    const parameter = parameters.find((p) => p["name"] === field.name && p["in"] === field.in);
    const example = parameter === undefined ? undefined : parameterExample(parameter, resolve);
    args.push({ name: field.name, source: sampleLiteral(example ?? placeholder(field), 1) });
  }
  if (meta.body === undefined) return args;

  const media = bodyMedia(meta, operation, resolve);
  const schema = isObject(media) ? resolve(media["schema"]) : undefined;
  const properties = isObject(schema) && isObject(schema["properties"]) ? schema["properties"] : {};
  const examples = requestExamples(media, resolve);
  const chosen = exampleName === undefined ? Object.values(examples)[0] : examples[exampleName];
  if (exampleName !== undefined && chosen === undefined) {
    throw new Error(`${meta.operationId} has no request example named ${exampleName}`);
  }
  const body: Json = isObject(chosen) && isObject(chosen["value"]) ? structuredClone(chosen["value"]) : {};
  if (Object.keys(body).length === 0) {
    for (const field of meta.fields.filter((f) => f.in === "body" && f.required)) body[field.name] = placeholder(field);
  }
  for (const [name, value] of Object.entries(body)) {
    const property = resolve(properties[name]);
    const binary = isObject(property) && isBinarySchema(property);
    const type =
      isObject(property) && typeof property["contentMediaType"] === "string" ? property["contentMediaType"] : undefined;
    args.push({
      name,
      source: binary
        ? `new Blob([${sampleLiteral(value, 1)}]${type === undefined ? "" : `, { type: ${JSON.stringify(type)} }`})`
        : sampleLiteral(value, 1),
    });
  }
  return args;
}

/** The media type object of the request body the client sends (JSON, or multipart for uploads). */
function bodyMedia(meta: OperationMetadata, operation: Json, resolve: Resolve): unknown {
  const requestBody = resolve(operation["requestBody"]);
  const content = isObject(requestBody) ? resolve(requestBody["content"]) : undefined;
  return isObject(content) ? resolve(content[meta.body?.mediaType ?? "application/json"]) : undefined;
}

/** The named examples of a request body's media type, resolved, in the spec's order. */
function requestExamples(media: unknown, resolve: Resolve): Record<string, unknown> {
  const examples = isObject(media) ? resolve(media["examples"]) : undefined;
  if (!isObject(examples)) return {};
  return Object.fromEntries(Object.entries(examples).map(([name, example]) => [name, resolve(example)]));
}

/** The names of an operation's request-body examples: each can be written as a sample (`codeSample`). */
export function requestExampleNames(meta: OperationMetadata, operation: Json, spec: Json): string[] {
  const resolve: Resolve = (node) => followRefs(spec, node);
  return Object.keys(requestExamples(bodyMedia(meta, operation, resolve), resolve));
}

/**
 * The sample for one operation, with the body of its request example `exampleName` (default: the first one, which
 * the API reference shows).
 */
export function codeSample(meta: OperationMetadata, operation: Json, spec: Json, exampleName?: string): CodeSample {
  const resolve: Resolve = (node) => followRefs(spec, node);
  const args = argumentsOf(meta, operation, resolve, exampleName);
  const keys = args.map(({ name, source }) => `${propertyKey(name)}: ${source}`);
  const oneLine = `{ ${keys.join(", ")} }`;
  const argument =
    args.length === 0
      ? ""
      : oneLine.length <= WIDTH - 24 && !oneLine.includes("\n")
        ? oneLine
        : `{\n${keys.map((k) => `${INDENT}${k},`).join("\n")}\n}`;
  const call = `bolna.${meta.operationId}(${argument})`;
  const use = meta.pagination
    ? `// Every item, page after page:\nfor await (const item of ${call}) {\n  console.log(item);\n}`
    : `const result = await ${call};\nconsole.log(result);`;
  const source = [
    'import { createBolnaClient } from "bolna-api-client";',
    "",
    "// The API key comes from BOLNA_API_KEY.",
    "const bolna = createBolnaClient();",
    "",
    use,
    "",
  ].join("\n");
  return { lang: "TypeScript", label: "bolna-api-client", source };
}

/** Adds `x-codeSamples` to every operation of `spec` (mutated) and returns how many got one. */
export function addCodeSamples(spec: Json): number {
  const metadata = new Map(ALL_OPERATIONS.map((meta) => [meta.operationId, meta]));
  let added = 0;
  const paths = isObject(spec["paths"]) ? spec["paths"] : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const meta = typeof operation["operationId"] === "string" ? metadata.get(operation["operationId"]) : undefined;
      if (meta === undefined)
        throw new Error(`${method.toUpperCase()} ${path} has no generated metadata; run npm run generate`);
      operation["x-codeSamples"] = [codeSample(meta, operation, spec)];
      added++;
    }
  }
  return added;
}
