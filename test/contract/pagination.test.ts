/**
 * Auto-pagination against the mock, for every operation marked `x-bolna-pagination`, whatever its envelope. Prism is
 * stateless and answers every page with the first named example, so a walk is steered with named examples: page 1
 * gets the default (first) example, later pages `Prefer: example=<end>`, where the end is the example with
 * `has_more: false` and records (or, for an envelope without `has_more`, the empty page). The guards are proven
 * against the mock as it is (a server that ignores the page parameter) and against its answers rewritten: a server
 * that skips ahead, one that sends an empty page saying `has_more: true`, and one that never ends.
 */
import { describe, expect, inject, it } from "vitest";
import { BolnaError } from "../../src/index.js";
import { assertValid } from "./support/ajv.js";
import { allParamsParts, flatten } from "./support/args.js";
import { operations, type NamedExample, type Schema, type SpecOperation } from "./support/spec.js";
import { contractClient, recordingFetch, withHeaders, type Exchange, type Wire } from "./support/wire.js";

const baseUrl = inject("prismUrl");

interface Pagination {
  request: { page: string; size: string };
  response: { items: string; has_more?: string; page?: string; offset?: string; limit?: string };
}

type Body = Record<string, unknown>;

const paginated = operations.filter((op) => op.raw["x-bolna-pagination"] !== undefined);

function pagination(op: SpecOperation): Pagination {
  return op.raw["x-bolna-pagination"] as Pagination;
}

function itemsOf(op: SpecOperation, body: unknown): unknown[] {
  return ((body as Body)[pagination(op).response.items] as unknown[] | undefined) ?? [];
}

/** The first (default) example, the one that ends a walk, and an all-empty one when the envelope has `has_more`. */
function examplesOf(op: SpecOperation): {
  first: NamedExample;
  end: NamedExample;
  empty: NamedExample | undefined;
  schema: Schema;
} {
  const response = op.responses.find((r) => r.status === 200);
  const hasMore = pagination(op).response.has_more;
  const find = (pred: (value: Body) => boolean) => response?.examples.find((e) => pred(e.value as Body));
  const first = response?.examples[0];
  const end = hasMore
    ? find((v) => v[hasMore] === false && itemsOf(op, v).length > 0)
    : find((v) => itemsOf(op, v).length === 0);
  if (!first || !end) throw new Error(`${op.operationId}: needs a first-page example and one that ends the walk`);
  const empty = hasMore ? find((v) => v[hasMore] === false && itemsOf(op, v).length === 0) : undefined;
  return { first, end, empty, schema: response?.schema ?? {} };
}

function pageAsked(exchange: Exchange, op: SpecOperation): number {
  return Number(exchange.url.searchParams.get(pagination(op).request.page));
}

/** `body` moved to page `asked`: its echoed page number, or its offset at its own limit. */
function placed(op: SpecOperation, body: Body, asked: number): Body {
  const { page, offset, limit } = pagination(op).response;
  if (page) return { ...body, [page]: asked };
  if (offset && limit) return { ...body, [offset]: (asked - 1) * Number(body[limit]) };
  return body;
}

/** A wire whose answers for page ≥ 2 are rewritten by `rewrite(body, asked)`. */
function rewritingWire(op: SpecOperation, rewrite: (body: Body, asked: number) => Body): Wire {
  return recordingFetch({
    respond: async (exchange, response) => {
      const asked = pageAsked(exchange, op);
      const body = asked >= 2 ? rewrite(exchange.body as Body, asked) : exchange.body;
      return Response.json(body, { status: response.status });
    },
  });
}

/** Page 1 gets the default example, every later page `Prefer: example=<end>`. */
function steeredWire(op: SpecOperation, endExample: string): Wire {
  return recordingFetch({
    transform: (request) =>
      Number(new URL(request.url).searchParams.get(pagination(op).request.page)) >= 2
        ? withHeaders(request, { Prefer: `example=${endExample}` })
        : request,
  });
}

type Items = AsyncIterable<unknown> &
  PromiseLike<unknown> & { pages(): AsyncIterable<unknown>; toArray(o: { limit: number }): Promise<unknown[]> };

function list(op: SpecOperation, wire: Wire, maxPages?: number): Items {
  const client = contractClient(baseUrl, wire, maxPages === undefined ? {} : { maxPages });
  const args = flatten(op, allParamsParts(op));
  delete args[pagination(op).request.page];
  return (client as unknown as Record<string, (a: object) => Items>)[op.operationId]?.(args) as Items;
}

async function walk(items: AsyncIterable<unknown>): Promise<{ seen: unknown[]; error: unknown }> {
  const seen: unknown[] = [];
  try {
    for await (const item of items) seen.push(item);
    return { seen, error: undefined };
  } catch (error) {
    return { seen, error };
  }
}

