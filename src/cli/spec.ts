/**
 * What the command line reads from the bundled spec rather than from the runtime metadata: the words (summaries,
 * descriptions, tags) for `--help`, which body fields are files, and the response schemas the CSV columns come
 * from. Validation never reads this; it stays with the generated client.
 *
 * The spec is the one the package ships (`bolna-api-client/openapi.json`, resolved through the package's own
 * exports), read on first use: bundling it into the CLI would ship a second copy of its 250 kB.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { followRefs } from "../extensions/internal/spec-refs.js";

/** The slice of JSON Schema / OpenAPI this module looks at. */
export interface SchemaNode {
  $ref?: string | undefined;
  type?: string | string[] | undefined;
  format?: string | undefined;
  description?: string | undefined;
  deprecated?: boolean | undefined;
  contentMediaType?: string | undefined;
  properties?: Record<string, SchemaNode> | undefined;
  items?: SchemaNode | undefined;
  allOf?: SchemaNode[] | undefined;
  anyOf?: SchemaNode[] | undefined;
  oneOf?: SchemaNode[] | undefined;
  enum?: unknown[] | undefined;
  const?: unknown;
  default?: unknown;
}

interface ParameterNode {
  $ref?: string;
  name: string;
  in: string;
  description?: string;
  deprecated?: boolean;
  schema?: SchemaNode;
}

interface MediaNode {
  schema?: SchemaNode;
  encoding?: Record<string, { contentType?: string }>;
}

interface OperationNode {
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  deprecated?: boolean;
  parameters?: ParameterNode[];
  requestBody?: { content?: Record<string, MediaNode> };
  responses?: Record<string, { content?: Record<string, MediaNode> }>;
}

interface SpecDocument {
  info: { title: string };
  tags?: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, OperationNode>>;
  components: Record<string, Record<string, unknown>>;
}

let loaded: SpecDocument | undefined;

function spec(): SpecDocument {
  loaded ??= JSON.parse(
    readFileSync(createRequire(import.meta.url).resolve("bolna-api-client/openapi.json"), "utf8"),
  ) as SpecDocument;
  return loaded;
}

/** Follows a local `$ref` (`#/components/schemas/Name`) to its target; other nodes come back as they are. */
function deref<T extends { $ref?: string | undefined }>(node: T): T {
  return followRefs(spec(), node, (message) => {
    throw new Error(`bolna-api: the bundled spec: ${message}`);
  }) as T;
}

/**
 * The schema with `$ref`s followed, `allOf` merged and a nullable union (`anyOf`/`oneOf` of one schema and
 * `{type: "null"}`) reduced to its non-null member; a node's own description wins over its target's.
 */
export function resolveSchema(node: SchemaNode): SchemaNode {
  const own = node.description;
  let schema = deref(node);
  if (schema.allOf) {
    const { allOf, ...merged } = schema;
    for (const part of allOf) {
      const resolved = resolveSchema(part);
      merged.properties = { ...merged.properties, ...resolved.properties };
      merged.type ??= resolved.type;
      merged.format ??= resolved.format;
      merged.description ??= resolved.description;
    }
    schema = merged;
  }
  const union = schema.anyOf ?? schema.oneOf;
  const nonNull = union?.filter((member) => deref(member).type !== "null");
  if (nonNull?.length === 1) schema = { ...resolveSchema(nonNull[0] as SchemaNode), description: schema.description };
  return own === undefined || own === schema.description ? schema : { ...schema, description: own };
}

export interface OperationDoc {
  operationId: string;
  tag: string;
  summary: string;
  /** First paragraph of the description. */
  description: string;
  deprecated: boolean;
  /** Per field name (parameters and top-level body properties). */
  fields: ReadonlyMap<string, FieldDoc>;
}

export interface FieldDoc {
  description: string;
  deprecated: boolean;
  default?: unknown;
  /** A file part of a multipart body (`format: binary`), with the media type the spec gives it. */
  file?: { contentType: string };
  /**
   * The values the spec lists, for a field that also accepts others (an enum inside `anyOf` with a plain string):
   * the metadata has no enum for it, since any string is allowed, but `--help` can still suggest these.
   */
  knownValues?: readonly unknown[];
}

