/**
 * `bolna.exportExecutions()` loads the export's code on its first call (`internal/lazy-export.ts`): the options are
 * still checked before anything is sent, `to` left out is the moment of the call, and the checkpoint and the
 * iterate-once rule work as with the export module itself.
 */
import { describe, expect, it, vi } from "vitest";
import { BolnaError, BolnaInputError, createBolnaClient } from "../../src/index.js";

const AGENT = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const FROM = "2026-01-01T00:00:00.000Z";
const EMPTY_PAGE = { page_number: 1, page_size: 50, total: 0, has_more: false, data: [] };

function client() {
  const requests: string[] = [];
  const fetch = (request: Request) => {
    requests.push(request.url);
    return Promise.resolve(Response.json(EMPTY_PAGE));
  };
  return { requests, bolna: createBolnaClient({ apiKey: "k", env: {}, fetch, rateLimit: false }) };
}

describe("bolna.exportExecutions (loaded on first use)", () => {
  it("refuses bad options when iterating starts, before any request", async () => {
    const { requests, bolna } = client();
    const exported = bolna.exportExecutions({ agent_id: AGENT, from: FROM, pageSize: 51 });
    const iterator = exported[Symbol.asyncIterator]();
    const error: unknown = await iterator.next().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BolnaInputError);
    expect((error as BolnaInputError).field).toBe("pageSize");
    expect(requests).toEqual([]);
  });

  it("takes a left-out `to` as the moment of the call, and gives the checkpoint before and after iterating", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-01-02T00:00:00.000Z") });
    const { requests, bolna } = client();
    let exported;
    try {
      exported = bolna.exportExecutions({ agent_id: AGENT, from: FROM });
    } finally {
      vi.useRealTimers();
    }
    const records: unknown[] = [];
    for await (const record of exported) records.push(record);
    expect(records).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(exported.checkpoint.plan.to).toBe("2026-01-02T00:00:00.000Z");
    expect(exported.checkpoint.remaining).toEqual([]);
    // The code is loaded now, so a new export's checkpoint is there before iterating.
    const next = bolna.exportExecutions({ agent_id: AGENT, from: FROM, to: "2026-01-01T12:00:00Z" });
    expect(next.checkpoint.remaining).toHaveLength(1);
  });

  it("can be iterated once", async () => {
    const { bolna } = client();
    const exported = bolna.exportExecutions({ agent_id: AGENT, from: FROM, to: "2026-01-01T12:00:00Z" });
    for await (const _record of exported) break;
    const again: unknown = await exported[Symbol.asyncIterator]()
      .next()
      .catch((caught: unknown) => caught);
    expect(again).toBeInstanceOf(BolnaError);
    expect((again as Error).message).toContain("iterated once");
  });
});
