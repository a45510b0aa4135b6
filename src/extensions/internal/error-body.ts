/**
 * What an error keeps of a response body: a one-line human-readable message, and the body itself only when it is
 * small and shallow enough to log, serialise and inspect safely (else an excerpt of its text).
 */

/** Longest text kept from a body in `APIError.body`; a longer body is kept as an excerpt of this length. */
export const MAX_BODY_EXCERPT_CHARS = 16_384;
/** Deeper JSON is kept as an excerpt too: showing or serialising it could overflow the stack. */
const MAX_BODY_DEPTH = 64;

/** Longest error text copied from a body into a message; bodies can be whole HTML error pages. */
const MAX_MESSAGE_CHARS = 500;

/**
 * The human-readable part of a Bolna error body, or `undefined` when there is none.
 *
 * Bolna's bodies are heterogeneous, so this reads, in order: `message`; `detail` (a string, or FastAPI's
 * `[{loc, msg}]` list as `loc: msg; …`); `error` when it is a string (it is sometimes an integer code);
 * raw text; and, for any other non-empty object, its JSON.
 */
export function readErrorMessage(body: unknown): string | undefined {
  if (typeof body === "string") return cap(body);
  if (typeof body !== "object" || body === null) return undefined;
  const fields = body as Record<string, unknown>;
  return (
    asText(fields["message"]) ??
    readDetail(fields["detail"]) ??
    asText(fields["error"]) ??
    (Object.keys(fields).length > 0 ? cap(JSON.stringify(body)) : undefined)
  );
}

function readDetail(detail: unknown): string | undefined {
  if (!Array.isArray(detail)) return asText(detail);
  const parts = detail.map((item: unknown) => {
    if (typeof item !== "object" || item === null) return String(item);
    const { loc, msg } = item as { loc?: unknown; msg?: unknown };
    const where = Array.isArray(loc) ? loc.join(".") : undefined;
    const what = typeof msg === "string" ? msg : JSON.stringify(item);
    return where ? `${where}: ${what}` : what;
  });
  return cap(parts.join("; "));
}

function asText(value: unknown): string | undefined {
  return typeof value === "string" ? cap(value) : undefined;
}

function cap(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  return trimmed.length > MAX_MESSAGE_CHARS ? `${trimmed.slice(0, MAX_MESSAGE_CHARS)}…` : trimmed;
}

/**
 * `body` itself when it is small and shallow enough to keep, else an excerpt of its text. Bounded error objects can
 * be logged, serialised and inspected whatever the server sent.
 */
export function boundedBody(body: unknown): unknown {
  if (typeof body === "string") {
    return body.length > MAX_BODY_EXCERPT_CHARS ? `${body.slice(0, MAX_BODY_EXCERPT_CHARS)}…` : body;
  }
  if (typeof body !== "object" || body === null) return body;
  const out: string[] = [];
  const complete = writeJson(body, 0, out, { chars: 0 });
  if (complete) return body;
  return `${out.join("").slice(0, MAX_BODY_EXCERPT_CHARS)}…`;
}

/** Appends `value`'s JSON to `out` until the excerpt limit or depth limit is hit; false when it stopped early. */
function writeJson(value: unknown, depth: number, out: string[], written: { chars: number }): boolean {
  const emit = (text: string): boolean => {
    out.push(text);
    written.chars += text.length;
    return written.chars <= MAX_BODY_EXCERPT_CHARS;
  };
  if (typeof value !== "object" || value === null) return emit(JSON.stringify(value) ?? "null");
  if (depth >= MAX_BODY_DEPTH) return false;
  const isArray = Array.isArray(value);
  if (!emit(isArray ? "[" : "{")) return false;
  const entries: Array<[string, unknown]> = isArray ? value.map((item: unknown) => ["", item]) : Object.entries(value);
  for (const [index, [key, item]] of entries.entries()) {
    if (index > 0 && !emit(",")) return false;
    if (!isArray && !emit(`${JSON.stringify(key)}:`)) return false;
    if (!writeJson(item, depth + 1, out, written)) return false;
  }
  return emit(isArray ? "]" : "}");
}
