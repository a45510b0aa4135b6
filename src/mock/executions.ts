/**
 * Makes the stateless Prism list an agent's executions the way a real server pages them, from the spec's named
 * examples, so that a `for await` walk or a bulk `exportExecutions` against the mock ends on its own.
 *
 * Prism answers every `GET /v2/agent/{agent_id}/executions` with the operation's first example, `firstPage`
 * (page 1 of 2, `has_more: true`), whatever page or window is asked for: a walk would read page 1 forever and an
 * export would list the same executions in every window. The mock therefore picks the example for each request
 * (Prism's `Prefer: example=<name>` header), statelessly, so a resumed export sees what the stopped one saw:
 *  - the example executions count as having happened `EXAMPLE_EXECUTIONS_AGE_MS` before the request. A listing
 *    whose `from`/`to` window holds that instant (or that has no window) is the two-page listing: page 1 is
 *    `firstPage`, page 2 is `lastPage` (`has_more: false`), later pages are `emptyPage`;
 *  - any other window is `emptyPage`. In an export, whose windows share only their edges, one window lists the
 *    three executions and the others are empty, so each execution comes out once.
 * A request that already says `Prefer`, or whose page or dates Prism will refuse anyway, is left alone.
 */
import { parseBolnaTimestamp } from "../extensions/datetime.js";

export type ExecutionsExample = "firstPage" | "lastPage" | "emptyPage";

/** The example executions took place this long before each request: "recent", whatever day the mock runs. */
export const EXAMPLE_EXECUTIONS_AGE_MS = 3_600_000;

const EXECUTIONS_LISTING = /^\/v2\/agent\/[^/]+\/executions\/?$/;

/** The instant a `from`/`to` value names, `null` when absent, `undefined` when it is not a date-time. */
function bound(value: string | null): number | null | undefined {
  if (value === null) return null;
  try {
    return parseBolnaTimestamp(value).getTime();
  } catch {
    return undefined;
  }
}

/** The example the mock should answer for this request, or `undefined` to let Prism choose. */
export function executionsExample(method: string, url: URL, now: number): ExecutionsExample | undefined {
  if (method.toUpperCase() !== "GET" || !EXECUTIONS_LISTING.test(url.pathname)) return undefined;
  const pageParam = url.searchParams.get("page_number") ?? "1";
  if (!/^[1-9]\d{0,8}$/.test(pageParam)) return undefined;
  const from = bound(url.searchParams.get("from"));
  const to = bound(url.searchParams.get("to"));
  if (from === undefined || to === undefined) return undefined;

  const happened = now - EXAMPLE_EXECUTIONS_AGE_MS;
  if ((from !== null && from > happened) || (to !== null && to < happened)) return "emptyPage";
  const page = Number(pageParam);
  return page === 1 ? "firstPage" : page === 2 ? "lastPage" : "emptyPage";
}
