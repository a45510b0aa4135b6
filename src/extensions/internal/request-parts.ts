/**
 * `RequestParts`: a request as the client builds it for a generated method (see `direct-request.ts`): URL, method,
 * headers and a body that can be sent again as it is. It costs a plain object where a `Request` costs one of the
 * steepest steps of a call, and the transport sends it as `fetch(url, parts)`, so the call's only `Request` is the
 * one fetch builds itself. It is also a valid `RequestInit` (a log line copies it into a `Request` that way).
 */
export interface RequestParts {
  method: string;
  url: string;
  /** Shared between calls: read it, never change it. */
  headers: Headers;
  /** A string or FormData, which a retry sends again as it is; `null` without a body. */
  body: string | FormData | null;
}

/** A request as the transport takes it: a `Request` (raw calls, middleware) or the parts of one. */
export type OutgoingRequest = Request | RequestParts;
