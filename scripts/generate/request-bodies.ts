/**
 * Emits `src/generated/request-bodies.ts`: for every operation marked `x-bolna-strict-body: true`, the JSON Schema
 * of its request body in the form the client validates against before sending (the agent bodies: `createAgent`,
 * `replaceAgent`, `patchAgent`). The client imports the module lazily, the first time such an operation is called,
 * so the schemas stay out of the main bundle.
 *
 * The spec describes what the server accepts: Bolna drops keys it does not know, so the spec's objects are open.
 * The client is stricter, because a dropped key is almost always a typo. Normalizing for that:
 *  - `allOf` members are merged into one object (properties and `required` united), and shared properties next to a
 *    `oneOf` are copied into each branch, so every alternative is one self-contained object;
 *  - such an object, and any other that declares `properties` without saying `additionalProperties`, is closed
 *    (`additionalProperties: false`); objects that carry user data say `additionalProperties: true` in the spec and
 *    stay open;
 *  - annotations are dropped except `title`, which names an alternative in error messages; `format` is dropped too,
 *    because the client's validator does not check formats (the server does).
 * Property-level `$ref`s stay references into the emitted component map, so a shared schema is emitted once.
 */
import { isObject, PATTERN_MEANING, SCHEMA_REF_PREFIX, type Json } from "./spec-walk.js";
/** Keywords that only describe; `title` is kept for messages. */
const DROPPED = ["description", "example", "examples", "deprecated", "default", "format", "unevaluatedProperties"];

class Normalizer {
  readonly components = new Map<string, unknown>();
  readonly #pending: string[] = [];
  readonly #schemas: Json;

  constructor(schemas: Json) {
    this.#schemas = schemas;
  }

  /** A reference stays a reference; its target is normalized once, into `components`. */
  reference(ref: string): Json {
    const name = this.#componentName(ref);
    if (!this.components.has(name) && !this.#pending.includes(name)) {
      this.#pending.push(name);
      this.components.set(name, this.schema(this.#schemas[name]));
      this.#pending.splice(this.#pending.indexOf(name), 1);
    }
    return { $ref: ref };
  }

  #componentName(ref: string): string {
    if (!ref.startsWith(SCHEMA_REF_PREFIX)) throw new Error(`unexpected $ref ${ref} in a strict request body`);
    const name = ref.slice(SCHEMA_REF_PREFIX.length);
    if (!(name in this.#schemas)) throw new Error(`unresolvable $ref ${ref}`);
    return name;
  }

  /**
   * The normalized form of a schema found in a property, an item, a map value or a standalone position. Inside
   * `not`, `contains` and `propertyNames` a schema is a test, not the shape of data, so nothing there is closed.
   */
  schema(node: unknown, close = true): unknown {
    if (!isObject(node)) return node;
    if (typeof node.$ref === "string" && Object.keys(node).every((k) => k === "$ref" || DROPPED.includes(k))) {
      return this.reference(node.$ref);
    }
    return this.#recurse(this.#flatten(node), close);
  }

  /**
   * One object schema for a node and its `allOf` members (references resolved, since the parts are merged), with
   * the shared part distributed into its `oneOf` branches.
   */
  #flatten(node: Json): Json {
    const own: Json = {};
    for (const [key, value] of Object.entries(node)) {
      const kept = key.startsWith("x-")
        ? key === PATTERN_MEANING
        : key !== "allOf" && key !== "$ref" && !DROPPED.includes(key);
      if (kept) own[key] = value;
    }
    // Members first, so that the node's own keywords (its `title` above all) win.
    const parts = [...this.#members(node).map((member) => this.#flatten(member)), own];
    const merged = parts.reduce((a, b) => merge(a, b));
    if (!Array.isArray(merged.oneOf)) return merged;
    const { oneOf, ...shared } = merged;
    const sharedIsObject = isObject(shared.properties) || Array.isArray(shared.required);
    const branches = oneOf.map((branch: unknown) => {
      const flat = this.#flatten(
        isObject(branch) && typeof branch.$ref === "string" ? this.#resolve(branch.$ref) : (branch as Json),
      );
      return sharedIsObject && acceptsObjects(flat) ? merge(shared, flat) : flat;
    });
    return sharedIsObject ? { oneOf: branches } : { ...shared, oneOf: branches };
  }

  #members(node: Json): Json[] {
    const members: Json[] = [];
    if (typeof node.$ref === "string") members.push(this.#resolve(node.$ref));
    for (const member of Array.isArray(node.allOf) ? node.allOf : []) {
      members.push(isObject(member) && typeof member.$ref === "string" ? this.#resolve(member.$ref) : (member as Json));
    }
    return members;
  }

  #resolve(ref: string): Json {
    const target = this.#schemas[this.#componentName(ref)];
    if (!isObject(target)) throw new Error(`${ref} is not a schema object`);
    return target;
  }

  #recurse(schema: Json, close: boolean): Json {
    const out: Json = {};
    for (const [key, value] of Object.entries(schema)) {
      if (key === "properties" && isObject(value)) {
        out.properties = Object.fromEntries(
          Object.entries(value).map(([name, sub]) => [name, this.schema(sub, close)]),
        );
      } else if (key === "items" || key === "additionalProperties") {
        out[key] = this.schema(value, close);
      } else if (key === "propertyNames" || key === "contains" || key === "not") {
        out[key] = this.schema(value, false);
      } else if ((key === "oneOf" || key === "anyOf" || key === "allOf") && Array.isArray(value)) {
        out[key] = value.map((branch) => this.schema(branch, close));
      } else {
        out[key] = value;
      }
    }
    if (close && isObject(out.properties) && out.additionalProperties === undefined) out.additionalProperties = false;
    return out;
  }
}

/** Whether a (flattened) schema can describe an object, so that shared object properties apply to it. */
function acceptsObjects(schema: Json): boolean {
  const types = schema.type === undefined ? ["object"] : Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.includes("object");
}

/** The conjunction of two flattened schemas, for the keywords the agent schemas use; a real conflict is an error. */
function merge(a: Json, b: Json): Json {
  const out: Json = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else if (key === "properties" && isObject(existing) && isObject(value))
      out.properties = mergeProperties(existing, value);
    else if (key === "required" && Array.isArray(existing) && Array.isArray(value))
      out.required = [...new Set([...(existing as unknown[]), ...(value as unknown[])])];
    else if (key === "title")
      out.title = value; // the more specific part (a branch) names the result
    else if (key === "additionalProperties" && (existing === true || value === true)) out.additionalProperties = true;
    else if (key === "type") out.type = intersectTypes(existing, value);
    else if (key === "oneOf") throw new Error("two oneOf lists in one allOf cannot be combined");
    else if (JSON.stringify(existing) !== JSON.stringify(value))
      throw new Error(`conflicting ${key} while merging allOf members`);
  }
  return out;
}

