/**
 * Deliberately invalid requests, derived from the constraints the spec states (never listed by hand): for every
 * parameter and body property, one request that breaks exactly one keyword (`required`, `enum`, `maximum`,
 * `minimum`, `minLength`, `maxLength`, `pattern`, `format`, `type`, `minProperties`, `oneOf`), starting from the
 * valid "all params" arguments. Each case says which Prism violation code it must provoke and whether the client
 * is expected to refuse it before sending.
 */
import { allParamsParts, isBinaryProperty, propertySchema, type RequestParts } from "./args.js";
import { deref, matchOperation, type Schema, type SpecOperation } from "./spec.js";
import { isObject } from "../../../scripts/generate/spec-walk.js";

export interface NegativeCase {
  /** e.g. `query page_size: maximum (51)`. */
  readonly title: string;
  readonly location: "path" | "query" | "body";
  /** The top-level argument the case breaks (`""` for the body as a whole). */
  readonly field: string;
  /** The path the client's `BolnaInputError` names, when it is not `field` (a nested field of a strict body). */
  readonly clientField?: string;
  /** JSON Schema keyword broken. */
  readonly keyword: string;
  /** The violation `code` Prism reports (the keyword, except for an empty path segment: `required`). */
  readonly prismCode: string;
  /** Whether `createBolnaClient` checks this before sending (see CLIENT_CHECKED_KEYWORDS). */
  readonly clientRefuses: boolean;
  readonly parts: RequestParts;
}

/**
 * What the client promises to check before sending (docs/design.md, "Parameter constraints"): `required`, `enum`,
 * `minimum`, `maximum`, `minLength`, `maxLength`, `pattern` and the type of top-level arguments, a body's
 * `minProperties`, and top-level `format: date-time` values; for bodies marked `x-bolna-strict-body` the same
 * keywords one level down too. Everything else (other formats, oneOf, nested properties of other bodies) is left
 * to the server; the contract is then that the server's rejection surfaces as a typed `APIError`.
 */
export const CLIENT_CHECKED_KEYWORDS: ReadonlySet<string> = new Set([
  "required",
  "enum",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "minProperties",
  "pattern",
  "type",
]);

/**
 * Empty values Prism cannot tell from another request: `?batch_id=` counts as absent, and an empty path segment can
 * turn the path into another operation's (`/dispositions/{disposition_id}` into `/dispositions/`).
 */
export const PRISM_BLIND_SPOTS = new Set<string>();

function singleType(schema: Schema): string | undefined {
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter(
    (t) => t !== "null" && t !== undefined,
  );
  return types.length === 1 ? (types[0] as string) : undefined;
}

function patternBreaker(pattern: string): string | undefined {
  const regex = new RegExp(pattern, "u");
  return ["not valid!", "12345", "x"].find((candidate) => !regex.test(candidate));
}

const FORMAT_BREAKERS: Record<string, string> = {
  "date-time": "yesterday",
  uri: "not a uri",
  email: "nobody",
  uuid: "nope",
};

/** Values that break one keyword of `schema`, each with the keyword's name. */
function breakers(
  schema: Schema,
  wire: "query" | "json" | "form",
): Array<{ keyword: string; value: unknown; label: string }> {
  const out: Array<{ keyword: string; value: unknown; label: string }> = [];
  const type = singleType(schema);
  if (Array.isArray(schema.enum))
    out.push({ keyword: "enum", value: "not-a-listed-value", label: "not-a-listed-value" });
  if (typeof schema.maximum === "number")
    out.push({ keyword: "maximum", value: schema.maximum + 1, label: String(schema.maximum + 1) });
  if (typeof schema.minimum === "number")
    out.push({ keyword: "minimum", value: schema.minimum - 1, label: String(schema.minimum - 1) });
  if (typeof schema.minLength === "number" && schema.minLength >= 1 && !Array.isArray(schema.enum)) {
    out.push({
      keyword: "minLength",
      value: "x".repeat(schema.minLength - 1),
      label: JSON.stringify("x".repeat(schema.minLength - 1)),
    });
  }
  if (typeof schema.maxLength === "number") {
    out.push({
      keyword: "maxLength",
      value: "x".repeat(schema.maxLength + 1),
      label: `${schema.maxLength + 1} characters`,
    });
  }
  if (typeof schema.pattern === "string") {
    const value = patternBreaker(schema.pattern);
    if (value !== undefined) out.push({ keyword: "pattern", value, label: JSON.stringify(value) });
  }
  if (typeof schema.format === "string" && FORMAT_BREAKERS[schema.format] !== undefined) {
    out.push({
      keyword: "format",
      value: FORMAT_BREAKERS[schema.format],
      label: JSON.stringify(FORMAT_BREAKERS[schema.format]),
    });
  }
  // A wrong type is only expressible where the wire has types: JSON everywhere, text fields elsewhere only for
  // integers and booleans ("abc", "maybe").
  const wrongType: Record<string, unknown> =
    wire === "json"
      ? { string: 42, integer: "abc", number: "abc", boolean: "yes", object: "x", array: "x" }
      : { integer: "abc", number: "abc", boolean: "maybe" };
  if (type !== undefined && wrongType[type] !== undefined && !isBinaryProperty(schema)) {
    out.push({ keyword: "type", value: wrongType[type], label: JSON.stringify(wrongType[type]) });
  }
  return out;
}

