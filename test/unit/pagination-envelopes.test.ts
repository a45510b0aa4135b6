/**
 * `PagePromise` over the envelopes other than the executions listing's: the offset envelope
 * `{data, total, limit, offset, has_more}` (violations) and the bare `{items}` envelope (voices), as the generated
 * metadata describes them.
 */
import { describe, expect, it } from "vitest";
import { BolnaError } from "../../src/extensions/errors.js";
import type { EnvelopeShape } from "../../src/extensions/internal/metadata.js";
import { PagePromise } from "../../src/extensions/pagination.js";
import { operationMetadata } from "../../src/generated/operations.js";

interface Rec {
  id: string;
}
const rec = (n: number): Rec => ({ id: `r${n}` });

function server<P>(pages: Record<number, P>) {
  const requests: number[] = [];
  const fetchPage = async (pageNumber: number): Promise<P> => {
    requests.push(pageNumber);
    await Promise.resolve();
    const answer = pages[pageNumber];
    if (answer === undefined) throw new Error(`unexpected request for page ${pageNumber}`);
    return answer;
  };
  return { fetchPage, requests };
}

async function outcome<T>(iterable: AsyncIterable<T>): Promise<{ items: T[]; error: unknown }> {
  const items: T[] = [];
  try {
    for await (const item of iterable) items.push(item);
    return { items, error: undefined };
  } catch (error) {
    return { items, error };
  }
}

describe("the offset envelope {data, total, limit, offset, has_more}", () => {
  interface OffsetPage {
    data: Rec[];
    total: number;
    limit: number;
    offset: number;
    has_more: boolean;
  }
  const shape: EnvelopeShape = { items: "data", hasMore: "has_more", position: { offset: "offset", limit: "limit" } };
  const at = (offset: number, data: Rec[], has_more: boolean): OffsetPage => ({
    data,
    total: 5,
    limit: 2,
    offset,
    has_more,
  });

  it("is how the spec describes listViolations", () => {
    const { pageParam, sizeParam, ...envelope } = operationMetadata.listViolations.pagination;
    expect({ pageParam, sizeParam }).toEqual({ pageParam: "page_number", sizeParam: "page_size" });
    expect(envelope).toEqual(shape);
  });

  it("walks pages whose offset is (n − 1) × limit until has_more is false", async () => {
    const s = server({ 1: at(0, [rec(1), rec(2)], true), 2: at(2, [rec(3), rec(4)], true), 3: at(4, [rec(5)], false) });
    const { items, error } = await outcome(new PagePromise<OffsetPage, Rec>(s.fetchPage, { envelope: shape }));
    expect(error).toBeUndefined();
    expect(items.map((r) => r.id)).toEqual(["r1", "r2", "r3", "r4", "r5"]);
    expect(s.requests).toEqual([1, 2, 3]);
  });

  it("refuses a page whose offset jumps ahead", async () => {
    const s = server({ 1: at(0, [rec(1), rec(2)], true), 2: at(8, [rec(9)], true) });
    const { items, error } = await outcome(new PagePromise<OffsetPage, Rec>(s.fetchPage, { envelope: shape }));
    expect(error).toBeInstanceOf(BolnaError);
    expect((error as Error).message).toMatch(
      /^Asked for page 2 but the server answered `offset` 8 \(at `limit` 2, page 2 starts at 2\)/,
    );
    expect(items.map((r) => r.id)).toEqual(["r1", "r2"]);
  });

  it("refuses a server that ignores page_number (offset 0 again)", async () => {
    const s = server({ 1: at(0, [rec(1), rec(2)], true), 2: at(0, [rec(1), rec(2)], true) });
    const { error } = await outcome(new PagePromise<OffsetPage, Rec>(s.fetchPage, { envelope: shape }));
    expect((error as Error).message).toMatch(/^Asked for page 2 but the server answered `offset` 0/);
    expect(s.requests).toEqual([1, 2]);
  });

  it("follows a limit the server capped: offsets are checked against the limit it reports", async () => {
    // Asked for pages of 100; the server caps them at 2, so page 2 starts at offset 2.
    const s = server({ 1: at(0, [rec(1), rec(2)], true), 2: at(2, [rec(3)], false) });
    const { items, error } = await outcome(new PagePromise<OffsetPage, Rec>(s.fetchPage, { envelope: shape }));
    expect(error).toBeUndefined();
    expect(items).toHaveLength(3);
  });

  it("refuses an empty page that says has_more: true", async () => {
    const s = server({ 1: at(0, [rec(1), rec(2)], true), 2: at(2, [], true) });
    const { error } = await outcome(new PagePromise<OffsetPage, Rec>(s.fetchPage, { envelope: shape }));
    expect((error as Error).message).toMatch(/^Page 2 is empty but says has_more: true/);
  });

  it("refuses a malformed envelope, naming the fields", async () => {
    const s = server({ 1: { data: [], has_more: false, limit: "2" } as unknown as OffsetPage });
    await expect(new PagePromise<OffsetPage, Rec>(s.fetchPage, { envelope: shape })).rejects.toThrow(
      "Unexpected response for page 1: `offset` is not a non-negative integer, `limit` is not a non-negative integer.",
    );
  });
});

describe("the {items} envelope (no has_more, no position)", () => {
  interface ItemsPage {
    items: Rec[];
  }
  const shape: EnvelopeShape = { items: "items", hasMore: null, position: null };
  const of = (...ns: number[]): ItemsPage => ({ items: ns.map(rec) });

  it("is how the spec describes listTtsVoices", () => {
    const { pageParam, sizeParam, ...envelope } = operationMetadata.listTtsVoices.pagination;
    expect({ pageParam, sizeParam }).toEqual({ pageParam: "page", sizeParam: "page_size" });
    expect(envelope).toEqual(shape);
  });

  it("ends at the first empty page, not at a short one (the server may cap the page size)", async () => {
    const s = server({ 1: of(1, 2), 2: of(3), 3: of() });
    const { items, error } = await outcome(new PagePromise<ItemsPage, Rec>(s.fetchPage, { envelope: shape }));
    expect(error).toBeUndefined();
    expect(items.map((r) => r.id)).toEqual(["r1", "r2", "r3"]);
    expect(s.requests).toEqual([1, 2, 3]);
  });

  it("an empty first page is an empty list after one request", async () => {
    const s = server({ 1: of() });
    expect((await outcome(new PagePromise<ItemsPage, Rec>(s.fetchPage, { envelope: shape }))).items).toEqual([]);
    expect(s.requests).toEqual([1]);
  });

  it("refuses a page that repeats the previous page's records (the page parameter was ignored)", async () => {
    const s = server({ 1: of(1, 2), 2: of(1, 2) });
    const { items, error } = await outcome(new PagePromise<ItemsPage, Rec>(s.fetchPage, { envelope: shape }));
    expect(error).toBeInstanceOf(BolnaError);
    expect((error as Error).message).toMatch(/^Asked for page 2 but the server answered the records of page 1 again/);
    expect(items).toHaveLength(2);
  });

  it("stops at maxPages while pages keep coming, saying the list had not ended", async () => {
    let n = 0;
    const endless = async (): Promise<ItemsPage> => of(++n);
    const { items, error } = await outcome(new PagePromise<ItemsPage, Rec>(endless, { envelope: shape, maxPages: 4 }));
    expect((error as Error).message).toBe(
      "Stopped after reading 4 pages (maxPages = 4): the list had not ended (no empty page yet). Raise maxPages or narrow the query.",
    );
    expect(items).toHaveLength(4);
  });
});
