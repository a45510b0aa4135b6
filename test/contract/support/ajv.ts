/**
 * Ajv (JSON Schema 2020-12, strict) over the bundled spec's component schemas: the independent judge of every
 * response body, error body and webhook payload in the contract tests.
 *
 * Setup notes (see the toolchain reference, pitfall 16):
 * - `ajv/dist/2020`, because OAS 3.1 schemas are 2020-12 schemas (type arrays, `examples`, `contentMediaType`).
 * - Strict mode stays on; the OAS-only keywords, the spec's `x-` extensions (from anywhere in it: the test fakes
 *   validate parameter schemas too) and the `components` wrapper of the registered document are declared as
 *   vocabulary.
 * - `allowUnionTypes`: the spec uses `type: [integer, string]` and `type: [string, array, null]` on purpose.
 * - `strictRequired: false`: Ajv does not look at the parent's `properties` for a `required` inside a `oneOf`
 *   alternative (`CreateKnowledgebaseRequest`: FromFile/FromUrl), which is valid JSON Schema; a misspelt
 *   `required` name is already an error in `redocly lint` (`no-required-schema-properties-undefined`).
 * - Formats come from ajv-formats (`date-time`, `uri`, …); `binary` is an OAS annotation with nothing to check.
 */
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { ErrorObject, ValidateFunction } from "ajv";
import { spec, type Schema } from "./spec.js";

const DOCUMENT_ID = "openapi.json";
const OAS_KEYWORDS = ["components", "example", "discriminator", "xml", "externalDocs"];
const ANNOTATION_FORMATS = ["binary"];

function extensionKeywords(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) extensionKeywords(item, out);
  else if (typeof node === "object" && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith("x-")) out.add(key);
      extensionKeywords(value, out);
    }
  }
  return out;
}

function createAjv(coerceTypes = false) {
  const components = (spec.components ?? {}) as Schema;
  const schemas = (components.schemas ?? {}) as Schema;
  const ajv = new Ajv2020.default({
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    allErrors: true,
    coerceTypes,
  });
  ajv.addVocabulary([...OAS_KEYWORDS, ...extensionKeywords(spec)]);
  addFormats.default(ajv);
  for (const format of ANNOTATION_FORMATS) ajv.addFormat(format, true);
  ajv.addSchema({ $id: DOCUMENT_ID, components: { schemas } });
  return ajv;
}

export const ajv = createAjv();

/**
 * The same, but reading text as the number or boolean a schema asks for (`"8000"`, `"true"`), as the server's
 * pydantic models do in lax mode. Only for checking that a body fails the spec for that reason alone.
 */
const laxAjv = createAjv(true);

/** A deep copy of `schema` whose local `$ref`s point into the registered document. */
function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase);
  if (typeof node !== "object" || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === "$ref" && typeof value === "string" && value.startsWith("#/") ? `${DOCUMENT_ID}${value}` : rebase(value),
    ]),
  );
}

const cache = new Map<string, ValidateFunction>();

/** The compiled validator of a schema as written in the spec (e.g. `{ $ref: "#/components/schemas/Agent" }`). */
export function validatorFor(schema: Schema): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = cache.get(key);
  if (!validate) {
    const ref = schema.$ref;
    const direct =
      typeof ref === "string" && Object.keys(schema).length === 1 ? ajv.getSchema(`${DOCUMENT_ID}${ref}`) : undefined;
    validate = direct ?? ajv.compile(rebase(schema) as object);
    cache.set(key, validate);
  }
  return validate;
}

export function componentSchema(name: string): Schema {
  return { $ref: `#/components/schemas/${name}` };
}

function describe(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message ?? e.keyword}`).join("; ");
}

/** Every problem Ajv finds, as text (empty when valid). */
export function schemaProblems(schema: Schema, data: unknown): string[] {
  const validate = validatorFor(schema);
  return validate(data) ? [] : describe(validate.errors).split("; ");
}

/** `schemaProblems` with text read as numbers and booleans; `data` itself is left as it was. */
export function laxSchemaProblems(schema: Schema, data: unknown): string[] {
  const validate = laxAjv.compile(rebase(schema) as object);
  return validate(structuredClone(data)) ? [] : describe(validate.errors).split("; ");
}

export function isValid(schema: Schema, data: unknown): boolean {
  return validatorFor(schema)(data) === true;
}

/** Throws a readable error unless `data` is valid against `schema`. */
export function assertValid(schema: Schema, data: unknown, what: string): void {
  const validate = validatorFor(schema);
  if (!validate(data))
    throw new Error(`${what} does not match ${JSON.stringify(schema)}: ${describe(validate.errors)}`);
}
