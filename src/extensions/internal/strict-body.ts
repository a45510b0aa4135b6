/**
 * The full check of a strict request body (operations marked `x-bolna-strict-body`: the agent operations) before it
 * is sent. The client imports this module, and with it the generated schemas, only when such an operation is first
 * called, so they stay out of the main bundle.
 *
 * It refuses what is surely a mistake and lets through what the spec may not know yet, as Bolna's server does:
 * a wrong type or value of a declared field, a missing required one and a near miss of a key declared in that
 * place (`hangup_after_silense`) are refused; any other undeclared key (a setting the spec does not know yet, or a
 * known key where the server ignores it, such as `tasks` in a PATCH) is sent, and reported to `onUnknownKey` (the
 * client logs it at `debug`). Text the server reads as a number or boolean (`"8000"`, `"true"`) is accepted
 * and sent as given.
 */
import { requestBodySchemas, requestComponentSchemas } from "../../generated/request-bodies.js";
import { BolnaInputError } from "../errors.js";
import type { Logger } from "../logger.js";
import { declaredKeys, validateJsonSchema } from "./json-schema.js";

/** Every key the agent schemas declare somewhere: a key outside this set is new to the spec, not misplaced. */
const knownKeys = declaredKeys(requestComponentSchemas, ...Object.values(requestBodySchemas));

/** Issues spelled out in one message; the rest are counted. */
const LISTED_ISSUES = 5;

/** `$.agent_config.tasks[0]` → `agent_config.tasks[0]`; the body itself is `body`. */
function fieldPath(jsonPath: string): string {
  return jsonPath === "$" ? "body" : jsonPath.replace(/^\$\.?/, "");
}

/**
 * Throws a `BolnaInputError` naming the first bad field (and listing the others) unless `body` fits its schema;
 * `debug`, when given, gets one line per key that is sent although the spec does not declare it, naming its path
 * (never its value).
 */
export function assertStrictBody(operationId: string, body: unknown, debug?: Logger["debug"]): void {
  const schema = requestBodySchemas[operationId];
  if (schema === undefined) throw new Error(`${operationId} is not a strict-body operation`);
  const issues = validateJsonSchema(schema, body, requestComponentSchemas, {
    lax: true,
    knownKeys,
    onUnknownKey: (path) =>
      debug?.(
        `bolna: ${operationId} sends \`${fieldPath(path)}\`, a key the spec does not declare; Bolna may ignore it.`,
      ),
  });
  const [first] = issues;
  if (first === undefined) return;
  const listed = issues.slice(0, LISTED_ISSUES).map((issue) => `\`${fieldPath(issue.path)}\` ${issue.message}`);
  const rest = issues.length > LISTED_ISSUES ? `; and ${issues.length - LISTED_ISSUES} more` : "";
  throw new BolnaInputError(fieldPath(first.path), `${operationId}: ${listed.join("; ")}${rest}.`);
}