/** Every `enum` value and `const` the schema or its `anyOf`/`oneOf` members list. */
function listedValues(node: SchemaNode): unknown[] {
  const schema = deref(node);
  const own = [...(schema.enum ?? []), ...(schema.const === undefined ? [] : [schema.const])];
  return [...own, ...[...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].flatMap(listedValues)];
}

/** The fields a parameter or property's documentation shares: description, deprecation, default, listed values. */
function fieldDoc(
  description: string | undefined,
  deprecated: boolean,
  schema: SchemaNode,
  node: SchemaNode,
): FieldDoc {
  const values = [...new Set(listedValues(node))];
  return {
    description: firstParagraph(description),
    deprecated,
    ...(schema.default === undefined ? {} : { default: schema.default }),
    ...(values.length > 0 ? { knownValues: values } : {}),
  };
}

function firstParagraph(text: string | undefined): string {
  return (
    (text ?? "")
      .split(/\n\s*\n/)[0]
      ?.replace(/\s+/g, " ")
      .trim() ?? ""
  );
}

function operationNodes(): OperationNode[] {
  return Object.values(spec().paths).flatMap((methods) => Object.values(methods).filter((op) => op.operationId));
}

let docs: Map<string, OperationDoc> | undefined;

function buildDoc(op: OperationNode): OperationDoc {
  const fields = new Map<string, FieldDoc>();
  for (const ref of op.parameters ?? []) {
    const param = deref(ref);
    const node = param.schema ?? {};
    const schema = resolveSchema(node);
    fields.set(param.name, fieldDoc(param.description ?? schema.description, param.deprecated === true, schema, node));
  }
  for (const media of Object.values(op.requestBody?.content ?? {})) {
    const body = media.schema ? resolveSchema(media.schema) : {};
    for (const [name, node] of Object.entries(body.properties ?? {})) {
      const schema = resolveSchema(node);
      const doc = fieldDoc(schema.description, node.deprecated === true || schema.deprecated === true, schema, node);
      if (schema.format === "binary") {
        doc.file = {
          contentType: media.encoding?.[name]?.contentType ?? schema.contentMediaType ?? "application/octet-stream",
        };
      }
      fields.set(name, doc);
    }
  }
  return {
    operationId: op.operationId as string,
    tag: op.tags?.[0] ?? "Other",
    summary: op.summary ?? "",
    description: firstParagraph(op.description),
    deprecated: op.deprecated === true,
    fields,
  };
}

/** Every operation's documentation, in the spec's order. */
export function operationDocs(): ReadonlyMap<string, OperationDoc> {
  docs ??= new Map(operationNodes().map((op) => [op.operationId as string, buildDoc(op)]));
  return docs;
}

export function operationDoc(operationId: string): OperationDoc | undefined {
  return operationDocs().get(operationId);
}

/** The spec's tags in their declared order, for grouping the command list. */
export function tagOrder(): string[] {
  return (spec().tags ?? []).map((tag) => tag.name);
}

/**
 * The schema of one item of a paginated listing: the `items` property of its 2xx JSON response
 * (`data` for `listAgentExecutions`, whose items are `Execution`s).
 */
export function listItemSchema(operationId: string, itemsProperty: string): SchemaNode {
  const op = operationNodes().find((node) => node.operationId === operationId);
  const ok = Object.entries(op?.responses ?? {}).find(([status]) => /^2/.test(status))?.[1];
  const envelope = ok?.content?.["application/json"]?.schema;
  const items = envelope ? resolveSchema(envelope).properties?.[itemsProperty] : undefined;
  const item = items ? resolveSchema(items).items : undefined;
  if (item === undefined)
    throw new Error(`bolna-api: the spec gives no item schema for ${operationId}.${itemsProperty}`);
  return resolveSchema(item);
}
