/**
 * The parts of an incoming webhook request the handler checks before it parses anything: the shared secret, the
 * media type, and the body, read within a size cap. Web-standard APIs only, so the handler runs on any runtime.
 */
import { concatBytes } from "./bytes.js";

const encoder = new TextEncoder();

/** A JSON answer; the webhook receiver's answers are read by people (and logs), never by Bolna. */
export function jsonResponse(
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

/**
 * Compares a received secret with the expected one in time that depends only on the expected secret's length, so
 * how long a refusal takes says nothing about how much of a guess was right.
 */
export function secretEquals(expected: string, received: string | null): boolean {
  if (received === null) return false;
  const a = encoder.encode(expected);
  const b = encoder.encode(received);
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++)
    difference |= (a[i] as number) ^ (b.length === 0 ? 0 : (b[i % b.length] as number));
  return difference === 0;
}

/** True for `application/json`, with no charset or UTF-8 (the only encoding JSON may travel in, RFC 8259). */
export function isJsonMediaType(contentType: string | null): boolean {
  if (contentType === null) return false;
  const [type, ...parameters] = contentType.split(";").map((part) => part.trim().toLowerCase());
  if (type !== "application/json") return false;
  return parameters.every((parameter) => !parameter.startsWith("charset=") || /^charset="?utf-8"?$/.test(parameter));
}

/**
 * The request body as bytes, or `"too large"` as soon as more than `maxBytes` are announced or arrive; the rest is
 * then left unread (the stream is cancelled), so a huge body never sits in memory.
 */
export async function readCappedBody(request: Request, maxBytes: number): Promise<Uint8Array | "too large"> {
  const { body } = request;
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) {
    await body?.cancel().catch(() => undefined);
    return "too large";
  }
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return "too large";
    }
    chunks.push(value);
  }
  return concatBytes(chunks, size);
}
