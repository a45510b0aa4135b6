/**
 * Emits `src/generated/methods.ts` (types only):
 *  - a named argument type per operation (`MakeCallArgs`) and a named result type where the spec's schema has no
 *    name of its own (`GetUserResult`), so editors show names rather than `OperationArgs<"makeCall">`;
 *  - `BolnaOperationMethods`: one typed method per operationId, with JSDoc taken from the spec.
 */
import type { OperationMetadata } from "../../src/extensions/internal/metadata.js";
import { readOperations, type OperationDocs } from "./read-operations.js";
import type { Json } from "./spec-walk.js";

/** A JSDoc block; `*\/` inside spec text would end the comment early, so it is broken up. */
function jsdoc(lines: string[], indent: string): string {
  const body = lines.flatMap((line) => line.replace(/\*\//g, "*\\/").split("\n"));
  return [`${indent}/**`, ...body.map((l) => `${indent} *${l ? ` ${l}` : ""}`.trimEnd()), `${indent} */`].join("\n");
}

/** The method's JSDoc: the spec's summary and description, then the facts the runtime acts on. */
function methodDoc(meta: OperationMetadata, docs: OperationDocs): string[] {
  const facts = [
    `\`${meta.method.toUpperCase()} ${meta.path}\``,
    `rate limit ${meta.rateLimit.requestsPerMinute}/min (bucket \`${meta.rateLimit.bucket}\`)`,
    meta.retrySafe ? "retried on transient failures" : "never retried once the server may have acted",
  ];
  if (meta.pagination) facts.push("paginated: await for the first page, `for await` for every item");
  const lines = [docs.summary, "", docs.description.trim(), "", facts.join(" · ")];
  if (docs.deprecated) lines.push("", "@deprecated See the description for the replacement operation.");
  return lines;
}

/** Whether the method can be called with no argument: nothing in it is required. */
function argsAreOptional(meta: OperationMetadata): boolean {
  return meta.fields.every((f) => !f.required) && !(meta.body?.required ?? false);
}

const pascal = (id: string) => id[0]!.toUpperCase() + id.slice(1);

/** The named types and the typed method interface of every operation (see the top of this file). */
export function emitMethodsModule(doc: Json): string {
  const ops = readOperations(doc);
  const aliases: string[] = [];
  const schemaNames = new Set<string>();
  const methods = ops.map(({ meta, docs, resultSchema }) => {
    const id = meta.operationId;
    const args = `${pascal(id)}Args`;
    aliases.push(`/** The argument of \`bolna.${id}()\`: its path, query and body fields in one object. */`);
    aliases.push(`export type ${args} = OperationArgs<"${id}">;`);
    let data = resultSchema;
    if (data === undefined) {
      data = `${pascal(id)}Result`;
      aliases.push(`/** What \`bolna.${id}()\` resolves to: the data of its 2xx response. */`);
      aliases.push(`export type ${data} = OperationData<"${id}">;`);
    } else if (!meta.pagination) {
      schemaNames.add(data);
    }
    const optional = argsAreOptional(meta) ? "?" : "";
    const result = meta.pagination ? `PaginatedResult<"${id}">` : `APIPromise<${data}>`;
    // A strict body is typed exactly too: the arguments' own type is inferred (\`const\`, so \`provider: "sarvam"\` stays
    // that literal) and every key is checked against the alternative it selects.
    const signature = meta.body?.strict
      ? `${id}<const A extends ${args}>(args${optional}: A & Exact<A, ${args}>`
      : `${id}(args${optional}: ${args}`;
    return `${jsdoc(methodDoc(meta, docs), "  ")}\n  ${signature}, options?: RequestOptions): ${result};`;
  });
  const exactImport = ops.some(({ meta }) => meta.body?.strict)
    ? `import type { Exact } from "../extensions/exact.js";\n`
    : "";
  const names = [...schemaNames].sort().map((name) => `  ${name},`);
  const schemaImport = names.length > 0 ? `import type {\n${names.join("\n")}\n} from "./schema.js";\n` : "";
  return `${exactImport}import type { APIPromise, OperationArgs, OperationData, PaginatedResult, RequestOptions } from "../extensions/operation-types.js";
${schemaImport}
${aliases.join("\n")}

/** One method per operation: returns the typed data of the 2xx response or throws a typed \`APIError\`. */
export interface BolnaOperationMethods {
${methods.join("\n\n")}
}
`;
}
