/**
 * Keeps the API key out of everything an error shows: its message, body, headers, URL, `toJSON()` and
 * `util.inspect` views, and the causes they print.
 *
 * Only the whole key is replaced: an occurrence with a letter, digit, `_` or `-` on either side is part of a longer
 * word, not the key (with the key `x`, `executions` stays `executions`). The key is also matched URL-encoded.
 */

export type Redact = (text: string) => string;

export const REDACTED = "[redacted]";

/** Characters a bearer token is made of; the key must not be glued to one to count as the key. */
const TOKEN_CHAR = "[A-Za-z0-9_-]";

const keepAll: Redact = (text) => text;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A function replacing every whole occurrence of `secret`; the identity when there is no secret. */
export function createRedactor(secret: string | undefined): Redact {
  if (!secret) return keepAll;
  const forms = [...new Set([secret, encodeURIComponent(secret)])].map(escapeRegExp).join("|");
  const pattern = new RegExp(`(?<!${TOKEN_CHAR})(?:${forms})(?!${TOKEN_CHAR})`, "g");
  return (text) => text.replace(pattern, REDACTED);
}

/** The redactor for the bearer token a request carried in its `Authorization` header. */
export function redactorFor(headers: Headers | undefined): Redact {
  return createRedactor(
    headers
      ?.get("authorization")
      ?.replace(/^\s*bearer\s+/i, "")
      .trim(),
  );
}

/** Deeper than this, a value is shown as a placeholder (a view must not overflow the stack). */
const MAX_VIEW_DEPTH = 64;

/**
 * A copy of a JSON-like value with every string (keys included) redacted. Objects come back as plain objects
 * whose keys are all own data properties, so a `__proto__` key stays a key.
 */
export function redactValue(value: unknown, redact: Redact, depth = 0): unknown {
  if (redact === keepAll) return value;
  if (typeof value === "string") return redact(value);
  if (typeof value !== "object" || value === null) return value;
  if (depth >= MAX_VIEW_DEPTH) return "[nested too deeply]";
  if (Array.isArray(value)) return value.map((item: unknown) => redactValue(item, redact, depth + 1));
  if (value instanceof Headers) return redactValue(Object.fromEntries(value), redact, depth);
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [redact(key), redactValue(item, redact, depth + 1)]),
  );
}

/** A copy of `headers` with every value redacted. */
export function redactHeaders(headers: Headers, redact: Redact): Headers {
  if (redact === keepAll) return headers;
  const copy = new Headers();
  headers.forEach((value, name) => copy.append(name, redact(value)));
  return copy;
}
