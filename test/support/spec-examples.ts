/**
 * Values the mock answers with, read from the bundled spec's named examples (never hard-coded in a test).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

interface Example {
  value: unknown;
}

type NamedExamples = Record<string, { $ref: string }>;

interface BundledSpec {
  components: { examples: Record<string, Example> };
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { examples?: NamedExamples }> }> }>
  >;
  webhooks: Record<string, { post: { requestBody: { content: Record<string, { examples: NamedExamples }> } } }>;
}

const SPEC_PATH = resolve(import.meta.dirname, "../../src/generated/openapi.json");
const spec = JSON.parse(readFileSync(SPEC_PATH, "utf8")) as BundledSpec;

function componentExample(name: string): unknown {
  const example = spec.components.examples[name];
  if (example === undefined) throw new Error(`the bundled spec has no components.examples.${name}`);
  return example.value;
}

/** The value a `$ref` to `components.examples` names. */
function referencedExample(ref: string | undefined, what: string): unknown {
  if (ref === undefined) throw new Error(`the bundled spec has no ${what}`);
  return componentExample(ref.split("/").pop() ?? "");
}

/** The first named example of `GET path`'s 200 answer: what the mock answers by default. */
export function successExample(path: string): unknown {
  const examples = spec.paths[path]?.["get"]?.responses["200"]?.content?.["application/json"]?.examples ?? {};
  return referencedExample(Object.values(examples)[0]?.$ref, `example of GET ${path}`);
}

/** The ids of the execution listing's `firstPage` then `lastPage` examples: what a walk of the mock yields. */
export function exampleExecutionIds(): string[] {
  return ["ExecutionPageFirst", "ExecutionPageLast"].flatMap((name) =>
    (componentExample(name) as { data: Array<{ id: string }> }).data.map((execution) => execution.id),
  );
}

/** The execution-status webhook's `completed` example, as the JSON body Bolna would post. */
export function webhookExampleBody(): { body: string; id: string } {
  const examples = spec.webhooks["executionStatus"]?.post.requestBody.content["application/json"]?.examples;
  const value = referencedExample(examples?.["completed"]?.$ref, "`completed` execution-status webhook example") as {
    id: string;
  };
  return { body: JSON.stringify(value), id: value.id };
}