describe("paginated operations", () => {
  it("are the operations marked x-bolna-pagination in the spec, one per envelope shape", () => {
    expect(paginated.map((op) => op.operationId).sort()).toEqual([
      "listAgentExecutions",
      "listTtsVoices",
      "listViolations",
    ]);
  });

  describe.each(paginated.map((op) => [op.operationId, op] as const))("%s", (_id, op) => {
    const { first, end, empty, schema } = examplesOf(op);
    const { has_more: hasMore, page: echo, offset } = pagination(op).response;
    const firstItems = itemsOf(op, first.value);
    const endItems = itemsOf(op, end.value);

    it("walks the first page and the page that ends the list, yields the items of both, then stops", async () => {
      const wire = steeredWire(op, end.name);
      const { seen, error } = await walk(list(op, wire));
      expect(error).toBeUndefined();
      expect(seen).toEqual([...firstItems, ...endItems]);
      expect(wire.exchanges.map((e) => pageAsked(e, op))).toEqual([1, 2]);
      for (const exchange of wire.exchanges) {
        expect(exchange.status).toBe(200);
        expect(exchange.violations).toBeUndefined();
        assertValid(schema, exchange.body, `page ${pageAsked(exchange, op)}`);
      }
    });

    it("gives the envelopes with .pages() and a bounded .toArray()", async () => {
      const envelopes: unknown[] = [];
      for await (const page of list(op, steeredWire(op, end.name)).pages()) envelopes.push(page);
      expect(envelopes).toEqual([first.value, end.value]);

      const arrayWire = steeredWire(op, end.name);
      expect(await list(op, arrayWire).toArray({ limit: firstItems.length })).toEqual(firstItems);
      expect(arrayWire.exchanges, "no page beyond the one that completes the limit").toHaveLength(1);
    });

    it("awaiting gives the first page only", async () => {
      const wire = steeredWire(op, end.name);
      expect(await list(op, wire)).toEqual(first.value);
      expect(wire.exchanges).toHaveLength(1);
    });

    it.runIf(empty !== undefined)("stops after an empty page that says has_more: false", async () => {
      const wire = recordingFetch({ transform: (r) => withHeaders(r, { Prefer: `example=${empty?.name ?? ""}` }) });
      expect(await walk(list(op, wire))).toEqual({ seen: [], error: undefined });
      expect(wire.exchanges).toHaveLength(1);
    });

    it("refuses to loop when the mock answers page 1 to every request (the page parameter ignored)", async () => {
      const wire = recordingFetch();
      const error = await list(op, wire)
        .toArray({ limit: 10_000 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BolnaError);
      expect((error as Error).message).toMatch(/^Asked for page 2 but the server answered/);
      expect(wire.exchanges.map((e) => pageAsked(e, op))).toEqual([1, 2]);
    });

    it.runIf(echo !== undefined || offset !== undefined)(
      "refuses a server that skips ahead (asked for 2, answered 5)",
      async () => {
        const wire = rewritingWire(op, (body) => placed(op, body, 5));
        const { seen, error } = await walk(list(op, wire));
        expect(error).toBeInstanceOf(BolnaError);
        expect((error as Error).message).toMatch(
          /^Asked for page 2 but the server answered .*stopping instead of skipping/,
        );
        expect(seen, "nothing of the misplaced page").toEqual(firstItems);
      },
    );

    it.runIf(hasMore !== undefined)("refuses an empty page that says has_more: true", async () => {
      const wire = rewritingWire(op, (body, asked) => ({
        ...placed(op, body, asked),
        [pagination(op).response.items]: [],
      }));
      const { seen, error } = await walk(list(op, wire));
      expect((error as Error).message).toMatch(/^Page 2 is empty but says has_more: true/);
      expect(seen).toEqual(firstItems);
    });

    it("stops at maxPages while the list does not end", async () => {
      // maxPages 1: the first page says the list goes on, and the guard fires before a second request.
      const single = recordingFetch();
      const error1 = await list(op, single, 1)
        .toArray({ limit: 10_000 })
        .catch((e: unknown) => e);
      expect(error1).toBeInstanceOf(BolnaError);
      expect((error1 as Error).message).toMatch(/^Stopped after reading 1 pages \(maxPages = 1\)/);
      expect(single.exchanges).toHaveLength(1);

      // A server that goes on forever: each answer placed at the page asked for; without a position in the
      // envelope, its records renamed per page so that the page is not a repeat of the previous one.
      const renamed = (body: Body, asked: number): Body =>
        echo !== undefined || offset !== undefined
          ? placed(op, body, asked)
          : {
              ...body,
              [pagination(op).response.items]: itemsOf(op, body).map((item) => ({
                ...(item as Body),
                id: `${String((item as Body).id)}-p${asked}`,
              })),
            };
      const endless = rewritingWire(op, renamed);
      const { seen, error } = await walk(list(op, endless, 3));
      expect(error).toBeInstanceOf(BolnaError);
      expect((error as Error).message).toMatch(/^Stopped after reading 3 pages \(maxPages = 3\)/);
      expect(endless.exchanges.map((e) => pageAsked(e, op))).toEqual([1, 2, 3]);
      // With a position, the same records come on every page and are yielded once (de-duplicated by id).
      expect(seen).toHaveLength(echo !== undefined || offset !== undefined ? firstItems.length : 3 * firstItems.length);
    });
  });
});
