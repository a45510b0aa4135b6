/**
 * A small JSON Schema (2020-12 subset) validator for webhook payloads.
 *
 * Why not Ajv: Ajv compiles schemas with `new Function`, which edge runtimes and strict CSPs forbid, and it
 * would add ~100 kB to a subpath that only needs to check one generated schema. This walks the schema directly
 * and collects every problem (not just the first), each with a JSON path, so a webhook handler can say exactly
 * which fields were bad.
 *
 * Supported: local `$ref` into `#/components/schemas/*`, `type` (string or array, `integer`), `enum`, `const`,
 * `required`, `properties`, `additionalProperties`, `propertyNames`, `minProperties`, `maxProperties`, `items`,
 * `contains`, `pattern`, `minimum`, `maximum`, `minLength`, `maxLength`, `minItems`, `maxItems`, `allOf`, `anyOf`,
 * `oneOf`, `not`. Anything else (`format`, annotations) is ignored, exactly as JSON Schema treats unknown keywords.
 * The contract tests check that it agrees with Ajv on every example in the spec. Properties are looked up as own
 * properties only, in the value and in the schema (a payload key `constructor` is not `Object.prototype.constructor`).
 *
 * It is also the client's check of strict request bodies (the agent operations), so its messages aim at people
 * writing configuration: an unknown key names its closest declared neighbour, and when no `oneOf`/`anyOf`
 * alternative matches, the issues reported are those of the alternative the value selects by its constants
 * (`provider: "elevenlabs"`, `condition_type: "event"`), not of whichever came closest by count.
 */
import { isObject } from "./guards.js";
import { laxValue } from "./lax.js";
import { nearMiss } from "./near-miss.js";
import { PATTERN_MEANING, SCHEMA_REF_PREFIX } from "./spec-refs.js";

export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

export interface SchemaIssue {
  /** JSON path of the offending value, e.g. `$.telephony_data.duration`. */
  readonly path: string;
  readonly message: string;
  /**
   * For a type, `required`, `enum` or `const` mismatch: what the schema asks for and what the value is, in words
   * that never quote the value (`"string or null"` / `"integer"`, `"present"` / `"missing"`), for reports that
   * must not repeat data.
   */
  readonly expected?: string;
  readonly actual?: string;
}

type Schemas = Readonly<Record<string, JsonSchema>>;

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

function child(path: string, key: string | number): string {
  return typeof key === "number"
    ? `${path}[${key}]`
    : /^[A-Za-z_$][\w$]*$/.test(key)
      ? `${path}.${key}`
      : `${path}[${JSON.stringify(key)}]`;
}

function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function resolve(schema: unknown, schemas: Schemas): unknown {
  const ref = isObject(schema) && typeof schema.$ref === "string" ? schema.$ref : undefined;
  return ref?.startsWith(SCHEMA_REF_PREFIX) ? schemas[ref.slice(SCHEMA_REF_PREFIX.length)] : schema;
}

function quoteAll(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(", ");
}

/**
 * What a `not` or `contains` schema asks for, in words, for the shapes the spec uses (a constant or a list of
 * values, possibly on one required property); `undefined` for anything else.
 */
function describeShape(schema: unknown, schemas: Schemas): string | undefined {
  const s = resolve(schema, schemas);
  if (!isObject(s)) return undefined;
  if ("const" in s) return `equal ${JSON.stringify(s.const)}`;
  if (Array.isArray(s.enum)) return `be one of ${quoteAll(s.enum)}`;
  const required = Array.isArray(s.required) ? s.required : [];
  const properties = isObject(s.properties) ? s.properties : {};
  const [name] = Object.keys(properties);
  if (name !== undefined && Object.keys(properties).length === 1 && required.includes(name)) {
    const inner = describeShape(properties[name], schemas);
    return inner && `have \`${name}\` ${inner.replace(/^be /, "")}`;
  }
  return undefined;
}

/**
 * Whether a `oneOf`/`anyOf` alternative is the one `value` selects: every property the alternative fixes with
 * `const` agrees (or is optional and absent), and the value is not what its `not` excludes (a catch-all for
 * "any other provider"). `undefined` when the alternative fixes nothing, so it cannot be selected this way.
 */
function selects(branch: unknown, value: unknown, schemas: Schemas): boolean | undefined {
  const b = resolve(branch, schemas);
  if (!isObject(b) || !isObject(value)) return undefined;
  const required = Array.isArray(b.required) ? b.required : [];
  let decisive = false;
  let agrees = true;
  for (const [name, sub] of Object.entries(isObject(b.properties) ? b.properties : {})) {
    const prop = resolve(sub, schemas);
    if (!isObject(prop) || !("const" in prop)) continue;
    decisive = true;
    if (Object.hasOwn(value, name) ? !deepEqual(value[name], prop.const) : required.includes(name)) agrees = false;
  }
  if (b.not !== undefined) {
    decisive = true;
    if (validateJsonSchema(b.not as JsonSchema, value, schemas).length === 0) agrees = false;
  }
  return decisive ? agrees : undefined;
}

