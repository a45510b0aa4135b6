/**
 * The full check of a strict request body (operations marked `x-bolna-strict-body`: the agent operations) before it
 * is sent. The client imports this module, and with it the generated schemas, only when such an operation is first
 * called, so they stay out of the main bundle.
 */
import { requestBodySchemas, requestComponentSchemas } from "../../generated/request-bodies.js";
import { BolnaInputError } from "../errors.js";
import { validateJsonSchema } from "./json-schema.js";

/** Issues spelled out in one message; the rest are counted. */
const LISTED_ISSUES = 5;

/** `$.agent_config.tasks[0]` → `agent_config.tasks[0]`; the body itself is `body`. */
function fieldPath(jsonPath: string): string {
  return jsonPath === "$" ? "body" : jsonPath.replace(/^\$\.?/, "");
}

/** Throws a `BolnaInputError` naming the first bad field (and listing the others) unless `body` fits its schema. */
export function assertStrictBody(operationId: string, body: unknown): void {
  const schema = requestBodySchemas[operationId];
  if (schema === undefined) throw new Error(`${operationId} is not a strict-body operation`);
  const issues = validateJsonSchema(schema, body, requestComponentSchemas);
  const [first] = issues;
  if (first === undefined) return;
  const listed = issues.slice(0, LISTED_ISSUES).map((issue) => `\`${fieldPath(issue.path)}\` ${issue.message}`);
  const rest = issues.length > LISTED_ISSUES ? `; and ${issues.length - LISTED_ISSUES} more` : "";
  throw new BolnaInputError(fieldPath(first.path), `${operationId}: ${listed.join("; ")}${rest}.`);
}
