/**
 * The recording helpers against the mock: the spec's redirect is read, its Location returned, and the download
 * goes to the storage host with a request that carries none of the client's headers.
 */
import { describe, expect, inject, it } from "vitest";
import { downloadRecording, getRecordingUrl } from "../../src/index.js";
import { operation } from "./support/spec.js";
import { CONTRACT_API_KEY, contractClient, recordingFetch } from "./support/wire.js";

const baseUrl = inject("prismUrl");
const EXECUTION = "4c06b4d1-4096-4561-919a-4f94539c8d4a";

function documentedLocation(operationId: string): string {
  const redirect = operation(operationId).responses.find((r) => r.status === 302);
  return String(redirect?.headers.Location?.example);
}

describe.each([
  ["call", "getCallRecording"],
  ["transfer", "getTransferRecording"],
] as const)("the %s recording", (leg, operationId) => {
  it("getRecordingUrl returns the mock's Location and requests nothing else", async () => {
    const wire = recordingFetch();
    const url = await getRecordingUrl(contractClient(baseUrl, wire), { execution_id: EXECUTION, leg });
    expect(url.href).toBe(new URL(documentedLocation(operationId)).href);
    expect(wire.exchanges.map((e) => [e.operation?.operationId, e.status])).toEqual([[operationId, 302]]);
  });

  it("downloadRecording sends the storage request bare", async () => {
    const storage: Request[] = [];
    const bolna = contractClient(baseUrl, recordingFetch(), { headers: { "X-Team": "ops" } });
    const response = await downloadRecording(
      bolna,
      { execution_id: EXECUTION, leg },
      {
        fetch: async (request) => {
          storage.push(request);
          return new Response(new Uint8Array([1, 2, 3]), { headers: { "content-type": "audio/mpeg" } });
        },
      },
    );
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
    expect(storage.map((r) => r.url)).toEqual([new URL(documentedLocation(operationId)).href]);
    expect([...(storage[0]?.headers.keys() ?? [])]).toEqual([]);
    expect(storage[0]?.credentials).toBe("omit");
    expect(JSON.stringify([...(storage[0]?.headers.entries() ?? [])])).not.toContain(CONTRACT_API_KEY);
  });
});