function clone(parts: RequestParts): RequestParts {
  return {
    path: { ...parts.path },
    query: { ...parts.query },
    body: parts.body === undefined ? undefined : { ...parts.body },
  };
}

/**
 * Nested objects in the example are broken one level down (`retry_config.max_retries`). The client checks those
 * only in a strict body (`x-bolna-strict-body`), where it names the nested path.
 */
function nestedCases(
  base: RequestParts,
  name: string,
  schema: Schema,
  value: unknown,
  strict: boolean,
): NegativeCase[] {
  if (!isObject(value) || !isObject(schema.properties)) return [];
  const cases: NegativeCase[] = [];
  const make = (title: string, keyword: string, nested: Record<string, unknown>) => {
    const parts = clone(base);
    (parts.body as Record<string, unknown>)[name] = nested;
    const clientRefuses = strict && CLIENT_CHECKED_KEYWORDS.has(keyword);
    const clientField = `${name}.${title.slice(0, title.indexOf(":"))}`;
    cases.push({
      title: `body ${name}.${title}`,
      location: "body",
      field: name,
      clientField,
      keyword,
      prismCode: keyword,
      clientRefuses,
      parts,
    });
  };
  for (const required of Array.isArray(schema.required) ? (schema.required as string[]) : []) {
    if (!(required in value)) continue;
    const { [required]: _dropped, ...rest } = value;
    make(`${required}: required (omitted)`, "required", rest);
  }
  for (const [child, raw] of Object.entries(schema.properties)) {
    const childSchema = deref(raw);
    for (const { keyword, value: bad, label } of breakers(childSchema, "json")) {
      if (keyword === "type") continue; // one level down, the keywords that carry meaning are enough
      make(`${child}: ${keyword} (${label})`, keyword, { ...value, [child]: bad });
    }
  }
  return cases;
}

/** `/dispositions/{disposition_id}` with an empty id is `/dispositions/`, a path of its own (the collection). */
function emptySegmentIsAnotherRoute(op: SpecOperation, name: string): boolean {
  const path = op.path.replace(`{${name}}`, "").replace(/\{[^}]+\}/g, "x1");
  const other = matchOperation(op.method, new URL(path, "http://mock.invalid"));
  return other !== undefined && other.operationId !== op.operationId;
}

/** Date-times are parsed by the client (to send one canonical form), so a malformed one never leaves it. */
function isClientCheckedFormat(keyword: string, schema: Record<string, unknown>): boolean {
  return keyword === "format" && schema.format === "date-time";
}

