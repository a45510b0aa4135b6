/**
 * Values read from the bundled spec's named examples (never hard-coded in a test): what the mock answers with, and
 * realistic request bodies.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

interface Example {
  value: unknown;
}

type NamedExamples = Record<string, Example | { $ref: string }>;

interface Operation {
  operationId?: string;
  requestBody?: { content: Record<string, { examples?: NamedExamples }> };
  responses: Record<string, { content?: Record<string, { examples?: NamedExamples }> }>;
}

interface BundledSpec {
  paths: Record<string, Record<string, Operation>>;
  components: { examples: Record<string, Example> };
  webhooks: Record<string, { post: { requestBody: { content: Record<string, { examples: NamedExamples }> } } }>;
}

const SPEC_PATH = resolve(import.meta.dirname, "../../src/generated/openapi.json");
const spec = JSON.parse(readFileSync(SPEC_PATH, "utf8")) as BundledSpec;

function componentExample(name: string): unknown {
  const example = spec.components.examples[name];
  if (example === undefined) throw new Error(`the bundled spec has no components.examples.${name}`);
  return example.value;
}

/** The value of a named example: inline, or a `$ref` to `components.examples`. */
function exampleValue(example: Example | { $ref: string } | undefined, what: string): unknown {
  if (example === undefined) throw new Error(`the bundled spec has no ${what}`);
  return "$ref" in example ? componentExample(example.$ref.split("/").pop() ?? "") : example.value;
}

/** The first named example of `METHOD path`'s 200 answer: what the mock answers by default. */
export function successExample(path: string, method: "get" | "post" = "get"): unknown {
  const examples = spec.paths[path]?.[method]?.responses["200"]?.content?.["application/json"]?.examples ?? {};
  return exampleValue(Object.values(examples)[0], `example of ${method.toUpperCase()} ${path}`);
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
  const value = exampleValue(examples?.["completed"], "`completed` execution-status webhook example") as {
    id: string;
  };
  return { body: JSON.stringify(value), id: value.id };
}

/** Every named example of the execution-status webhook body, in the spec's order: `[name, value]`. */
export function webhookExamples(): Array<[string, unknown]> {
  const examples = spec.webhooks["executionStatus"]?.post.requestBody.content["application/json"]?.examples ?? {};
  return Object.entries(examples).map(([name, example]) => [name, exampleValue(example, `webhook example ${name}`)]);
}

/** A value of `components.examples` by name (a copy), e.g. `ExecutionFromBatch`. */
export function componentExampleValue(name: string): unknown {
  return structuredClone(componentExample(name));
}

/**
 * The named examples of an operation's JSON request body, in the spec's order: `[name, value]`. The spec is their
 * one home; tests that need a realistic body (the agent configurations, for one) read them from here.
 */
export function requestBodyExamples(operationId: string): Array<[string, unknown]> {
  const operation = Object.values(spec.paths)
    .flatMap((item) => Object.values(item))
    .find((candidate) => candidate.operationId === operationId);
  const examples = operation?.requestBody?.content["application/json"]?.examples;
  if (examples === undefined) throw new Error(`the bundled spec has no JSON request examples for ${operationId}`);
  return Object.entries(examples).map(([name, example]) => [name, exampleValue(example, `${operationId} ${name}`)]);
}

/** One named request example of an operation, by name. */
export function requestBodyExample(operationId: string, name: string): unknown {
  const found = requestBodyExamples(operationId).find(([candidate]) => candidate === name);
  if (found === undefined) throw new Error(`${operationId} has no request example named ${name}`);
  return structuredClone(found[1]);
}
