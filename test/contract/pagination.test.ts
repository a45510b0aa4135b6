/**
 * Auto-pagination against the mock. Prism is stateless and answers every page with the first named example
 * (`has_more: true`), so a walk is steered with named examples: page 1 gets the default `firstPage`, later
 * pages get `Prefer: example=lastPage`. The guards are proven against the mock as it is: a server that never
 * advances, and (by echoing the asked-for page number into Prism's answer) a server that advances forever.
 */
import { describe, expect, inject, it } from "vitest";
import { BolnaError } from "../../src/index.js";
import { assertValid } from "./support/ajv.js";
import { allParamsParts, flatten } from "./support/args.js";
import { operations, type NamedExample, type Schema, type SpecOperation } from "./support/spec.js";
import { contractClient, recordingFetch, withHeaders, type Exchange, type Wire } from "./support/wire.js";

const baseUrl = inject("prismUrl");

interface Pagination {
  items: string;
  page_param: string;
  size_param: string;
}

const paginated = operations.filter((op) => op.raw["x-bolna-pagination"] !== undefined);

function pagination(op: SpecOperation): Pagination {
  return op.raw["x-bolna-pagination"] as Pagination;
}

function examplesOf(op: SpecOperation): { first: NamedExample; last: NamedExample; empty: NamedExample | undefined; schema: Schema } {
  const response = op.responses.find((r) => r.status === 200);
  const find = (pred: (v: { has_more: boolean; data: unknown[] }) => boolean) =>
    response?.examples.find((e) => pred(e.value as { has_more: boolean; data: unknown[] }));
  const first = response?.examples[0];
  const last = find((v) => !v.has_more && v.data.length > 0);
  if (!first || !last) throw new Error(`${op.operationId}: needs a first-page example and a last-page example (has_more: false)`);
  return { first, last, empty: find((v) => !v.has_more && v.data.length === 0), schema: response?.schema ?? {} };
}

function pageAsked(exchange: Exchange, op: SpecOperation): number {
  return Number(exchange.url.searchParams.get(pagination(op).page_param));
}

/** Page 1 gets the default example, every later page `Prefer: example=<last>`. */
function steeredWire(op: SpecOperation, lastExample: string): Wire {
  return recordingFetch({
    transform: (request) =>
      Number(new URL(request.url).searchParams.get(pagination(op).page_param)) >= 2 ? withHeaders(request, { Prefer: `example=${lastExample}` }) : request,
  });
}

type Items = AsyncIterable<unknown> & PromiseLike<unknown> & { pages(): AsyncIterable<unknown>; toArray(o: { limit: number }): Promise<unknown[]> };

function list(op: SpecOperation, wire: Wire, maxPages?: number): Items {
  const client = contractClient(baseUrl, wire, maxPages === undefined ? {} : { maxPages });
  const args = flatten(op, allParamsParts(op));
  delete args[pagination(op).page_param];
  return (client as unknown as Record<string, (a: object) => Items>)[op.operationId]?.(args) as Items;
}

describe("paginated operations", () => {
  it("are the operations marked x-bolna-pagination in the spec", () => {
    expect(paginated.map((op) => op.operationId)).toEqual(["listAgentExecutions"]);
  });

  describe.each(paginated.map((op) => [op.operationId, op] as const))("%s", (_id, op) => {
    const { first, last, empty, schema } = examplesOf(op);
    const items = pagination(op).items;
    const firstItems = (first.value as Record<string, unknown[]>)[items] ?? [];
    const lastItems = (last.value as Record<string, unknown[]>)[items] ?? [];

    it("walks the first page and the last page, yields the items of both, then stops", async () => {
      const wire = steeredWire(op, last.name);
      const seen: unknown[] = [];
      for await (const item of list(op, wire)) seen.push(item);
      expect(seen).toEqual([...firstItems, ...lastItems]);
      expect(wire.exchanges.map((e) => pageAsked(e, op))).toEqual([1, 2]);
      for (const exchange of wire.exchanges) {
        expect(exchange.status).toBe(200);
        expect(exchange.violations).toBeUndefined();
        assertValid(schema, exchange.body, `page ${pageAsked(exchange, op)}`);
      }
    });

    it("gives the envelopes with .pages() and a bounded .toArray()", async () => {
      const pagesWire = steeredWire(op, last.name);
      const envelopes: unknown[] = [];
      for await (const page of list(op, pagesWire).pages()) envelopes.push(page);
      expect(envelopes).toEqual([first.value, last.value]);

      const arrayWire = steeredWire(op, last.name);
      expect(await list(op, arrayWire).toArray({ limit: firstItems.length })).toEqual(firstItems);
      expect(arrayWire.exchanges, "no page beyond the one that completes the limit").toHaveLength(1);
    });

    it("awaiting gives the first page only", async () => {
      const wire = steeredWire(op, last.name);
      expect(await list(op, wire)).toEqual(first.value);
      expect(wire.exchanges).toHaveLength(1);
    });

    it.runIf(empty !== undefined)("stops after an empty page", async () => {
      const wire = recordingFetch({ transform: (r) => withHeaders(r, { Prefer: `example=${empty?.name ?? ""}` }) });
      const seen: unknown[] = [];
      for await (const item of list(op, wire)) seen.push(item);
      expect(seen).toEqual([]);
      expect(wire.exchanges).toHaveLength(1);
    });

    it("refuses to loop when the mock answers page 1 to every request (non-advancing page_number)", async () => {
      const wire = recordingFetch();
      const error = await list(op, wire).toArray({ limit: 10_000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BolnaError);
      expect((error as Error).message).toMatch(/Asked for page 2 but the server answered page 1 again/);
      expect(wire.exchanges.map((e) => pageAsked(e, op))).toEqual([1, 2]);
    });

    it("stops at maxPages when the mock always says has_more: true", async () => {
      // maxPages 1: the first page says has_more, and the guard fires before a second request.
      const single = recordingFetch();
      const error1 = await list(op, single, 1).toArray({ limit: 10_000 }).catch((e: unknown) => e);
      expect(error1).toBeInstanceOf(BolnaError);
      expect((error1 as Error).message).toMatch(/Stopped after reading 1 pages \(maxPages = 1\)/);
      expect(single.exchanges).toHaveLength(1);

      // A server that advances forever: Prism's first-page answer with the asked-for page number echoed.
      const endless = recordingFetch({
        respond: async (exchange, response) => {
          const body = { ...(exchange.body as object), page_number: pageAsked(exchange, op) };
          return Response.json(body, { status: response.status, headers: { "content-type": "application/json" } });
        },
      });
      const seen: unknown[] = [];
      const error3 = await (async () => {
        for await (const item of list(op, endless, 3)) seen.push(item);
      })().catch((e: unknown) => e);
      expect(error3).toBeInstanceOf(BolnaError);
      expect((error3 as Error).message).toMatch(/Stopped after reading 3 pages \(maxPages = 3\).*has_more: true/);
      expect(endless.exchanges.map((e) => pageAsked(e, op))).toEqual([1, 2, 3]);
      // The same records on every page are yielded once (de-duplicated by id).
      expect(seen).toEqual(firstItems);
    });
  });
});