/** The constant values a property takes across the alternatives, when every decisive alternative fixes it. */
function discriminator(
  branches: readonly unknown[],
  schemas: Schemas,
): { name: string; values: unknown[] } | undefined {
  const fixed = branches.map((branch) => {
    const b = resolve(branch, schemas);
    const properties = isObject(b) && isObject(b.properties) ? b.properties : {};
    return Object.entries(properties).flatMap(([name, sub]) => {
      const prop = resolve(sub, schemas);
      return isObject(prop) && "const" in prop ? [[name, prop.const] as const] : [];
    });
  });
  const [first] = fixed;
  const name = first?.find(([candidate]) => fixed.every((pairs) => pairs.some(([n]) => n === candidate)))?.[0];
  return name === undefined
    ? undefined
    : { name, values: fixed.flatMap((pairs) => pairs.filter(([n]) => n === name).map(([, v]) => v)) };
}

/** The issues to report when no alternative matched: the selected one's, else the discriminating property's. */
function unmatched(
  branches: readonly unknown[],
  results: readonly SchemaIssue[][],
  value: unknown,
  path: string,
  schemas: Schemas,
): SchemaIssue[] {
  const closest = (indexes: number[]) =>
    indexes.reduce((best, i) =>
      (results[i] as SchemaIssue[]).length < (results[best] as SchemaIssue[]).length ? i : best,
    );
  const selected = branches.flatMap((branch, i) => (selects(branch, value, schemas) === true ? [i] : []));
  if (selected.length > 0) return results[closest(selected)] as SchemaIssue[];
  const tag = isObject(value) ? discriminator(branches, schemas) : undefined;
  if (tag && isObject(value)) {
    const got = Object.hasOwn(value, tag.name) ? `; got ${JSON.stringify(value[tag.name])}` : "";
    return [
      {
        path: child(path, tag.name),
        message: `must be one of ${quoteAll(tag.values)}${got}`,
        expected: `one of ${quoteAll(tag.values)}`,
        actual: Object.hasOwn(value, tag.name) ? `another ${typeOf(value[tag.name])}` : "missing",
      },
    ];
  }
  // Alternatives of the value's own JSON type first: an array that breaks the array alternative is not "not a string".
  const sameType = branches.flatMap((branch, i) => {
    const b = resolve(branch, schemas);
    const types = isObject(b) && b.type !== undefined ? [b.type].flat() : undefined;
    return types === undefined || types.some((t) => typeof t === "string" && matchesType(value, t)) ? [i] : [];
  });
  return results[closest(sameType.length > 0 ? sameType : branches.map((_, i) => i))] as SchemaIssue[];
}

/** How a check runs; the defaults are those of the webhook payload check. */
export interface ValidationOptions {
  /**
   * Read a string where the schema wants a number, an integer or a boolean the way pydantic's lax mode (Bolna's
   * server) does (`"8000"`, `"true"`), and check the number or boolean it stands for. Default `false`.
   */
  readonly lax?: boolean;
  /**
   * A key a closed object does not declare is allowed, and reported here with its path, instead of being an issue,
   * unless it is a near miss of one of the object's declared keys: Bolna's server ignores keys it does not know. A
   * key the schemas declare elsewhere (`knownKeys`) is never taken for a near miss. Default: every undeclared key is
   * an issue.
   */
  readonly onUnknownKey?: (path: string) => void;
  /** Every property name the schemas declare somewhere; see `onUnknownKey`. */
  readonly knownKeys?: ReadonlySet<string>;
}

interface Context {
  readonly schemas: Schemas;
  readonly lax: boolean;
  /** Present when unknown keys may pass: the names the schemas declare somewhere. */
  readonly knownKeys: ReadonlySet<string> | undefined;
}

/** An issue, or an allowed unknown key (kept apart so that a `oneOf` prefers an alternative that knows every key). */
interface Finding extends SchemaIssue {
  readonly unknownKey?: true;
}

const isIssue = (finding: Finding): boolean => finding.unknownKey !== true;

/**
 * Which findings of `oneOf`/`anyOf` alternatives stand: those of the passing alternatives that know every key,
 * else of the closest alternative whose only findings are allowed unknown keys, else the unmatched report.
 */
