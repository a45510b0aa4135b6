/**
 * What the client must turn each HTTP outcome into, and how Prism answers invalid requests.
 */
import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
  type APIError,
} from "../../../src/index.js";
import type { SpecOperation } from "./spec.js";

type APIErrorClass = abstract new (...args: never[]) => APIError;

const CLASS_BY_STATUS: Readonly<Record<number, APIErrorClass>> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/**
 * 403 examples that mean "bad key": the live API answers an invalid key with 403 `Unrecognized access token`
 * (spec: `Forbidden`), which the client reports as an `AuthenticationError`, not a permission problem.
 */
const CREDENTIAL_403_EXAMPLES: ReadonlySet<string> = new Set(["unrecognizedToken"]);

/** The typed error a documented status (and named example) must surface as. Unknown statuses fail loudly. */
export function expectedErrorClass(status: number, exampleName?: string): APIErrorClass {
  if (status === 403 && exampleName !== undefined && CREDENTIAL_403_EXAMPLES.has(exampleName))
    return AuthenticationError;
  if (status >= 500) return InternalServerError;
  const errorClass = CLASS_BY_STATUS[status];
  if (!errorClass) throw new Error(`No typed error class is expected for status ${status}: extend expectations.ts`);
  return errorClass;
}

/**
 * Prism answers an invalid request with the operation's documented 422 if it has one, else its 400, else a 422
 * it generates itself (`application/problem+json` with a `validation` array).
 */
export function validationStatus(op: SpecOperation): 400 | 422 {
  const statuses = new Set(op.responses.map((r) => r.status));
  if (statuses.has(422)) return 422;
  return statuses.has(400) ? 400 : 422;
}
