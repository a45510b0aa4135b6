/** What the stateful mock answers a request with, once Prism has accepted it. */

export interface Reply {
  readonly status: number;
  /** JSON-encoded unless `raw` bytes are given. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A JSON reply. */
export function json(status: number, body: unknown): Reply {
  return { status, body };
}

/** The live API's error body, `{"message": ...}`. */
export function failure(status: number, message: string): Reply {
  return { status, body: { message } };
}

export const notFound = (what: string, id: string): Reply =>
  failure(404, `No ${what} with id ${JSON.stringify(id)} in the mock (it was never created, or was deleted).`);
