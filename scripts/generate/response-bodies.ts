/**
 * Emits `src/generated/response-bodies.ts`: the JSON body schema of every operation's 2xx responses, in the form
 * `validateResponses` and `bolna-api doctor` check them against to notice that Bolna changed what it returns. The
 * client imports the module lazily, only when response checking is on, so the schemas stay out of the main bundle.
 *
 * Drift is what breaks a caller's code: a field of another type (`null` included, where the spec does not allow
 * it), a missing required field, a value outside a closed `enum` or `const`. What the live API does freely is not
 * drift, so the schemas are loosened before they are emitted:
 *  - objects are open: `additionalProperties: false` and `unevaluatedProperties` are dropped (a map's value schema
 *    stays), as Bolna adds fields without notice;
 *  - value constraints (`minLength`, `pattern`, `minimum`, `minItems`, `propertyNames`, …) are dropped: they
 *    describe what the server accepts, not a promise about what it returns;
 *  - `oneOf` becomes `anyOf`: with open objects a record may fit two alternatives, which is no change of type;
 *  - annotations (`description`, `title`, `format`, `x-*`, …) are dropped, as the validator ignores them.
 * Inside `not` nothing but annotations is dropped: removing a constraint there would make it refuse more.
 */
import { isObject, VALUE_CONSTRAINTS, type Json } from "./spec-walk.js";
import { collectRefs } from "./webhooks.js";

const ANNOTATIONS = new Set([
  "description",
  "example",
  "examples",
  "title",
  "deprecated",
  "default",
  "format",
  "contentMediaType",
  "readOnly",
  "writeOnly",
]);

/** What the server accepts rather than what it promises to return. */
const CONSTRAINTS: ReadonlySet<string> = new Set([...VALUE_CONSTRAINTS, "unevaluatedProperties"]);

/** A schema loosened as the module comment says; `inNot` keeps constraints (see there). */
function loosen(node: unknown, inNot = false): unknown {
  if (Array.isArray(node)) return node.map((item) => loosen(item, inNot));
  if (!isObject(node)) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (ANNOTATIONS.has(key) || key.startsWith("x-")) continue;
    if (!inNot && CONSTRAINTS.has(key)) continue;
    if (key === "additionalProperties" && typeof value === "boolean" && !inNot) continue;
    if (key === "properties" && isObject(value)) {
      // Inside `properties` every key is a property name, never a keyword.
      out.properties = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, loosen(sub, inNot)]));
    } else if (key === "oneOf" && !inNot) {
      out.anyOf = loosen(value);
    } else {
      out[key] = loosen(value, inNot || key === "not");
    }
  }
  return out;
}

export interface ResponseBodies {
  /** operationId → status → schema. */
  bodies: Record<string, Record<string, unknown>>;
  components: Record<string, unknown>;
}

/** The loosened 2xx body schemas of every operation that has one, and the component schemas they reach. */
export function responseBodySchemas(
  schemas: Json,
  operations: ReadonlyArray<{ operationId: string; responseSchemas: Record<string, unknown> }>,
): ResponseBodies {
  const bodies: Record<string, Record<string, unknown>> = {};
  const used = new Set<string>();
  for (const { operationId, responseSchemas } of operations) {
    if (Object.keys(responseSchemas).length === 0) continue;
    collectRefs(responseSchemas, schemas, used);
    bodies[operationId] = Object.fromEntries(
      Object.entries(responseSchemas).map(([status, schema]) => [status, loosen(schema)]),
    );
  }
  const components = Object.fromEntries([...used].sort().map((name) => [name, loosen(schemas[name])]));
  return { bodies, components };
}

export function emitResponseBodiesModule({ bodies, components }: ResponseBodies): string {
  return `import type { JsonSchema } from "../extensions/internal/json-schema.js";

/**
 * The 2xx JSON body schema of each operation, by operationId and status, loosened to what counts as drift (open
 * objects, no value constraints, \`anyOf\` for \`oneOf\`). Loaded only when response checking is on.
 */
export const responseBodySchemas: Readonly<Record<string, Readonly<Record<string, JsonSchema>>>> = ${JSON.stringify(bodies)};

/** The component schemas those bodies reference (\`#/components/schemas/<name>\`). */
export const responseComponentSchemas: Readonly<Record<string, JsonSchema>> = ${JSON.stringify(components)};
`;
}
