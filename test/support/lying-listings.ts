/**
 * Broken or lying executions listings, each a wrapper around an honest one (`stateful-listing.ts`), for checking
 * that the export fails loudly instead of returning a shorter or doubled result.
 *
 * Each `lie` takes the honest `listPage` and returns a listing that, from its `after`-th answer on (default 0,
 * i.e. from the first):
 * - `cachedByPath`: answers every request with the first answer it gave (a cache keyed on the path only);
 * - `ignoresPageNumber`: answers page 1 whatever `page_number` asks for;
 * - `jumpsPageNumber`: answers page n + 3 when asked for page n;
 * - `shrinkingTotal`: reports `total` 20 lower than the truth;
 * - `strayItem`: adds a record created a day after the window asked for;
 * - `endlessHasMore`: says `has_more: true` on every page;
 * - `hugeTotal`: says `total: 1e9` and `has_more: true` on every page;
 * - `emptyWithHasMore`: answers an empty page that says `has_more: true`.
 */
import { naiveMicros } from "../../src/mock/executions.js";
import type { ListingPage, ListingRequest } from "./stateful-listing.js";

export type ListPage = (query: ListingRequest) => Promise<ListingPage>;

export type Lie =
  | "cachedByPath"
  | "ignoresPageNumber"
  | "jumpsPageNumber"
  | "shrinkingTotal"
  | "strayItem"
  | "endlessHasMore"
  | "hugeTotal"
  | "emptyWithHasMore";

export const LIES: readonly Lie[] = [
  "cachedByPath",
  "ignoresPageNumber",
  "jumpsPageNumber",
  "shrinkingTotal",
  "strayItem",
  "endlessHasMore",
  "hugeTotal",
  "emptyWithHasMore",
];

export function lying(lie: Lie, honest: ListPage, after = 0): ListPage {
  let answered = 0;
  let cached: ListingPage | undefined;
  return async (query) => {
    const n = answered++;
    if (n < after) return honest(query);
    switch (lie) {
      case "cachedByPath":
        cached ??= await honest(query);
        return cached;
      case "ignoresPageNumber":
        return honest({ ...query, page_number: 1 });
      case "jumpsPageNumber":
        return honest({ ...query, page_number: query.page_number + 3 });
      case "shrinkingTotal": {
        const page = await honest(query);
        return { ...page, total: Math.max(0, page.total - 20) };
      }
      case "strayItem": {
        const page = await honest(query);
        const dayAfter = (Date.parse(query.to) + 86_400_000) * 1000;
        const stray = { id: `stray-${n}`, created_at: naiveMicros(dayAfter), status: "completed" };
        return { ...page, data: [...page.data.slice(0, -1), stray] };
      }
      case "endlessHasMore":
        return { ...(await honest(query)), has_more: true };
      case "hugeTotal":
        return { ...(await honest(query)), total: 1e9, has_more: true };
      case "emptyWithHasMore":
        return { ...(await honest(query)), data: [], has_more: true };
    }
  };
}