export function negativeCases(op: SpecOperation): NegativeCase[] {
  const base = allParamsParts(op);
  const cases: NegativeCase[] = [];
  const add = (c: Omit<NegativeCase, "clientRefuses" | "prismCode">, clientRefuses?: boolean) =>
    cases.push({
      ...c,
      // An empty path segment is, for Prism, a missing path parameter.
      prismCode: c.location === "path" && c.parts.path[c.field] === "" ? "required" : c.keyword,
      clientRefuses: clientRefuses ?? CLIENT_CHECKED_KEYWORDS.has(c.keyword),
    });

  for (const param of op.parameters) {
    if (param.in !== "path" && param.in !== "query") continue;
    const schema = deref(param.schema ?? {});
    if (param.in === "query" && param.required) {
      const parts = clone(base);
      delete parts.query[param.name];
      add({
        title: `query ${param.name}: required (omitted)`,
        location: "query",
        field: param.name,
        keyword: "required",
        parts,
      });
    }
    for (const { keyword, value, label } of breakers(schema, "query")) {
      if (param.in === "query" && keyword === "minLength" && value === "") {
        PRISM_BLIND_SPOTS.add(
          `${op.operationId}: query ${param.name} minLength ${String(schema.minLength)} (an empty value reads as absent)`,
        );
        continue;
      }
      if (param.in === "path" && value === "" && emptySegmentIsAnotherRoute(op, param.name)) {
        PRISM_BLIND_SPOTS.add(
          `${op.operationId}: empty path ${param.name} (the path becomes another operation's, which answers it)`,
        );
        continue;
      }
      const parts = clone(base);
      parts[param.in][param.name] = value;
      const refuses = CLIENT_CHECKED_KEYWORDS.has(keyword) || isClientCheckedFormat(keyword, schema);
      add(
        {
          title: `${param.in} ${param.name}: ${keyword} (${label})`,
          location: param.in,
          field: param.name,
          keyword,
          parts,
        },
        refuses,
      );
    }
  }

  const body = op.requestBody;
  if (body && base.body) {
    const wire = body.mediaType === "multipart/form-data" ? "form" : "json";
    const required = new Set(Array.isArray(body.schema.required) ? (body.schema.required as string[]) : []);
    for (const name of required) {
      const parts = clone(base);
      delete (parts.body as Record<string, unknown>)[name];
      add({ title: `body ${name}: required (omitted)`, location: "body", field: name, keyword: "required", parts });
    }
    for (const name of Object.keys(isObject(body.schema.properties) ? body.schema.properties : {})) {
      const schema = propertySchema(body.schema, name);
      for (const { keyword, value, label } of breakers(schema, wire)) {
        const parts = clone(base);
        (parts.body as Record<string, unknown>)[name] = value;
        const refuses = CLIENT_CHECKED_KEYWORDS.has(keyword) || isClientCheckedFormat(keyword, schema);
        add({ title: `body ${name}: ${keyword} (${label})`, location: "body", field: name, keyword, parts }, refuses);
      }
      // Array items (e.g. each of `from_phone_numbers` must be E.164): nested, so the client does not check them.
      const items = schema.type === "array" && schema.items !== undefined ? deref(schema.items) : undefined;
      for (const { keyword, value, label } of items ? breakers(items, wire) : []) {
        if (keyword === "type") continue;
        const parts = clone(base);
        (parts.body as Record<string, unknown>)[name] = [value];
        add({ title: `body ${name}[0]: ${keyword} (${label})`, location: "body", field: name, keyword, parts }, false);
      }
      if (wire === "json")
        cases.push(...nestedCases(base, name, schema, base.body[name], op.raw["x-bolna-strict-body"] === true));
    }
    if (typeof body.schema.minProperties === "number" && required.size === 0) {
      const parts = clone(base);
      parts.body = {};
      add({
        title: `body: minProperties (${body.schema.minProperties}, sent {})`,
        location: "body",
        field: "body",
        keyword: "minProperties",
        parts,
      });
    }
    const alternatives = Array.isArray(body.schema.oneOf) ? body.schema.oneOf.map((b) => deref(b)) : [];
    if (alternatives.length > 0) {
      // None of the alternatives: drop every property an alternative requires.
      const parts = clone(base);
      for (const alt of alternatives)
        for (const name of (alt.required as string[] | undefined) ?? [])
          delete (parts.body as Record<string, unknown>)[name];
      add(
        { title: "body: oneOf (no alternative satisfied)", location: "body", field: "", keyword: "oneOf", parts },
        false,
      );
      // All of them at once, with values taken from the spec's own examples.
      const union = alternatives.flatMap((alt) => (alt.required as string[] | undefined) ?? []);
      const both = clone(base);
      const bothBody = both.body as Record<string, unknown>;
      for (const example of body.examples) {
        const exampleBody = allParamsParts(op, example.name).body ?? {};
        for (const name of union) if (name in exampleBody && !(name in bothBody)) bothBody[name] = exampleBody[name];
      }
      if (union.every((name) => name in bothBody)) {
        add(
          {
            title: `body: oneOf (${union.join(" and ")} together)`,
            location: "body",
            field: "",
            keyword: "oneOf",
            parts: both,
          },
          false,
        );
      }
    }
  }
  return cases;
}