function combine(
  keyword: "oneOf" | "anyOf",
  branches: readonly unknown[],
  results: readonly Finding[][],
  value: unknown,
  path: string,
  ctx: Context,
): Finding[] {
  const clean = results.filter((r) => r.length === 0).length;
  if (clean > 1 && keyword === "oneOf")
    return [{ path, message: `matches ${clean} of the oneOf alternatives; exactly one is allowed` }];
  if (clean > 0) return [];
  const lenient = results.filter((r) => !r.some(isIssue));
  if (lenient.length > 0) return lenient.reduce((best, r) => (r.length < best.length ? r : best));
  // Report the branch the value selects (or came closest), so the message points at a field, not "no match".
  return unmatched(
    branches,
    results.map((r) => r.filter(isIssue)),
    value,
    path,
    ctx.schemas,
  );
}

function validateNode(schema: JsonSchema, input: unknown, path: string, ctx: Context, out: Finding[]): void {
  if (schema === true) return;
  if (schema === false) {
    out.push({ path, message: "is not allowed here" });
    return;
  }
  const s = schema as Record<string, unknown>;
  const issue = (message: string, mismatch?: { expected: string; actual: string }) =>
    out.push({ path, message, ...mismatch });
  const { schemas } = ctx;

  if (typeof s.$ref === "string") {
    const name = s.$ref.startsWith(SCHEMA_REF_PREFIX) ? s.$ref.slice(SCHEMA_REF_PREFIX.length) : undefined;
    const target = name === undefined ? undefined : ownValue(schemas, name);
    if (target === undefined) issue(`references unknown schema ${s.$ref}`);
    else validateNode(target, input, path, ctx, out);
  }
  let value = input;
  if (s.type !== undefined) {
    const types = (Array.isArray(s.type) ? s.type : [s.type]) as string[];
    if (!types.some((t) => matchesType(value, t))) {
      // The number or boolean a string (or 0/1) stands for, when the server would read it so; checked from here on.
      const coerced = ctx.lax ? laxValue(value, types) : undefined;
      if (coerced === undefined) {
        issue(`must be ${types.join(" or ")}, got ${typeOf(value)}`, {
          expected: types.join(" or "),
          actual: typeOf(value),
        });
        return; // the remaining keywords would only repeat the same mismatch
      }
      value = coerced;
    }
  }
  if (Array.isArray(s.enum) && !s.enum.some((v) => deepEqual(v, value))) {
    issue(`must be one of ${s.enum.map((v) => JSON.stringify(v)).join(", ")}, got ${JSON.stringify(input)}`, {
      expected: `one of ${quoteAll(s.enum)}`,
      actual: `another ${typeOf(value)}`,
    });
  }
  if ("const" in s && !deepEqual(s.const, value))
    issue(`must equal ${JSON.stringify(s.const)}`, {
      expected: JSON.stringify(s.const),
      actual: `another ${typeOf(value)}`,
    });

  if (typeof value === "string") {
    if (typeof s.pattern === "string" && !new RegExp(s.pattern, "u").test(value)) {
      issue(`${patternProblem(s)}, got ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`);
    }
    if (typeof s.minLength === "number" && [...value].length < s.minLength)
      issue(`must be at least ${s.minLength} characters`);
    if (typeof s.maxLength === "number" && [...value].length > s.maxLength)
      issue(`must be at most ${s.maxLength} characters`);
  }
  if (typeof value === "number") {
    if (typeof s.minimum === "number" && value < s.minimum) issue(`must be ≥ ${s.minimum}, got ${value}`);
    if (typeof s.maximum === "number" && value > s.maximum) issue(`must be ≤ ${s.maximum}, got ${value}`);
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === "number" && value.length < s.minItems) issue(`must have at least ${s.minItems} items`);
    if (typeof s.maxItems === "number" && value.length > s.maxItems) issue(`must have at most ${s.maxItems} items`);
    if (s.items !== undefined) {
      value.forEach((item, i) => validateNode(s.items as JsonSchema, item, child(path, i), ctx, out));
    }
    if (
      s.contains !== undefined &&
      !value.some((item) => validateJsonSchema(s.contains as JsonSchema, item, schemas).length === 0)
    ) {
      const shape = describeShape(s.contains, schemas);
      issue(
        `must contain at least one item that ${shape ? shape.replace(/^have /, "has ") : "matches the required shape"}`,
      );
    }
  }
  if (isObject(value)) {
    const properties = (isObject(s.properties) ? s.properties : {}) as Record<string, JsonSchema>;
    for (const name of Array.isArray(s.required) ? (s.required as string[]) : []) {
      if (!Object.hasOwn(value, name))
        out.push({ path: child(path, name), message: "is required", expected: "present", actual: "missing" });
    }
    const count = Object.keys(value).length;
    if (typeof s.minProperties === "number" && count < s.minProperties)
      issue(`must have at least ${s.minProperties} entries`);
    if (typeof s.maxProperties === "number" && count > s.maxProperties)
      issue(`must have at most ${s.maxProperties} entries`);
    for (const [name, propValue] of Object.entries(value)) {
      if (s.propertyNames !== undefined) {
        const [keyIssue] = validateJsonSchema(s.propertyNames as JsonSchema, name, schemas);
        if (keyIssue) {
          out.push({ path: child(path, name), message: `is not an allowed key here (the key ${keyIssue.message})` });
          continue; // its value is not worth checking under a key that cannot stay
        }
      }
      const propSchema = ownValue(properties, name);
      if (propSchema !== undefined) validateNode(propSchema, propValue, child(path, name), ctx, out);
      else if (s.additionalProperties === false) out.push(undeclared(name, Object.keys(properties), path, ctx));
      else if (s.additionalProperties !== undefined) {
        validateNode(s.additionalProperties as JsonSchema, propValue, child(path, name), ctx, out);
      }
    }
  }
  if (s.not !== undefined && validateJsonSchema(s.not as JsonSchema, value, schemas).length === 0) {
    const shape = describeShape(s.not, schemas);
    issue(shape ? `must not ${shape}` : "matches a shape that is not allowed here");
  }

  if (Array.isArray(s.allOf)) for (const sub of s.allOf) validateNode(sub as JsonSchema, value, path, ctx, out);
  for (const keyword of ["anyOf", "oneOf"] as const) {
    const branches = s[keyword];
    if (!Array.isArray(branches)) continue;
    const results = branches.map((sub) => {
      const findings: Finding[] = [];
      validateNode(sub as JsonSchema, value, path, ctx, findings);
      return findings;
    });
    out.push(...combine(keyword, branches, results, value, path, ctx));
  }
}

