/**
 * A small JSON Schema (2020-12 subset) validator for webhook payloads.
 *
 * Why not Ajv: Ajv compiles schemas with `new Function`, which edge runtimes and strict CSPs forbid, and it
 * would add ~100 kB to a subpath that only needs to check one generated schema. This walks the schema directly
 * and collects every problem (not just the first), each with a JSON path, so a webhook handler can say exactly
 * which fields were bad.
 *
 * Supported: local `$ref` into `#/components/schemas/*`, `type` (string or array, `integer`), `enum`, `const`,
 * `required`, `properties`, `additionalProperties`, `items`, `pattern`, `minimum`, `maximum`, `minLength`,
 * `maxLength`, `minItems`, `maxItems`, `allOf`, `anyOf`, `oneOf`. Anything else (`format`, annotations) is
 * ignored, exactly as JSON Schema treats unknown keywords. The contract tests check that it agrees with Ajv
 * on every example in the spec. Properties are looked up as own properties only, in the value and in the schema
 * (a payload key `constructor` is not `Object.prototype.constructor`).
 */

export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

export interface SchemaIssue {
  /** JSON path of the offending value, e.g. `$.telephony_data.duration`. */
  readonly path: string;
  readonly message: string;
}

type Schemas = Readonly<Record<string, JsonSchema>>;

const REF_PREFIX = "#/components/schemas/";

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === "number" && actual === "integer");
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeOf(value) === "object";
}

function child(path: string, key: string | number): string {
  return typeof key === "number" ? `${path}[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function validateNode(schema: JsonSchema, value: unknown, path: string, schemas: Schemas, out: SchemaIssue[]): void {
  if (schema === true) return;
  if (schema === false) {
    out.push({ path, message: "is not allowed here" });
    return;
  }
  const s = schema as Record<string, unknown>;
  const issue = (message: string) => out.push({ path, message });

  if (typeof s.$ref === "string") {
    const name = s.$ref.startsWith(REF_PREFIX) ? s.$ref.slice(REF_PREFIX.length) : undefined;
    const target = name === undefined ? undefined : ownValue(schemas, name);
    if (target === undefined) issue(`references unknown schema ${s.$ref}`);
    else validateNode(target, value, path, schemas, out);
  }
  if (s.type !== undefined) {
    const types = (Array.isArray(s.type) ? s.type : [s.type]) as string[];
    if (!types.some((t) => matchesType(value, t))) {
      issue(`must be ${types.join(" or ")}, got ${typeOf(value)}`);
      return; // the remaining keywords would only repeat the same mismatch
    }
  }
  if (Array.isArray(s.enum) && !s.enum.some((v) => deepEqual(v, value))) {
    issue(`must be one of ${s.enum.map((v) => JSON.stringify(v)).join(", ")}, got ${JSON.stringify(value)}`);
  }
  if ("const" in s && !deepEqual(s.const, value)) issue(`must equal ${JSON.stringify(s.const)}`);

  if (typeof value === "string") {
    if (typeof s.pattern === "string" && !new RegExp(s.pattern, "u").test(value)) {
      issue(`must match ${s.pattern}, got ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`);
    }
    if (typeof s.minLength === "number" && [...value].length < s.minLength) issue(`must be at least ${s.minLength} characters`);
    if (typeof s.maxLength === "number" && [...value].length > s.maxLength) issue(`must be at most ${s.maxLength} characters`);
  }
  if (typeof value === "number") {
    if (typeof s.minimum === "number" && value < s.minimum) issue(`must be ≥ ${s.minimum}, got ${value}`);
    if (typeof s.maximum === "number" && value > s.maximum) issue(`must be ≤ ${s.maximum}, got ${value}`);
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === "number" && value.length < s.minItems) issue(`must have at least ${s.minItems} items`);
    if (typeof s.maxItems === "number" && value.length > s.maxItems) issue(`must have at most ${s.maxItems} items`);
    if (s.items !== undefined) {
      value.forEach((item, i) => validateNode(s.items as JsonSchema, item, child(path, i), schemas, out));
    }
  }
  if (isPlainObject(value)) {
    const properties = (isPlainObject(s.properties) ? s.properties : {}) as Record<string, JsonSchema>;
    for (const name of Array.isArray(s.required) ? (s.required as string[]) : []) {
      if (!Object.hasOwn(value, name)) out.push({ path: child(path, name), message: "is required" });
    }
    for (const [name, propValue] of Object.entries(value)) {
      const propSchema = ownValue(properties, name);
      if (propSchema !== undefined) validateNode(propSchema, propValue, child(path, name), schemas, out);
      else if (s.additionalProperties !== undefined) {
        validateNode(s.additionalProperties as JsonSchema, propValue, child(path, name), schemas, out);
      }
    }
  }

  if (Array.isArray(s.allOf)) for (const sub of s.allOf) validateNode(sub as JsonSchema, value, path, schemas, out);
  for (const keyword of ["anyOf", "oneOf"] as const) {
    const branches = s[keyword];
    if (!Array.isArray(branches)) continue;
    const results = branches.map((sub) => {
      const issues: SchemaIssue[] = [];
      validateNode(sub as JsonSchema, value, path, schemas, issues);
      return issues;
    });
    const passing = results.filter((r) => r.length === 0).length;
    if (passing === 0) {
      // Report the branch that came closest, so the message points at a field rather than "no match".
      const closest = results.reduce((best, r) => (r.length < best.length ? r : best));
      out.push(...closest);
    } else if (keyword === "oneOf" && passing > 1) {
      issue(`matches ${passing} of the oneOf alternatives; exactly one is allowed`);
    }
  }
}

/** Every way `value` breaks `schema` (an empty array when it is valid). */
export function validateJsonSchema(schema: JsonSchema, value: unknown, schemas: Schemas = {}): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  validateNode(schema, value, "$", schemas, out);
  return out;
}
