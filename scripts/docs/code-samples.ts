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
import { isObject } from "../../src/extensions/guards.js";
import type { FieldRule, OperationMetadata } from "../../src/extensions/metadata.js";
import { ALL_OPERATIONS } from "../../src/extensions/operation-table.js";
import { isBinarySchema } from "../generate/operations.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface CodeSample {
  lang: string;
  label: string;
  source: string;
}

const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const INDENT = "  ";
/** Redoc's sample panel shows about this many characters before it scrolls sideways. */
const WIDTH = 56;

/** Follows internal `$ref`s (`#/components/...`) of the bundled spec. */
function resolver(spec: JsonObject) {
  return function resolve(node: Json | undefined): Json | undefined {
    let current = node;
    for (let hops = 0; isObject(current) && typeof current["$ref"] === "string"; hops++) {
      if (hops > 20) throw new Error(`$ref cycle at ${current["$ref"]}`);
      let target: Json | undefined = spec;
      for (const part of current["$ref"].replace(/^#\//, "").split("/")) {
        target = isObject(target) ? target[part.replaceAll("~1", "/").replaceAll("~0", "~")] : undefined;
      }
      current = target;
    }
    return current;
  };
}

/** A TypeScript literal for an example value, indented for its depth. */
export function literal(value: unknown, depth = 0): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value !== "object" || value === null) return JSON.stringify(value) ?? "undefined";
  const inner = INDENT.repeat(depth + 1);
  const entries = Array.isArray(value)
    ? value.map((item) => literal(item, depth + 1))
    : Object.entries(value).map(
        ([key, item]) => `${IDENTIFIER.test(key) ? key : JSON.stringify(key)}: ${literal(item, depth + 1)}`,
      );
  if (entries.length === 0) return Array.isArray(value) ? "[]" : "{}";
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  const oneLine = Array.isArray(value) ? `[${entries.join(", ")}]` : `{ ${entries.join(", ")} }`;
  if (oneLine.length + depth * INDENT.length <= WIDTH && !oneLine.includes("\n")) return oneLine;
  return `${open}\n${entries.map((entry) => `${inner}${entry},`).join("\n")}\n${INDENT.repeat(depth)}${close}`;
}

/** A parameter's example: `example`, the first of `examples`, or its schema's. */
function parameterExample(parameter: JsonObject, resolve: ReturnType<typeof resolver>): Json | undefined {
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
function placeholder(field: FieldRule): Json {
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

function argumentsOf(meta: OperationMetadata, operation: JsonObject, resolve: ReturnType<typeof resolver>): Argument[] {
  const args: Argument[] = [];
  const parameters = (Array.isArray(operation["parameters"]) ? operation["parameters"] : [])
    .map(resolve)
    .filter((parameter): parameter is JsonObject => isObject(parameter));
  for (const field of meta.fields.filter((f) => f.in !== "body")) {
    if (!field.required) continue;
    const parameter = parameters.find((p) => p["name"] === field.name && p["in"] === field.in);
    const example = parameter === undefined ? undefined : parameterExample(parameter, resolve);
    args.push({ name: field.name, source: literal(example ?? placeholder(field), 1) });
  }
  if (meta.body === undefined) return args;

  const requestBody = resolve(operation["requestBody"]);
  const content = isObject(requestBody) ? resolve(requestBody["content"]) : undefined;
  const media = isObject(content) ? resolve(content[meta.body.mediaType ?? "application/json"]) : undefined;
  const schema = isObject(media) ? resolve(media["schema"]) : undefined;
  const properties = isObject(schema) && isObject(schema["properties"]) ? schema["properties"] : {};
  const examples = isObject(media) ? resolve(media["examples"]) : undefined;
  const firstExample = isObject(examples) ? resolve(Object.values(examples)[0]) : undefined;
  const body: JsonObject = isObject(firstExample) && isObject(firstExample["value"]) ? firstExample["value"] : {};
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
        ? `new Blob([${literal(value, 1)}]${type === undefined ? "" : `, { type: ${JSON.stringify(type)} }`})`
        : literal(value, 1),
    });
  }
  return args;
}

/** The sample for one operation. */
export function codeSample(meta: OperationMetadata, operation: JsonObject, spec: JsonObject): CodeSample {
  const resolve = resolver(spec);
  const args = argumentsOf(meta, operation, resolve);
  const keys = args.map(({ name, source }) => `${IDENTIFIER.test(name) ? name : JSON.stringify(name)}: ${source}`);
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
export function addCodeSamples(spec: JsonObject): number {
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
      operation["x-codeSamples"] = [codeSample(meta, operation, spec)] as unknown as Json;
      added++;
    }
  }
  return added;
}
