/**
 * Turns the body of a 2xx response into a generated method's data, checking it against the spec first.
 *
 * How far the check goes: the body must be JSON (whatever the `Content-Type` says) and its top-level shape must be
 * the one the spec gives the status (`object`, `array`, or no body), read from the generated metadata. Fields inside
 * are not checked (that is the types' job, and the live API adds fields freely). Paginated listings also have their
 * envelope checked by the pagination. Anything else is an `InvalidResponseError` carrying the status and an excerpt.
 */
import { isObject } from "./guards.js";
import { InvalidResponseError, type RequestDescription } from "../errors.js";
import type { OperationMetadata, ResponseShape } from "./metadata.js";

const ARTICLE: Readonly<Record<ResponseShape, string>> = {
  object: "a JSON object",
  array: "a JSON array",
  none: "no body",
  any: "JSON",
};

const BLANK = /^\s*$/;

function shapeOf(value: unknown): "object" | "array" | "other" {
  if (Array.isArray(value)) return "array";
  return isObject(value) ? "object" : "other";
}

/**
 * The data of a 2xx `response` whose body was read as `text` (`undefined` when it had none). A 2xx status the spec
 * does not document may carry any JSON.
 */
export function readData(
  meta: OperationMetadata,
  response: Response,
  text: string | undefined,
  request: RequestDescription,
): unknown {
  const shape: ResponseShape = meta.success[response.status] ?? "any";
  // A body where the spec documents none is ignored, as the types promise `undefined`.
  if (shape === "none") return undefined;
  if (text === undefined || BLANK.test(text)) {
    if (shape === "any") return undefined;
    throw new InvalidResponseError(
      response,
      `the body is empty, but the spec promises ${ARTICLE[shape]}`,
      text,
      request,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const type = response.headers.get("content-type");
    const said = type === null ? "" : ` (Content-Type: ${type.split(";")[0]})`;
    throw new InvalidResponseError(response, `the body is not valid JSON${said}`, text, request);
  }
  const actual = shape === "any" ? shape : shapeOf(data);
  if (actual !== shape) {
    const got = actual === "other" ? (data === null ? "null" : typeof data) : `a JSON ${actual}`;
    throw new InvalidResponseError(
      response,
      `the spec promises ${ARTICLE[shape]}, but the body is ${got}`,
      text,
      request,
    );
  }
  return data;
}
