/** Chunks read from a stream, joined into one array (the only chunk itself, when there is one). */
export function concatBytes<T extends Uint8Array>(chunks: readonly T[], size: number): T | Uint8Array<ArrayBuffer> {
  if (chunks.length === 1) return chunks[0] as T;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
