/**
 * `RequestParts`: what openapi-fetch builds for a generated method's call in place of a `Request`, when no middleware
 * is registered (the client passes it as openapi-fetch's `Request` option). It keeps the URL, method, merged headers
 * and serialized body exactly as openapi-fetch produced them, and costs a plain object.
 *
 * Why: `fetch(request, init)` is specified as `fetch(new Request(request, init))`, so a call that goes through a
 * `Request` builds one in openapi-fetch and a second in `fetch`. Building a `Request` is among the costliest steps
 * of a call; with `RequestParts` the transport calls `fetch(url, init)` and the call's only `Request` is fetch's own.
 * Middleware sees real `Request`s: with any registered, the client does not use this class.
 */

/** A body the transport can send again on a retry as it is (openapi-fetch serializes to a string or `FormData`). */
type ReusableBody = string | FormData;

export class RequestParts {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: ReusableBody | null;

  /** Called by openapi-fetch as `new Request(url, init)`, with `init.headers` already a merged `Headers`. */
  constructor(url: string, init: { method?: string; headers?: Headers; body?: ReusableBody | null }) {
    this.url = url;
    this.method = init.method ?? "GET";
    this.headers = init.headers ?? new Headers();
    this.body = init.body ?? null;
  }

  /** What `fetch(this.url, …)` needs besides the attempt's own `signal` and `redirect`. */
  init(signal: AbortSignal, redirect: RequestRedirect): RequestInit {
    return { method: this.method, headers: this.headers, body: this.body, signal, redirect };
  }
}

/** A request as the transport takes it. */
export type OutgoingRequest = Request | RequestParts;
