/**
 * Which `APIError` a non-2xx response becomes, and its one-line message. The client loads this module on the first
 * non-2xx answer it turns into an error (`load-api-error.ts`), so a client whose calls succeed does not
 * carry the status table, the 403 wording test or the reader of Bolna's error bodies.
 */
import {
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RedirectError,
  UnprocessableEntityError,
  describeRequest,
  locationOf,
  statusLine,
  type RequestDescription,
} from "../errors.js";
import { boundedBody, readErrorMessage } from "./error-body.js";

type APIErrorClass = new (
  message: string,
  status: number,
  headers: Headers,
  body: unknown,
  request: RequestDescription,
) => APIError;

const CLASS_BY_STATUS: Readonly<Record<number, APIErrorClass>> = {
  400: BadRequestError,
  401: AuthenticationError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** Wording of a 403 body that means "bad key", not "not allowed". */
const BAD_CREDENTIAL = /token|api[\s_-]?key|credential|unrecogni[sz]ed|unauthori[sz]ed|unauthenticated/i;

function classFor(response: Response, message: string | undefined): APIErrorClass {
  const { status } = response;
  // A browser hides a manual redirect behind an opaque response with status 0.
  if ((status >= 300 && status < 400) || response.type === "opaqueredirect") return RedirectError;
  if (status === 403) {
    return message !== undefined && BAD_CREDENTIAL.test(message) ? AuthenticationError : PermissionDeniedError;
  }
  if (status >= 500) return InternalServerError;
  return CLASS_BY_STATUS[status] ?? APIError;
}
/** What a redirect's message says: where it points (origin and path, never the query: it may carry a signature). */
function describeRedirect(location: string | undefined): string {
  if (location === undefined)
    return "a redirect without a Location (or one the browser hid), which the client does not follow";
  let where: string;
  try {
    const url = new URL(location);
    where = `${url.origin}${url.pathname}`;
  } catch {
    where = JSON.stringify(location.split("?")[0]);
  }
  return `redirected to ${where}, which the client does not follow`;
}

/**
 * The `APIError` subclass for a non-2xx `response` whose body the caller has already read and parsed
 * (`body`: JSON value, raw text, or `undefined`). Passing the `Request` itself as `request` also redacts its
 * bearer token from the error should the server echo it.
 */
export function createAPIError(response: Response, body: unknown, request: RequestDescription): APIError {
  const bounded = boundedBody(body);
  const readable = readErrorMessage(bounded);
  const ErrorClass = classFor(response, readable);
  const detail = ErrorClass === RedirectError ? describeRedirect(locationOf(response.headers, request.url)) : readable;
  const message = `${statusLine(response)}${detail === undefined ? "" : `: ${detail}`} (${describeRequest(request)})`;
  return new ErrorClass(message, response.status, response.headers, bounded, request);
}
