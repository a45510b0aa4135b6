/**
 * Request bodies in a comparable form: what the client put on the wire vs. what the test asked for. Multipart
 * fields become arrays of strings (files as `{ file, type, text }`), so a repeated field, a JSON-text field and
 * a file part can all be compared exactly.
 */
import type { SpecOperation } from "./spec.js";

interface FilePart {
  file: string;
  type: string;
  text: string;
}

async function filePart(blob: Blob, name: string): Promise<FilePart> {
  return { file: blob instanceof File ? blob.name : name, type: blob.type, text: await blob.text() };
}

/** The body of a sent request (a clone, unread). */
export async function sentBody(op: SpecOperation, request: Request): Promise<unknown> {
  if (!op.requestBody) return (await request.text()) || undefined;
  if (op.requestBody.mediaType === "multipart/form-data") {
    const contentType = request.headers.get("content-type") ?? "";
    if (!contentType.startsWith("multipart/form-data; boundary=")) {
      throw new Error(`${op.operationId} was sent as ${JSON.stringify(contentType)}, not multipart/form-data`);
    }
    const form = await request.formData();
    const out: Record<string, Array<string | FilePart>> = {};
    for (const [name, value] of form.entries()) {
      (out[name] ??= []).push(typeof value === "string" ? value : await filePart(value, name));
    }
    return out;
  }
  const text = await request.text();
  return text === "" ? undefined : (JSON.parse(text) as unknown);
}

/** What `sentBody` should read back for the arguments the test passed. */
export async function expectedBody(op: SpecOperation, body: Record<string, unknown> | undefined): Promise<unknown> {
  if (body === undefined || !op.requestBody) return undefined;
  if (op.requestBody.mediaType !== "multipart/form-data") return JSON.parse(JSON.stringify(body)) as unknown;
  const out: Record<string, Array<string | FilePart>> = {};
  for (const [name, value] of Object.entries(body)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined || item === null) continue;
      const part =
        item instanceof Blob
          ? await filePart(item, name)
          : typeof item === "object"
            ? JSON.stringify(item)
            : String(item);
      (out[name] ??= []).push(part);
    }
  }
  return out;
}
