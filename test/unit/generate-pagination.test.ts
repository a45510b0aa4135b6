/**
 * The generator's reading of `x-bolna-pagination`: every name must exist with the right type in the operation, or
 * the build fails (a wrong name would make every walk of that operation fail at runtime).
 */
import { describe, expect, it } from "vitest";
import { readOperations } from "../../scripts/generate/read-operations.js";

/** A one-operation spec: `page`/`size` integer query parameters and a 200 envelope `{rows, more, at}`. */
function specWith(pagination: unknown): Record<string, unknown> {
  const integer = { type: "integer" };
  return {
    paths: {
      "/things": {
        get: {
          operationId: "listThings",
          "x-bolna-rate-limit": { bucket: "default", requests_per_minute: 1000 },
          "x-bolna-retry-safe": true,
          "x-bolna-pagination": pagination,
          parameters: [
            { name: "page", in: "query", schema: integer },
            { name: "size", in: "query", schema: integer },
            { name: "q", in: "query", schema: { type: "string" } },
          ],
          responses: {
            "200": {
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: { rows: { type: "array" }, more: { type: "boolean" }, at: integer, skip: integer },
                  },
                },
              },
            },
          },
        },
      },
    },
  };
}

const valid = { request: { page: "page", size: "size" }, response: { items: "rows", has_more: "more", page: "at" } };

describe("x-bolna-pagination in the generator", () => {
  it("reads a valid declaration into the runtime's rule", () => {
    const [op] = readOperations(specWith(valid));
    expect(op?.meta.pagination).toEqual({
      pageParam: "page",
      sizeParam: "size",
      items: "rows",
      hasMore: "more",
      position: { page: "at" },
    });
  });

  it("reads an envelope with nothing but its records", () => {
    const [op] = readOperations(specWith({ request: valid.request, response: { items: "rows" } }));
    expect(op?.meta.pagination).toMatchObject({ items: "rows", hasMore: null, position: null });
  });

  it.each([
    ["a missing request part", { response: valid.response }, /needs `request` and `response` objects/],
    [
      "an unknown key",
      { ...valid, response: { ...valid.response, cursor: "c" } },
      /takes string values for items, has_more, page, offset, limit only/,
    ],
    [
      "a page parameter the operation does not have",
      { ...valid, request: { page: "p", size: "size" } },
      /request\.page must name an integer query parameter/,
    ],
    [
      "a string query parameter as the page size",
      { ...valid, request: { page: "page", size: "q" } },
      /request\.size must name an integer query parameter/,
    ],
    ["no items", { ...valid, response: { has_more: "more" } }, /needs response\.items/],
    [
      "items that are not an array",
      { ...valid, response: { items: "more" } },
      /response\.items must name a property of type array/,
    ],
    [
      "has_more that is not a boolean",
      { ...valid, response: { items: "rows", has_more: "at" } },
      /response\.has_more must name a property of type boolean/,
    ],
    [
      "an offset without a limit",
      { ...valid, response: { items: "rows", offset: "skip" } },
      /needs response\.offset and response\.limit together/,
    ],
    [
      "both a page echo and an offset",
      { ...valid, response: { items: "rows", page: "at", offset: "skip", limit: "at" } },
      /not both/,
    ],
  ])("refuses %s", (_label, pagination, message) => {
    expect(() => readOperations(specWith(pagination))).toThrow(message);
  });
});
