/**
 * Following `$ref`s in the bundled spec, which holds only local ones (`#/components/...`). The generator, the
 * contract suite, the docs samples (through scripts/generate/spec-walk.ts) and the CLI's help read the spec with it;
 * the client's validator uses the schema prefix to look schemas up by name.
 */
import { isObject } from "./guards.js";

/** Where the bundle keeps named schemas: `{ $ref: "#/components/schemas/Execution" }`. */
export const SCHEMA_REF_PREFIX = "#/components/schemas/";

/**
 * The schema extension that says what a `pattern` accepts, in words with an example ("an E.164 phone number such as
 * +15551234567"); the emitted validation schemas keep it, so a refusal can say it instead of printing the pattern.
 */
export const PATTERN_MEANING = "x-bolna-pattern-meaning";

/** How a reader reports a `$ref` it cannot follow: the message names the reference. */
export type RefFailure = (message: string) => never;

const throwError: RefFailure = (message) => {
  throw new Error(message);
};

/** The node a local JSON pointer (`#/components/...`) names in `doc`. */
function pointerTarget(doc: unknown, ref: string, fail: RefFailure): unknown {
  if (!ref.startsWith("#/")) fail(`unexpected non-local $ref ${ref} in the bundle`);
  const node = ref
    .slice(2)
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((acc, key) => (isObject(acc) && Object.hasOwn(acc, key) ? acc[key] : undefined), doc);
  return node === undefined ? fail(`unresolvable $ref ${ref}`) : node;
}

/**
 * Follows `$ref`s until it reaches a node that is not a reference. The node may be anything, `undefined` included,
 * for readers that look at optional parts such as `examples`.
 */
export function followRefs(doc: unknown, node: unknown, fail: RefFailure = throwError): unknown {
  let current = node;
  for (let hops = 0; isObject(current) && typeof current.$ref === "string"; hops++) {
    if (hops > 32) fail(`$ref cycle at ${current.$ref}`);
    current = pointerTarget(doc, current.$ref, fail);
  }
  return current;
}
