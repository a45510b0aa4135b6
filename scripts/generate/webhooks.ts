/**
 * Emits `src/generated/webhooks.ts`: for each entry of the spec's `webhooks:` map, the JSON Schema of its
 * request body plus every component schema it reaches, and the documented sender IPs
 * (`x-bolna-source-ips`). The webhook helpers validate incoming payloads against this, so the spec stays the
 * only place that says what a webhook looks like.
 */
import { isObject, PATTERN_MEANING, SCHEMA_REF_PREFIX, type Json } from "./spec-walk.js";

/** Names of the component schemas `node` references, directly or through other components. */
function collectRefs(node: unknown, schemas: Json, found: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, schemas, found);
    return;
  }
  if (!isObject(node)) return;
  const ref = node.$ref;
  if (typeof ref === "string" && ref.startsWith(SCHEMA_REF_PREFIX)) {
    const name = ref.slice(SCHEMA_REF_PREFIX.length);
    if (!found.has(name)) {
      if (!(name in schemas)) throw new Error(`webhook schema references missing ${ref}`);
      found.add(name);
      collectRefs(schemas[name], schemas, found);
    }
  }
  for (const [key, value] of Object.entries(node)) {
    // Examples are data, not schema: a `$ref`-looking string inside one must not be followed.
    if (key !== "example" && key !== "examples") collectRefs(value, schemas, found);
  }
}

/** Drops annotation-only keywords so the emitted module carries what validation needs and little else. */
function stripAnnotations(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripAnnotations);
  if (!isObject(node)) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    // `x-bolna-pattern-meaning` stays: it is how a failed pattern is put in words.
    const annotation = key.startsWith("x-")
      ? key !== PATTERN_MEANING
      : ["description", "example", "examples", "title"].includes(key);
    if (annotation) continue;
    // Inside `properties` every key is a property name, never an annotation.
    out[key] =
      key === "properties" && isObject(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripAnnotations(v)]))
        : stripAnnotations(value);
  }
  return out;
}

export function emitWebhooksModule(doc: Json): string {
  const schemas = isObject(doc.components) && isObject(doc.components.schemas) ? doc.components.schemas : {};
  const webhooks = isObject(doc.webhooks) ? doc.webhooks : {};
  const entries: Json = {};
  const used = new Set<string>();
  const ips = new Set<string>();
  for (const [name, item] of Object.entries(webhooks)) {
    const post = isObject(item) && isObject(item.post) ? item.post : undefined;
    const content =
      post && isObject(post.requestBody) && isObject(post.requestBody.content) ? post.requestBody.content : {};
    const media = content["application/json"];
    if (!isObject(media) || media.schema === undefined)
      throw new Error(`webhook ${name}: no application/json body schema`);
    collectRefs(media.schema, schemas, used);
    entries[name] = stripAnnotations(media.schema);
    const sourceIps = post?.["x-bolna-source-ips"];
    if (!Array.isArray(sourceIps) || sourceIps.length === 0)
      throw new Error(`webhook ${name}: missing x-bolna-source-ips`);
    for (const ip of sourceIps) ips.add(String(ip));
  }
  const components = Object.fromEntries([...used].sort().map((n) => [n, stripAnnotations(schemas[n])]));
  return `import type { JsonSchema } from "../extensions/internal/json-schema.js";

/** Request-body schema of each webhook in the spec, by webhook name. */
export const webhookBodySchemas: Readonly<Record<string, JsonSchema>> = ${JSON.stringify(entries, null, 2)};

/** The component schemas those bodies reference (\`#/components/schemas/<name>\`). */
export const webhookComponentSchemas: Readonly<Record<string, JsonSchema>> = ${JSON.stringify(components, null, 2)};

/** Addresses Bolna documents as the senders of webhook deliveries. */
export const BOLNA_WEBHOOK_IPS = ${JSON.stringify([...ips])} as const;
`;
}
