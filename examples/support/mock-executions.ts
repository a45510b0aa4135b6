/**
 * A `fetch` wrapper that makes the Prism mock answer an executions export the way a real server would.
 *
 * Why it is needed: Prism is stateless. Every `GET /v2/agent/{agent_id}/executions` gets the operation's first
 * named example, `firstPage` (`page_number: 1`, `total: 3`, `has_more: true`), whatever page or window is asked
 * for. Two things would go wrong in an export:
 *  - a window never ends: a real server eventually answers `has_more: false`, the mock never does, so the export
 *    would keep reading "more" pages until its safety limit (`MAX_PAGES_BEYOND_TOTAL`) turned the endless listing
 *    into an `ExportError`;
 *  - every window would list the same executions again, which no real server does (an execution falls in one
 *    window, or on the instant two windows share).
 * So the wrapper picks the example with Prism's `Prefer` header: the export's first window (the one starting at
 * `from`) gets `firstPage` for page 1 and `lastPage` (`has_more: false`) for page ≥ 2; every other window gets
 * `emptyPage`. Stateless too, so a resumed export sees the same answers as the run that stopped.
 *
 * Only for the mock: a real server must not be sent these headers.
 */
export type Fetch = (request: Request) => Promise<Response>;

const EXECUTIONS_LISTING = /\/v2\/agent\/[^/]+\/executions\/?$/;

export function mockExecutionsFetch(exportFrom: Date | string, inner: Fetch = (request) => fetch(request)): Fetch {
  const firstWindowStart = new Date(exportFrom).getTime();
  return (request) => {
    const url = new URL(request.url);
    if (request.method !== "GET" || !EXECUTIONS_LISTING.test(url.pathname)) return inner(request);
    const page = Number(url.searchParams.get("page_number") ?? "1");
    const windowStart = Date.parse(url.searchParams.get("from") ?? "");
    const example = windowStart !== firstWindowStart ? "emptyPage" : page >= 2 ? "lastPage" : "firstPage";
    const headers = new Headers(request.headers);
    headers.set("Prefer", `example=${example}`);
    return inner(new Request(request, { headers }));
  };
}
