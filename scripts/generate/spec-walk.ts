/**
 * Reading the bundled OpenAPI document: the few walking steps the generator (scripts/generate/) and the contract
 * suite (test/contract/support/spec.ts) both need, written once so that both read the spec the same way.
 */
import type { HttpMethod } from "../../src/extensions/internal/metadata.js";
import { isObject } from "../../src/extensions/internal/guards.js";
import {
  followRefs as followSpecRefs,
  PATTERN_MEANING,
  SCHEMA_REF_PREFIX,
} from "../../src/extensions/internal/spec-refs.js";

export type Json = Record<string, unknown>;

/** The keys of a path item that hold an operation, in the order OpenAPI lists them. */
export const HTTP_METHODS: readonly HttpMethod[] = [
  "get",
  "put",
  "post",
  "delete",
  "options",
  "head",
  "patch",
  "trace",
];

/** The spec is not what the generator can read; the message names the place and the problem. */
/**
 * The keywords that limit a value of the right type: bounds, lengths, counts, patterns and the tests on arrays and
 * keys. The request side may carry one only with evidence that Bolna refuses the value too; the response schemas the
 * drift check uses leave them out, since they say what the server accepts rather than what it returns.
 */
export const VALUE_CONSTRAINTS = [
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "uniqueItems",
  "contains",
  "minProperties",
  "maxProperties",
  "propertyNames",
  "pattern",
] as const;

export class SpecError extends Error {
  override name = "SpecError";
}

// One reading of `$ref`s for every reader of the spec, the CLI included; here its failures are `SpecError`s.
export { PATTERN_MEANING, SCHEMA_REF_PREFIX };

// The runtime's JSON-object check, so the generator, the docs and the client agree on what an object is.
export { isObject };

const specError = (message: string): never => {
  throw new SpecError(message);
};

/**
 * Follows local `$ref`s (the bundle has only `#/...` refs) until it reaches a node that is not a reference. The
 * node may be anything, `undefined` included, for readers that look at optional parts such as `examples`.
 */
export function followRefs(doc: Json, node: unknown): unknown {
  return followSpecRefs(doc, node, specError);
}

/** The node `node` refers to, which must be an object: the generator's reading of a part the spec must have. */
export function deref(doc: Json, node: unknown): Json {
  const target = followRefs(doc, node);
  if (!isObject(target)) throw new SpecError("expected an object in the spec");
  return target;
}

/**
 * A schema with its `allOf` members merged in (shallowly): the spec wraps a `$ref` in `allOf` to attach
 * `deprecated` or a description, and the constraints of the referenced schema must not be lost.
 */
export function flattenAllOf(doc: Json, raw: unknown): Json {
  const schema = deref(doc, raw);
  if (!Array.isArray(schema.allOf)) return schema;
  const { allOf, ...own } = schema;
  return Object.assign({}, ...allOf.map((member: unknown) => flattenAllOf(doc, member)), own) as Json;
}

/**
 * An operation's parameters, dereferenced: the path item's, then the operation's, where an operation parameter
 * replaces the path item's parameter with the same `name` and `in` (OpenAPI's override rule). The same
 * (`name`, `in`) twice within one list is a spec error.
 */
export function mergeParameters(doc: Json, pathItem: Json, op: Json): Json[] {
  const merged = new Map<string, Json>();
  for (const list of [pathItem.parameters, op.parameters]) {
    const level = new Set<string>();
    for (const raw of Array.isArray(list) ? list : []) {
      const param = deref(doc, raw);
      const key = `${String(param.in)} ${String(param.name)}`;
      if (level.has(key))
        throw new SpecError(`parameter ${String(param.name)} (in ${String(param.in)}) is declared twice`);
      level.add(key);
      merged.set(key, param);
    }
  }
  return [...merged.values()];
}
