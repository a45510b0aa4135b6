/**
 * What the generator reads from an operation's 2xx responses: the top-level shape the client checks before it
 * returns the data, the named schema the typed method resolves to, and the JSON body schemas `validateResponses`
 * checks against.
 */
import type { ResponseShape } from "../../src/extensions/internal/metadata.js";
import { deref, flattenAllOf, isObject, SCHEMA_REF_PREFIX, type Json } from "./spec-walk.js";

/** Each 2xx status of the operation with its `content` map (`undefined` when the response has no body). */
function successResponses(doc: Json, op: Json): [status: string, content: Json | undefined][] {
  return Object.entries(isObject(op.responses) ? op.responses : {})
    .filter(([status]) => /^2\d\d$/.test(status))
    .map(([status, raw]) => {
      const content = deref(doc, raw).content;
      return [status, isObject(content) ? content : undefined];
    });
}

/** The top-level shape of each 2xx response, which the client checks before returning the data. */
export function successShapes(doc: Json, op: Json): Record<string, ResponseShape> {
  const shapes: Record<string, ResponseShape> = {};
  for (const [status, content] of successResponses(doc, op)) {
    if (content === undefined || Object.keys(content).length === 0) {
      shapes[status] = "none";
      continue;
    }
    const json = content["application/json"];
    const type = isObject(json) && json.schema !== undefined ? flattenAllOf(doc, json.schema).type : undefined;
    shapes[status] = type === "object" || type === "array" ? type : "any";
  }
  return shapes;
}

/** The `application/json` schema of each 2xx response that has one, as written (references unresolved). */
export function successJsonSchemas(doc: Json, op: Json): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  for (const [status, content] of successResponses(doc, op)) {
    const media = content?.["application/json"];
    if (isObject(media) && media.schema !== undefined) schemas[status] = media.schema;
  }
  return schemas;
}

/**
 * The component schema every JSON 2xx response of the operation is, so the method's result type has that name;
 * `undefined` when the responses do not share one named schema (the generator then names a result type itself).
 */
export function resultSchemaName(doc: Json, op: Json): string | undefined {
  const names = new Set<string | undefined>();
  for (const [, content] of successResponses(doc, op)) {
    const media = content?.["application/json"];
    const ref = isObject(media) && isObject(media.schema) ? media.schema.$ref : undefined;
    names.add(
      typeof ref === "string" && ref.startsWith(SCHEMA_REF_PREFIX) ? ref.slice(SCHEMA_REF_PREFIX.length) : undefined,
    );
  }
  const [name] = names;
  return names.size === 1 && name !== undefined && /^[A-Z][A-Za-z0-9]*$/.test(name) ? name : undefined;
}
