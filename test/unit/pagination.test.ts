import { describe, expect, it } from "vitest";
import { BolnaError, BolnaInputError } from "../../src/extensions/errors.js";
import { PagePromise, type PageEnvelope } from "../../src/extensions/pagination.js";

interface Rec {
  id?: string;
  n: number;
}

type Page = PageEnvelope<Rec>;

const rec = (n: number): Rec => ({ id: `r${n}`, n });

/** A page whose echo, `has_more` and items the test sets; `total` and `page_size` are plausible fillers. */
function page(page_number: number, data: Rec[], has_more: boolean): Page {
  return { page_number, page_size: 2, total: 99, has_more, data };
}

/** A fake `fetchPage` answering from `pages` by requested number, recording every request. */
function fakeServer(pages: Record<number, Page | (() => Page)>) {
  const requests: number[] = [];
  const signals: Array<AbortSignal | undefined> = [];
  const fetchPage = async (pageNumber: number, signal?: AbortSignal): Promise<Page> => {
    requests.push(pageNumber);
    signals.push(signal);
    await Promise.resolve();
    const entry = pages[pageNumber];
    if (entry === undefined) throw new Error(`unexpected request for page ${pageNumber}`);
    return typeof entry === "function" ? entry() : entry;
  };
  return { fetchPage, requests, signals };
}

