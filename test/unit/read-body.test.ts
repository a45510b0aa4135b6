/**
 * `readBody`: the transport's whole-body read. What it hands back must behave like the response it replaces.
 */
import { describe, expect, it } from "vitest";
import { ResponseTooLargeError } from "../../src/extensions/errors.js";
import { readBody } from "../../src/extensions/internal/read-body.js";

const request = { method: "GET", url: "https://api.bolna.ai/v2/agent/all" };
const never = new AbortController().signal;

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

describe("readBody", () => {
  it("keeps status, headers and every body method, each readable once", async () => {
    const original = new Response('{"a":1}', {
      status: 201,
      statusText: "Created",
      headers: { "content-type": "application/json", "content-length": "7", "x-request-id": "r1" },
    });
    const read = await readBody(original, 1024, request, never);
    expect(read.status).toBe(201);
    expect(read.statusText).toBe("Created");
    expect(read.ok).toBe(true);
    expect(read.headers.get("x-request-id")).toBe("r1");
    const copy = read.clone();
    expect(await read.json()).toEqual({ a: 1 });
    expect(read.bodyUsed).toBe(true);
    await expect(read.text()).rejects.toThrow(TypeError);
    expect(() => read.clone()).toThrow(TypeError);
    expect(new TextDecoder().decode(await copy.arrayBuffer())).toBe('{"a":1}');
  });

  it("keeps binary bodies byte for byte, and streams them on request", async () => {
    const bytes = new Uint8Array([0, 255, 128, 10, 13]);
    const original = new Response(bytes, { headers: { "content-type": "audio/mpeg", "content-length": "5" } });
    const read = await readBody(original, 1024, request, never);
    const copy = read.clone();
    expect([...new Uint8Array(await read.arrayBuffer())]).toEqual([...bytes]);
    expect((await copy.blob()).type).toBe("audio/mpeg");
    const streamed = await readBody(new Response(bytes), 1024, request, never);
    const reader = (streamed.body as ReadableStream<Uint8Array>).getReader();
    const chunks: number[] = [];
    for (let part = await reader.read(); !part.done; part = await reader.read()) chunks.push(...part.value);
    expect(chunks).toEqual([...bytes]);
  });

  it("reads a body of unknown length chunk by chunk, and stops past the limit with an excerpt", async () => {
    const read = await readBody(new Response(streamOf("[1,", "2,", "3]")), 1024, request, never);
    expect(await read.json()).toEqual([1, 2, 3]);
    const error = await readBody(new Response(streamOf("a".repeat(600), "b".repeat(600))), 1000, request, never).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as ResponseTooLargeError).body).toBe(`${"a".repeat(600)}${"b".repeat(600)}`);
  });

  it("gives a null-body status and an empty body no body", async () => {
    const empty = await readBody(new Response("", { headers: { "content-length": "0" } }), 1024, request, never);
    expect(empty.body).toBeNull();
    expect(await empty.text()).toBe("");
    const noContent = await readBody(new Response(null, { status: 204 }), 1024, request, never);
    expect(noContent.status).toBe(204);
    expect(noContent.body).toBeNull();
  });

  it("fails when the fetch is aborted mid-body, whether its stream errors or just closes", async () => {
    const erroring = new AbortController();
    const failing = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"partial": '));
        erroring.signal.addEventListener("abort", () => controller.error(erroring.signal.reason));
      },
    });
    const reading = readBody(new Response(failing), 1024, request, erroring.signal);
    erroring.abort(new Error("deadline"));
    await expect(reading).rejects.toThrow("deadline");

    const closing = new AbortController();
    const closed = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"partial": '));
        closing.signal.addEventListener("abort", () => controller.close());
      },
    });
    const cut = readBody(new Response(closed), 1024, request, closing.signal);
    closing.abort(new Error("caller"));
    await expect(cut).rejects.toThrow("caller");
  });
});
