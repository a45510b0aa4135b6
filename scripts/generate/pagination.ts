/**
 * Reads an operation's `x-bolna-pagination` extension into the `PaginationRule` the client's page walker follows,
 * checking every name it gives against the operation itself.
 */
import type { FieldRule, PaginationRule } from "../../src/extensions/internal/metadata.js";
import { deref, flattenAllOf, isObject, SpecError, type Json } from "./spec-walk.js";

const PAGINATION_KEYS = { request: ["page", "size"], response: ["items", "has_more", "page", "offset", "limit"] };

/** The properties of the operation's 200 JSON response schema (`allOf` merged): where the envelope's names point. */
function successProperties(doc: Json, op: Json, where: string): Json {
  const responses = isObject(op.responses) ? op.responses : {};
  const ok = responses["200"];
  const content = ok === undefined ? undefined : deref(doc, deref(doc, ok).content);
  const media = content?.["application/json"];
  if (media === undefined) throw new SpecError(`${where}: x-bolna-pagination needs a 200 application/json response`);
  const schema = flattenAllOf(doc, deref(doc, media).schema);
  return isObject(schema.properties) ? schema.properties : {};
}

/**
 * Reads `x-bolna-pagination: { request: { page, size }, response: { items, has_more?, page? | offset + limit? } }`
 * and checks it against the operation: the request names must be its integer query parameters, the response names
 * properties of its 200 schema with the right types. A mistake here would make every walk fail, so it fails the build.
 */
export function readPagination(
  doc: Json,
  op: Json,
  where: string,
  fields: readonly FieldRule[],
): PaginationRule | undefined {
  const raw = op["x-bolna-pagination"];
  if (raw === undefined) return undefined;
  const bad = (why: string) => new SpecError(`${where}: x-bolna-pagination ${why}`);
  if (!isObject(raw) || !isObject(raw.request) || !isObject(raw.response))
    throw bad("needs `request` and `response` objects");
  const { request, response } = raw;
  for (const [part, allowed] of [
    [request, PAGINATION_KEYS.request],
    [response, PAGINATION_KEYS.response],
  ] as const) {
    const unknown = Object.keys(part).filter((key) => !allowed.includes(key));
    if (unknown.length > 0 || Object.values(part).some((v) => typeof v !== "string")) {
      throw bad(`takes string values for ${allowed.join(", ")} only; got ${JSON.stringify(part)}`);
    }
  }
  const names = request as Record<string, string | undefined>;
  for (const key of ["page", "size"]) {
    const param = fields.find((f) => f.in === "query" && f.name === names[key]);
    if (param?.type !== "integer") throw bad(`request.${key} must name an integer query parameter`);
  }

  const properties = successProperties(doc, op, where);
  const envelope = response as Record<string, string | undefined>;
  const expectType = (key: string, type: string): string | null => {
    const name = envelope[key];
    if (name === undefined) return null;
    const schema = properties[name] === undefined ? undefined : flattenAllOf(doc, properties[name]);
    const types = schema === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.includes(type)) throw bad(`response.${key} must name a property of type ${type} in the 200 schema`);
    return name;
  };
  const items = expectType("items", "array");
  if (items === null) throw bad("needs response.items");
  const page = expectType("page", "integer");
  const offset = expectType("offset", "integer");
  const limit = expectType("limit", "integer");
  if ((offset === null) !== (limit === null)) throw bad("needs response.offset and response.limit together");
  if (page !== null && offset !== null) throw bad("takes response.page or response.offset/limit, not both");
  return {
    pageParam: names.page as string,
    sizeParam: names.size as string,
    items,
    hasMore: expectType("has_more", "boolean"),
    position: page !== null ? { page } : offset !== null && limit !== null ? { offset, limit } : null,
  };
}