const threePages = () =>
  fakeServer({
    1: page(1, [rec(1), rec(2)], true),
    2: page(2, [rec(3), rec(4)], true),
    3: page(3, [rec(5)], false),
  });

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe("PagePromise", () => {
  it("awaits to the first page, requested lazily and once, and reuses it when iterated", async () => {
    const server = threePages();
    const list = new PagePromise(server.fetchPage);
    expect(server.requests).toEqual([]);
    const first = await list;
    expect(first.data.map((r) => r.n)).toEqual([1, 2]);
    expect((await collect(list)).map((r) => r.n)).toEqual([1, 2, 3, 4, 5]);
    expect(server.requests).toEqual([1, 2, 3]);
  });

  it("stops after a page that says has_more: false", async () => {
    const server = threePages();
    expect(await collect(new PagePromise(server.fetchPage))).toHaveLength(5);
    expect(server.requests).toEqual([1, 2, 3]);
  });

  it("refuses an empty page that says has_more: true instead of ending the walk short", async () => {
    const server = fakeServer({ 1: page(1, [rec(1)], true), 2: page(2, [], true) });
    const seen: Rec[] = [];
    const error = await (async () => {
      for await (const item of new PagePromise(server.fetchPage)) seen.push(item);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BolnaError);
    expect((error as Error).message).toBe(
      "Page 2 is empty but says has_more: true; stopping instead of returning fewer records than the server says there are.",
    );
    expect(seen).toEqual([rec(1)]);
    expect(server.requests).toEqual([1, 2]);
  });

  it("accepts an empty last page that says has_more: false", async () => {
    const server = fakeServer({ 1: page(1, [rec(1)], true), 2: page(2, [], false) });
    expect(await collect(new PagePromise(server.fetchPage))).toEqual([rec(1)]);
    expect(server.requests).toEqual([1, 2]);
  });

  it("refuses a server that jumps page_number ahead (asked for 2, answered 5) instead of skipping pages 2–4", async () => {
    const server = fakeServer({ 1: page(1, [rec(1), rec(2)], true), 2: page(5, [rec(9)], true) });
    const seen: number[] = [];
    const error = await (async () => {
      for await (const item of new PagePromise(server.fetchPage)) seen.push(item.n);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BolnaError);
    expect((error as Error).message).toMatch(
      /^Asked for page 2 but the server answered page 5; stopping instead of skipping/,
    );
    expect(seen, "nothing of the misplaced page is yielded").toEqual([1, 2]);
    expect(server.requests).toEqual([1, 2]);
  });

  it("checks the first page of a walk too (asked for 3, answered 5), but awaiting it alone returns it as served", async () => {
    const server = fakeServer({ 3: page(5, [rec(9)], true) });
    const list = new PagePromise(server.fetchPage, { firstPage: 3 });
    expect((await list).page_number).toBe(5);
    await expect(collect(list)).rejects.toThrow(/^Asked for page 3 but the server answered page 5/);
    expect(server.requests).toEqual([3]);
  });

  it("throws after maxPages against a server that always says has_more: true", async () => {
    let n = 0;
    const endless = async (pageNumber: number): Promise<Page> => page(pageNumber, [rec(++n)], true);
    const list = new PagePromise(endless, { maxPages: 5 });
    const seen: number[] = [];
    const error = await (async () => {
      try {
        for await (const item of list) seen.push(item.n);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(BolnaError);
    expect((error as Error).message).toContain("after reading 5 pages");
    expect((error as Error).message).toContain("has_more: true");
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it("uses 1 000 pages as the default guard", async () => {
    let requests = 0;
    const endless = async (pageNumber: number): Promise<Page> => {
      requests++;
      return page(pageNumber, [rec(pageNumber)], true);
    };
    await expect(collect(new PagePromise(endless))).rejects.toThrow("after reading 1000 pages");
    expect(requests).toBe(1000);
  });

  it("stops at once when the server answers the same page number again (a stateless mock)", async () => {
    const server = fakeServer({ 1: page(1, [rec(1)], true), 2: page(1, [rec(1)], true) });
    await expect(collect(new PagePromise(server.fetchPage))).rejects.toThrow(
      /^Asked for page 2 but the server answered page 1;/,
    );
    expect(server.requests).toEqual([1, 2]);
  });

  it("sends no further request when the loop breaks at the end of a page", async () => {
    const server = threePages();
    for await (const item of new PagePromise(server.fetchPage)) {
      if (item.n === 2) break;
    }
    expect(server.requests).toEqual([1]);
  });

  it("serves concurrent next() calls one page request at a time, each caller getting the next item", async () => {
    const server = threePages();
    const iterator = new PagePromise(server.fetchPage)[Symbol.asyncIterator]();
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map(() => iterator.next()));
    expect(results.map((r) => (r.done ? "done" : r.value.n))).toEqual([1, 2, 3, 4, 5, "done"]);
    expect(server.requests).toEqual([1, 2, 3]);
  });

  it("coalesces concurrent next() calls at a page boundary into one request", async () => {
    const server = threePages();
    const iterator = new PagePromise(server.fetchPage)[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    const [a, b] = await Promise.all([iterator.next(), iterator.next()]);
    expect([a.value, b.value]).toEqual([rec(3), rec(4)]);
    expect(server.requests).toEqual([1, 2]);
  });

  it("yields an id repeated across a page boundary once, and items without an id every time", async () => {
    const server = fakeServer({
      1: page(1, [rec(1), rec(2), { n: 0 }], true),
      2: page(2, [rec(2), rec(3), { n: 0 }], false),
    });
    const items = await collect(new PagePromise(server.fetchPage));
    expect(items).toEqual([rec(1), rec(2), { n: 0 }, rec(3), { n: 0 }]);
  });

  it("gives the raw envelopes through pages()", async () => {
    const server = threePages();
    const pages = await collect(new PagePromise(server.fetchPage).pages());
    expect(pages.map((p) => [p.page_number, p.has_more, p.data.length])).toEqual([
      [1, true, 2],
      [2, true, 2],
      [3, false, 1],
    ]);
  });

  it("passes the signal to every request", async () => {
    const server = threePages();
    const controller = new AbortController();
    await collect(new PagePromise(server.fetchPage, { signal: controller.signal }));
    expect(server.signals).toEqual([controller.signal, controller.signal, controller.signal]);
  });

  it("refuses a malformed envelope with a clear error", async () => {
    const broken = async (): Promise<Page> => ({ data: "nope" }) as unknown as Page;
    await expect(new PagePromise(broken)).rejects.toThrow(
      /page 1: `data` is not an array, `has_more` is not a boolean/,
    );
  });

  it("rejects the awaited page with the request's error", async () => {
    const failing = async (): Promise<Page> => {
      throw new Error("boom");
    };
    await expect(new PagePromise(failing)).rejects.toThrow("boom");
  });

  it("is a real Promise whose catch and finally see the first page, still fetched once", async () => {
    const server = threePages();
    const list = new PagePromise(server.fetchPage);
    expect(list).toBeInstanceOf(Promise);
    expect(server.requests).toEqual([]);
    let finished = 0;
    const first = await list.finally(() => (finished += 1));
    expect(first.page_number).toBe(1);
    expect(await list.catch(() => null)).toBe(first);
    expect(finished).toBe(1);
    const items = await list.toArray({ limit: 10 });
    expect(items.map((item) => item.n)).toEqual([1, 2, 3, 4, 5]);
    expect(server.requests).toEqual([1, 2, 3]);
  });

  it("derives plain promises, so then/catch/finally never start another walk", async () => {
    const list = new PagePromise(threePages().fetchPage);
    const derived = list.then((page) => page.page_number);
    expect(derived).not.toBeInstanceOf(PagePromise);
    expect(list.finally(() => undefined)).not.toBeInstanceOf(PagePromise);
    expect(await derived).toBe(1);
  });

  it("hands the request's error to catch, and runs finally before rethrowing it", async () => {
    const failing = async (): Promise<Page> => {
      throw new Error("boom");
    };
    const list = new PagePromise(failing);
    expect(await list.catch((error: unknown) => (error as Error).message)).toBe("boom");
    let ran = false;
    await expect(list.finally(() => (ran = true))).rejects.toThrow("boom");
    expect(ran).toBe(true);
  });

  it("refuses a maxPages that is not a positive integer", () => {
    expect(() => new PagePromise(threePages().fetchPage, { maxPages: 0 })).toThrow(BolnaInputError);
  });
});

describe("PagePromise.toArray", () => {
  it("stops requesting once it has the limit", async () => {
    const server = threePages();
    const items = await new PagePromise(server.fetchPage).toArray({ limit: 3 });
    expect(items.map((r) => r.n)).toEqual([1, 2, 3]);
    expect(server.requests).toEqual([1, 2]);
  });

  it("requests no page beyond one that completes the limit exactly", async () => {
    const server = threePages();
    expect(await new PagePromise(server.fetchPage).toArray({ limit: 2 })).toHaveLength(2);
    expect(server.requests).toEqual([1]);
  });

  it("returns everything when the list is shorter than the limit", async () => {
    const server = threePages();
    expect(await new PagePromise(server.fetchPage).toArray({ limit: 10_000 })).toHaveLength(5);
  });

  it.each([0, 10_001, 2.5, Number.NaN])("refuses limit %s before requesting anything", async (limit) => {
    const server = threePages();
    const error = await new PagePromise(server.fetchPage).toArray({ limit }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BolnaInputError);
    expect((error as BolnaInputError).field).toBe("limit");
    expect((error as Error).message).toContain("1 to 10000");
    expect(server.requests).toEqual([]);
  });

  it("refuses a call without options (plain JavaScript)", async () => {
    const list = new PagePromise(threePages().fetchPage) as unknown as { toArray(): Promise<unknown> };
    await expect(list.toArray()).rejects.toBeInstanceOf(BolnaInputError);
  });
});