function mergeProperties(a: Json, b: Json): Json {
  const out: Json = { ...a };
  for (const [name, schema] of Object.entries(b)) {
    // The same property in two parts: both apply (e.g. a branch narrows a shared `language` to an enum).
    out[name] = out[name] === undefined ? schema : { allOf: [out[name], schema] };
  }
  return out;
}

function intersectTypes(a: unknown, b: unknown): unknown {
  const left = Array.isArray(a) ? a : [a];
  const right = new Set(Array.isArray(b) ? b : [b]);
  const both = left.filter((t) => right.has(t));
  if (both.length === 0) throw new Error(`allOf members allow no common type (${String(a)} / ${String(b)})`);
  return both.length === 1 ? both[0] : both;
}

export interface StrictBodies {
  bodies: Record<string, unknown>;
  components: Record<string, unknown>;
}

/** The normalized body schema of each strict operation, and the component schemas they reference. */
export function strictBodySchemas(
  schemas: Json,
  bodies: ReadonlyArray<{ operationId: string; schema: unknown }>,
): StrictBodies {
  const normalizer = new Normalizer(schemas);
  const out: Record<string, unknown> = {};
  for (const { operationId, schema } of bodies) out[operationId] = normalizer.schema(schema);
  const names = [...normalizer.components.keys()].sort();
  return { bodies: out, components: Object.fromEntries(names.map((name) => [name, normalizer.components.get(name)])) };
}

export function emitRequestBodiesModule({ bodies, components }: StrictBodies): string {
  return `import type { JsonSchema } from "../extensions/internal/json-schema.js";

/**
 * Request-body schemas the client checks before sending, by operationId (operations marked
 * \`x-bolna-strict-body\`): objects that declare properties are closed, shared properties are copied into each
 * \`oneOf\` alternative. Loaded on first use of such an operation.
 */
export const requestBodySchemas: Readonly<Record<string, JsonSchema>> = ${JSON.stringify(bodies)};

/** The component schemas those bodies reference (\`#/components/schemas/<name>\`). */
export const requestComponentSchemas: Readonly<Record<string, JsonSchema>> = ${JSON.stringify(components)};
`;
}
