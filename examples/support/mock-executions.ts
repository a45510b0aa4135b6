/**
 * A `fetch` wrapper that makes the Prism mock list executions the way a real server would, for the export.
 *
 * Why it is needed: Prism is stateless. Every `GET /v2/agent/{agent_id}/executions` gets the operation's first
 * named example, `firstPage` (two executions, `total: 5`, `has_more: true`), whatever window or page is asked for,
 * and its executions are dated January 2026, outside most windows. `exportExecutions` checks every answer against
 * its question (records inside the window asked for, `has_more` agreeing with `total` and the page) and would
 * rightly stop with an `ExportError`.
 *
 * So the wrapper answers the listing itself, from the spec's own example executions (those of the `firstPage` and
 * `lastPage` examples, fetched once from the mock with Prism's `Prefer` header). It moves them in time, keeping
 * their spacing, so that the newest is three days after the export's `from`; then, like the live API, it keeps those
 * with `from` ≤ `created_at` ≤ `to`, sorts them newest first and answers page `page_number` of `page_size`, with
 * `total` and `has_more`. Every other request goes to the mock unchanged. Only for the mock.
 */
import { parseBolnaTimestamp } from "../../src/index.js";

export type Fetch = (request: Request) => Promise<Response>;

const EXECUTIONS_LISTING = /\/v2\/agent\/[^/]+\/executions\/?$/;
const DAY_MS = 86_400_000;

interface Execution {
  id: string;
  created_at: string;
}

/** Microseconds since the epoch of a naive timestamp such as `2026-01-28T13:17:50.116924` (UTC). */
function micros(timestamp: string): number {
  const fraction = /\.(\d+)$/.exec(timestamp)?.[1] ?? "";
  return parseBolnaTimestamp(timestamp).getTime() * 1000 + Number(fraction.slice(3, 6).padEnd(3, "0"));
}

function naive(us: number): string {
  const ms = Math.floor(us / 1000);
  return `${new Date(ms).toISOString().slice(0, 23)}${String(us - ms * 1000).padStart(3, "0")}`;
}

export function isExecutionsListing(request: Request): boolean {
  return request.method === "GET" && EXECUTIONS_LISTING.test(new URL(request.url).pathname);
}

export function mockExecutionsFetch(exportFrom: Date | string, inner: Fetch = (request) => fetch(request)): Fetch {
  let executions: Promise<Execution[]> | undefined;

  /** The spec's example executions (spread over about a day), the newest three days after `exportFrom`. */
  async function load(request: Request): Promise<Execution[]> {
    const byId = new Map<string, Execution>();
    for (const example of ["firstPage", "lastPage"]) {
      const headers = new Headers(request.headers);
      headers.set("Prefer", `example=${example}`);
      const response = await inner(new Request(request, { headers }));
      for (const item of ((await response.json()) as { data: Execution[] }).data) byId.set(item.id, item);
    }
    const all = [...byId.values()];
    const newest = Math.max(...all.map((item) => micros(item.created_at)));
    const shift = (new Date(exportFrom).getTime() + 3 * DAY_MS) * 1000 - newest;
    return all.map((item) => ({ ...item, created_at: naive(micros(item.created_at) + shift) }));
  }

  return async (request) => {
    if (!isExecutionsListing(request)) return inner(request);
    executions ??= load(request);
    const query = new URL(request.url).searchParams;
    const from = Date.parse(query.get("from") ?? "") * 1000;
    const to = Date.parse(query.get("to") ?? "") * 1000;
    const page = Number(query.get("page_number") ?? "1");
    const size = Number(query.get("page_size") ?? "20");
    const matching = (await executions)
      .filter((item) => micros(item.created_at) >= from && micros(item.created_at) <= to)
      .sort((a, b) => micros(b.created_at) - micros(a.created_at));
    return Response.json({
      page_number: page,
      page_size: size,
      total: matching.length,
      has_more: page * size < matching.length,
      data: matching.slice((page - 1) * size, page * size),
    });
  };
}
