/**
 * A yes/no check of a value against a JSON Schema, fast enough to run on every response (`validateResponses`
 * budgets 50 µs for a typical body). `json-schema.ts` walks the schema for each value and collects every issue
 * with its path, which costs hundreds of µs on a nested agent; nearly every response fits, so this answers only
 * "does it fit" and `json-schema.ts` is asked for the details when it does not.
 *
 * Each schema is turned once into a closure (cached per schema object; `$ref`s are compiled on first use, so a
 * recursive schema works). Within an object schema the `const` properties are checked first, so an alternative of
 * an `anyOf` that names another `provider` is left at once, and `anyOf` stops at the first alternative that fits.
 * It compiles `$ref`, `type`, `enum`, `const`, `required`, `properties`, `additionalProperties`, `items`, `allOf`,
 * `anyOf` and `not`; a schema with any other keyword is checked by `json-schema.ts` itself, so both always agree.
 */
import { isObject } from "./guards.js";
import { validateJsonSchema, type JsonSchema } from "./json-schema.js";
import { SCHEMA_REF_PREFIX } from "./spec-refs.js";

export type Fit = (value: unknown) => boolean;

type Schemas = Readonly<Record<string, JsonSchema>>;

const COMPILED = new Set([
  "$ref",
  "type",
  "enum",
  "const",
  "required",
  "properties",
  "additionalProperties",
  "items",
  "allOf",
  "anyOf",
  "not",
]);

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return isObject(value);
    case "integer":
      return Number.isInteger(value);
    default:
      return typeof value === type; // string, number, boolean
  }
}

// Plain loops on the hot path: no closure is created per value checked.
function every(fits: readonly Fit[], value: unknown): boolean {
  for (const fit of fits) if (!fit(value)) return false;
  return true;
}

function some(fits: readonly Fit[], value: unknown): boolean {
  for (const fit of fits) if (fit(value)) return true;
  return false;
}

/** JSON equality, as `json-schema.ts` decides it (by serialization), with a shortcut for primitives. */
function equalTo(expected: unknown): Fit {
  if (expected === null || typeof expected !== "object") return (value) => value === expected;
  const text = JSON.stringify(expected);
  return (value) => JSON.stringify(value) === text;
}

/** A compiler of fits against `schemas` (the component schemas `$ref`s point into). */
export function createFitCompiler(schemas: Schemas): (schema: JsonSchema) => Fit {
  const cache = new WeakMap<object, Fit>();

  const compile = (schema: JsonSchema): Fit => {
    if (typeof schema === "boolean") return () => schema;
    const cached = cache.get(schema);
    if (cached) return cached;
    const fit = Object.keys(schema).every((key) => COMPILED.has(key))
      ? compileNode(schema)
      : (value: unknown) => validateJsonSchema(schema, value, schemas).length === 0;
    cache.set(schema, fit);
    return fit;
  };

  const compileNode = (s: { readonly [keyword: string]: unknown }): Fit => {
    const checks: Fit[] = [];
    const properties = isObject(s.properties) ? (s.properties as Record<string, JsonSchema>) : {};
    // Constant properties first: the cheapest way out of an alternative that does not apply.
    for (const [name, sub] of Object.entries(properties)) {
      if (isObject(sub) && "const" in sub) {
        const same = equalTo(sub.const);
        checks.push((value) => !isObject(value) || !Object.hasOwn(value, name) || same(value[name]));
      }
    }
    if (typeof s.$ref === "string") {
      const name = s.$ref.startsWith(SCHEMA_REF_PREFIX) ? s.$ref.slice(SCHEMA_REF_PREFIX.length) : "";
      const target = Object.hasOwn(schemas, name) ? schemas[name] : undefined;
      let resolved: Fit | undefined;
      checks.push(target === undefined ? () => false : (value) => (resolved ??= compile(target))(value));
    }
    if (s.type !== undefined) {
      const types = (Array.isArray(s.type) ? s.type : [s.type]) as string[];
      const widened = types.includes("number") ? [...types, "integer"] : types;
      checks.push((value) => {
        for (const type of widened) if (hasType(value, type)) return true;
        return false;
      });
    }
    if (Array.isArray(s.enum)) {
      const members = s.enum.map(equalTo);
      checks.push((value) => some(members, value));
    }
    if ("const" in s) checks.push(equalTo(s.const));
    if (Array.isArray(s.required)) {
      const required = s.required as string[];
      checks.push((value) => {
        if (!isObject(value)) return true;
        for (const name of required) if (!Object.hasOwn(value, name)) return false;
        return true;
      });
    }
    const declared = Object.entries(properties).map(([name, sub]) => [name, compile(sub)] as const);
    const rest = s.additionalProperties === undefined ? undefined : compile(s.additionalProperties as JsonSchema);
    if (declared.length > 0 || rest) {
      checks.push((value) => {
        if (!isObject(value)) return true;
        for (const [name, fit] of declared) if (Object.hasOwn(value, name) && !fit(value[name])) return false;
        if (rest) {
          for (const [name, item] of Object.entries(value)) {
            if (!Object.hasOwn(properties, name) && !rest(item)) return false;
          }
        }
        return true;
      });
    }
    if (s.items !== undefined) {
      const item = compile(s.items as JsonSchema);
      checks.push((value) => {
        if (!Array.isArray(value)) return true;
        for (const element of value) if (!item(element)) return false;
        return true;
      });
    }
    if (Array.isArray(s.allOf)) {
      const all = (s.allOf as JsonSchema[]).map(compile);
      checks.push((value) => every(all, value));
    }
    if (Array.isArray(s.anyOf)) {
      const any = (s.anyOf as JsonSchema[]).map(compile);
      checks.push((value) => some(any, value));
    }
    if (s.not !== undefined) {
      const not = compile(s.not as JsonSchema);
      checks.push((value) => !not(value));
    }
    return (value) => every(checks, value);
  };

  return compile;
}
