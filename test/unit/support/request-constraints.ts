/**
 * Every constraint in the request side of the bundled spec that can refuse a value: the schemas reachable from an
 * operation's parameters and request bodies, each visited once, with the JSON pointer of the node that carries the
 * keyword. The spec may refuse only what Bolna's server refuses, so each of these nodes must name the ledger row
 * holding the evidence (`x-bolna-ledger`); `test/unit/constraint-evidence.test.ts` checks that, and
 * `scripts`-free counting (`npx tsx -e`) reuses `requestConstraints()`.
 */
import { readFileSync } from "node:fs";
import { HTTP_METHODS, isObject, VALUE_CONSTRAINTS, type Json } from "../../../scripts/generate/spec-walk.js";

/**
 * The keywords that refuse a value of the right type: the value constraints the generator knows, and fixed values.
 * The one list the check and the counts read.
 */
export const REFUSING_KEYWORDS = [...VALUE_CONSTRAINTS, "const", "enum"] as const;

export type RefusingKeyword = (typeof REFUSING_KEYWORDS)[number];

/** Keywords whose value is a schema (or a list or map of schemas) to walk into. */
const SUBSCHEMA = ["items", "additionalProperties", "unevaluatedProperties", "propertyNames", "contains", "if"];
const SUBSCHEMA_LISTS = ["allOf", "anyOf", "oneOf", "prefixItems"];
const SUBSCHEMA_MAPS = ["properties", "patternProperties", "dependentSchemas"];
// `then`/`else` apply only when `if` decides, but they still refuse: walked like the rest. `not` is not walked: a
// constraint inside it widens what passes (the catch-all alternatives exclude the known provider names with it).
const CONDITIONAL = ["then", "else"];

export interface Constraint {
  /** JSON pointer into the bundle, e.g. `/components/schemas/TaskConfig/properties/call_terminate`. */
  readonly pointer: string;
  readonly keyword: RefusingKeyword;
  /** The node's `x-bolna-ledger`, when it has one. */
  readonly ledger: unknown;
}

const escape = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");

/** The request-side constraints of `doc`, in walk order. */
export function requestConstraints(doc: Json): Constraint[] {
  const found: Constraint[] = [];
  const seen = new Set<string>();

  const resolve = (ref: string): unknown =>
    ref
      .slice(2)
      .split("/")
      .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), doc);

  function visit(node: unknown, pointer: string): void {
    if (!isObject(node) || seen.has(pointer)) return;
    seen.add(pointer);
    if (typeof node.$ref === "string") visit(resolve(node.$ref), node.$ref.slice(1));
    for (const keyword of REFUSING_KEYWORDS)
      if (keyword in node && node[keyword] !== false) found.push({ pointer, keyword, ledger: node["x-bolna-ledger"] });
    for (const key of [...SUBSCHEMA, ...CONDITIONAL]) visit(node[key], `${pointer}/${key}`);
    for (const key of SUBSCHEMA_LISTS) {
      const list = node[key];
      if (Array.isArray(list)) list.forEach((sub, i) => visit(sub, `${pointer}/${key}/${i}`));
    }
    for (const key of SUBSCHEMA_MAPS) {
      const map = node[key];
      if (isObject(map)) for (const [name, sub] of Object.entries(map)) visit(sub, `${pointer}/${key}/${escape(name)}`);
    }
  }

  for (const [path, item] of Object.entries(doc.paths as Json)) {
    if (!isObject(item)) continue;
    const base = `/paths/${escape(path)}`;
    visitParameters(item.parameters, `${base}/parameters`);
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      visitParameters(op.parameters, `${base}/${method}/parameters`);
      const body =
        isObject(op.requestBody) && typeof op.requestBody.$ref === "string"
          ? resolve(op.requestBody.$ref)
          : op.requestBody;
      const content = isObject(body) && isObject(body.content) ? body.content : {};
      for (const [mediaType, media] of Object.entries(content))
        if (isObject(media)) visit(media.schema, `${base}/${method}/requestBody/content/${escape(mediaType)}/schema`);
    }
  }
  return found;

  function visitParameters(list: unknown, pointer: string): void {
    if (!Array.isArray(list)) return;
    list.forEach((raw: unknown, i) => {
      const param = isObject(raw) && typeof raw.$ref === "string" ? resolve(raw.$ref) : raw;
      const at = isObject(raw) && typeof raw.$ref === "string" ? raw.$ref.slice(1) : `${pointer}/${i}`;
      if (isObject(param)) visit(param.schema, `${at}/schema`);
    });
  }
}

/** The bundled spec, as the generator wrote it. */
export function bundledSpec(): Json {
  return JSON.parse(readFileSync(new URL("../../../src/generated/openapi.json", import.meta.url), "utf8")) as Json;
}
