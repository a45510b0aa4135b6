/**
 * Reads a response body whole, within a size cap, so the transport's per-attempt deadline and the caller's signal
 * cover the body as well as the headers, and a huge answer fails fast instead of filling memory.
 *
 * `readBody` returns an equivalent `Response` whose body is in memory (headers, status and URL kept), or throws
 * `ResponseTooLargeError` with the first bytes as an excerpt once more than `maxBytes` arrive (or are announced).
 * `signal` is the fetch's: aborting it errors the body stream, which ends the read (the transport also stops waiting
 * at once, for a fetch that ignores its signal).
 *
 * The copy is a `BufferedResponse` rather than `new Response(bytes)`: building a Response around a body costs more
 * than the rest of the client's work on a request (a stream per response), while reading from memory costs nothing.
 */
import { ResponseTooLargeError, type RequestDescription } from "../errors.js";
import { concatBytes } from "./bytes.js";

/** Bytes that can back a `Response` (not a `SharedArrayBuffer` view). */
type Bytes = Uint8Array<ArrayBuffer>;

/** Bytes of an oversized body kept as the error's excerpt. */
const EXCERPT_BYTES = 16_384;
/** Stateless between calls (no `stream` option), so one of each serves every response. */
const decoder = new TextDecoder();
const encoder = new TextEncoder();
/** Media types read as text: JSON (Bolna's), and `text/*` (error pages). */
const TEXTUAL = /json|^\s*text\//i;
/** Statuses whose `Response` must not have a body. */
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([204, 205, 304]);

export function readBody(
  response: Response,
  maxBytes: number,
  request: RequestDescription,
  signal: AbortSignal,
): Promise<Response> {
  const { body } = response;
  if (body === null || response.type === "opaqueredirect") return Promise.resolve(response);
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  const announcedTooLarge = declared > maxBytes;
  // Fast path: an uncompressed body of announced size, which fetch reads no further than announced. Text is kept as
  // text (reading it as bytes and decoding later costs more), anything else as bytes.
  if (!announcedTooLarge && Number.isInteger(declared) && isIdentity(response.headers.get("content-encoding"))) {
    const type = response.headers.get("content-type");
    if (type === null || TEXTUAL.test(type)) return response.text().then((text) => inMemory(response, text));
    return response.arrayBuffer().then((buffer) => inMemory(response, new Uint8Array(buffer)));
  }
  return readChunks(response, body, { maxBytes, announcedTooLarge }, request, signal);
}

function isIdentity(encoding: string | null): boolean {
  return encoding === null || encoding.trim().toLowerCase() === "identity";
}

/** Reads `body` chunk by chunk, counting bytes, so a body without (or beyond) an announced size is bounded too. */
async function readChunks(
  response: Response,
  body: ReadableStream<Uint8Array>,
  { maxBytes, announcedTooLarge }: { maxBytes: number; announcedTooLarge: boolean },
  request: RequestDescription,
  signal: AbortSignal,
): Promise<Response> {
  const reader = body.getReader();
  const chunks: Bytes[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value as Bytes);
    size += value.byteLength;
    if (size > maxBytes || (announcedTooLarge && size >= EXCERPT_BYTES)) {
      void reader.cancel().catch(() => undefined);
      throw new ResponseTooLargeError(response, excerpt(chunks), maxBytes, request);
    }
  }
  // A stream that closes (rather than errors) when the fetch is aborted must not pass for a whole body.
  signal.throwIfAborted();
  if (announcedTooLarge) throw new ResponseTooLargeError(response, excerpt(chunks), maxBytes, request);
  return inMemory(response, concatBytes(chunks, size));
}

/** A body's content as read: text, or bytes. */
type Content = string | Bytes;

function inMemory(response: Response, content: Content): Response {
  const empty = typeof content === "string" ? content === "" : content.byteLength === 0;
  return new BufferedResponse(response, empty || NULL_BODY_STATUSES.has(response.status) ? "" : content);
}

/**
 * A `Response` whose body is already in memory. It behaves as one read from the network would: each body method
 * reads it once (`bodyUsed`), `clone()` gives an unread copy, and `body` is a stream made on first access (reading
 * the response after that goes through the stream, as on a network response).
 */
class BufferedResponse extends Response {
  readonly #content: Content;
  readonly #headers: Headers;
  readonly #url: string;
  #stream: ReadableStream<Bytes> | null | undefined;
  #used = false;

  constructor(response: Response, content: Content) {
    // The original headers are shared rather than copied into the constructor (a copy per response is measurable).
    super(null, { status: response.status, statusText: response.statusText });
    this.#content = content;
    this.#headers = response.headers;
    this.#url = response.url;
  }

  override get headers(): Headers {
    return this.#headers;
  }

  override get url(): string {
    return this.#url;
  }

  // Looking at `body` does not use it up, as on a network response: a caller may hand the stream on (openapi-fetch's
  // `parseAs: "stream"` does) and still read the response itself, and the readers below then go through the stream.
  override get body(): ReadableStream<Bytes> | null {
    if (this.#stream === undefined) {
      this.#stream = this.#content.length === 0 ? null : new Response(this.#content).body;
    }
    return this.#stream;
  }

  override get bodyUsed(): boolean {
    return this.#used || (this.#stream?.locked ?? false);
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    if (this.#stream) return this.#viaStream().arrayBuffer();
    const content = this.#take();
    const bytes = typeof content === "string" ? encoder.encode(content) : content;
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  }

  override async text(): Promise<string> {
    if (this.#stream) return this.#viaStream().text();
    const content = this.#take();
    return typeof content === "string" ? content : decoder.decode(content);
  }

  override async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  override async blob(): Promise<Blob> {
    if (this.#stream) return this.#viaStream().blob();
    return new Blob([this.#take()], { type: this.headers.get("content-type") ?? "" });
  }

  override async formData(): Promise<FormData> {
    if (this.#stream) return this.#viaStream().formData();
    return new Response(this.#take(), { headers: this.headers }).formData();
  }

  override clone(): Response {
    if (this.bodyUsed) throw new TypeError("Response.clone: the body has already been read");
    return new BufferedResponse(this, this.#content);
  }

  /** A reader over the exposed stream, which fails as a network response would once the stream is read or locked. */
  #viaStream(): Response {
    this.#used = true;
    return new Response(this.#stream, { headers: this.headers });
  }

  /** The content, once: a second read fails as it would on a network response (an empty body has none to use up). */
  #take(): Content {
    if (this.#content.length === 0) return this.#content;
    if (this.#used) throw new TypeError("Body is unusable: it has already been read");
    this.#used = true;
    return this.#content;
  }
}

function excerpt(chunks: readonly Bytes[]): string {
  const head: Bytes[] = [];
  let size = 0;
  for (const chunk of chunks) {
    if (size >= EXCERPT_BYTES) break;
    const part = chunk.subarray(0, EXCERPT_BYTES - size);
    head.push(part);
    size += part.byteLength;
  }
  return decoder.decode(concatBytes(head, size));
}