/**
 * A key the closed object does not declare. When unknown keys may pass (the agent-body check), it is an issue only
 * as a near miss of a key declared here (`hangup_after_silense`); a key the spec declares elsewhere (`agent_type` in
 * a PATCH, `optimize_latency` on a task) is a real name in a place Bolna's server ignores, so it passes like any
 * other unknown key rather than being mistaken for a typo of a local one.
 */
function undeclared(name: string, declared: readonly string[], path: string, ctx: Context): Finding {
  const where = child(path, name);
  const near = ctx.knownKeys?.has(name) === true ? undefined : nearMiss(name, declared);
  if (near !== undefined) return { path: where, message: `is not allowed here (did you mean "${near}"?)` };
  return ctx.knownKeys === undefined
    ? { path: where, message: "is not allowed here" }
    : { path: where, message: "is not a key the spec declares here", unknownKey: true };
}

/**
 * A failed `pattern` in words: the schema's `x-bolna-pattern-meaning` ("an E.164 number such as +15551234567"),
 * else its first example. Never the regular expression itself, which tells a person writing configuration little.
 */
function patternProblem(s: Record<string, unknown>): string {
  const meaning = s[PATTERN_MEANING];
  if (typeof meaning === "string") return `must be ${meaning}`;
  const example: unknown = Array.isArray(s.examples) ? (s.examples as unknown[])[0] : s.example;
  return example === undefined
    ? "is not in the form this field takes"
    : `is not in the form this field takes, such as ${JSON.stringify(example)}`;
}

/** Every property name declared in `schemas` and `extra`, for `ValidationOptions.knownKeys`. */
export function declaredKeys(schemas: Schemas, ...extra: readonly JsonSchema[]): Set<string> {
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (isObject(node)) {
      if (isObject(node.properties)) for (const name of Object.keys(node.properties)) names.add(name);
      Object.values(node).forEach(walk);
    }
  };
  walk(Object.values(schemas));
  walk(extra);
  return names;
}

/** Every way `value` breaks `schema` (an empty array when it is valid). */
export function validateJsonSchema(
  schema: JsonSchema,
  value: unknown,
  schemas: Schemas = {},
  options: ValidationOptions = {},
): SchemaIssue[] {
  const findings: Finding[] = [];
  const knownKeys = options.onUnknownKey === undefined ? undefined : (options.knownKeys ?? new Set<string>());
  const ctx: Context = { schemas, lax: options.lax === true, knownKeys };
  validateNode(schema, value, "$", ctx, findings);
  const issues = findings.filter(isIssue);
  // An allowed unknown key is reported only when the body is sent, i.e. when nothing else is wrong.
  if (issues.length === 0) for (const { path } of findings) options.onUnknownKey?.(path);
  return issues.map(({ unknownKey: _unknownKey, ...issue }) => issue);
}
