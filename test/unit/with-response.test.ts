/**
 * `.withResponse()` on what the generated methods return: the parsed data together with the final `Response`
 * (status, headers), with plain `await` unchanged, over an injected fetch. Paginated methods give the first page.
 */
import { describe, expect, it } from "vitest";
import { APIPromise, createBolnaClient, NotFoundError, PagePromise } from "../../src/index.js";

/**
 * What a non-paginated generated method returns at runtime. The generated signatures still say `Promise<…>` until
 * the generator emits `APIPromise<…>`; this narrowing (checked at runtime by the second test) stands in for it.
 */
const api = <T>(call: Promise<T>): APIPromise<T> => call as APIPromise<T>;

const KEY = "bn-test-0123456789abcdef";
const AGENT = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

function page(page_number: number, has_more: boolean) {
  return { page_number, page_size: 1, total: 2, has_more, data: [{ id: `e${page_number}` }] };
}

/** Answers every call with a rate-limit header and a per-request id, and counts the requests. */
function server() {
  const urls: string[] = [];
  const fetch = async (request: Request) => {
    const url = new URL(request.url);
    urls.push(`${url.pathname}${url.search}`);
    const headers = { "x-ratelimit-remaining": "199", "x-request-id": `req-${urls.length}` };
    if (url.pathname.endsWith("/missing")) return Response.json({ message: "no such agent" }, { status: 404, headers });
    if (url.pathname.endsWith("/executions")) {
      const n = Number(url.searchParams.get("page_number"));
      return Response.json(page(n, n < 2), { headers });
    }
    return Response.json({ id: AGENT, agent_name: "Ava" }, { status: 200, headers });
  };
  const bolna = createBolnaClient({ apiKey: KEY, env: {}, fetch, rateLimit: false, maxRetries: 0 });
  return { bolna, urls };
}

describe("withResponse on a non-paginated method", () => {
  it("gives the data and the response's status and headers from one request", async () => {
    const { bolna, urls } = server();
    const { data, response } = await api(bolna.getAgent({ agent_id: AGENT })).withResponse();
    expect(data).toMatchObject({ id: AGENT, agent_name: "Ava" });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-ratelimit-remaining")).toBe("199");
    expect(urls).toEqual([`/v2/agent/${AGENT}`]);
  });

  it("leaves plain await unchanged, and awaiting after withResponse sends nothing more", async () => {
    const { bolna, urls } = server();
    const call = api(bolna.getAgent({ agent_id: AGENT }));
    expect(call).toBeInstanceOf(APIPromise);
    expect(call).toBeInstanceOf(Promise);
    const { data } = await call.withResponse();
    expect(await call).toEqual(data);
    expect(urls).toHaveLength(1);
  });

  it("rejects withResponse with the same typed error as await", async () => {
    const { bolna } = server();
    const call = api(bolna.getAgent({ agent_id: "missing" }));
    await expect(call.withResponse()).rejects.toBeInstanceOf(NotFoundError);
    await expect(call).rejects.toBeInstanceOf(NotFoundError);
  });

  it("supports catch and finally, which return plain promises", async () => {
    const { bolna } = server();
    let settled = false;
    const caught = bolna.getAgent({ agent_id: "missing" }).catch((error: unknown) => error);
    expect(caught).not.toBeInstanceOf(APIPromise);
    expect(await caught).toBeInstanceOf(NotFoundError);
    const data = await bolna.getAgent({ agent_id: AGENT }).finally(() => (settled = true));
    expect(settled).toBe(true);
    expect(data).toMatchObject({ id: AGENT });
  });
});

describe("withResponse on a paginated method", () => {
  it("gives the first page and its response; iterating reuses that page", async () => {
    const { bolna, urls } = server();
    const list = bolna.listAgentExecutions({
      agent_id: AGENT,
      from: "2026-01-01T00:00:00Z",
      to: "2026-01-02T00:00:00Z",
    });
    expect(list).toBeInstanceOf(PagePromise);
    const { data, response } = await list.withResponse();
    expect(data.page_number).toBe(1);
    expect(response.headers.get("x-request-id")).toBe("req-1");
    const ids: string[] = [];
    for await (const execution of list) ids.push(execution.id);
    expect(ids).toEqual(["e1", "e2"]);
    // Page 1 was requested once, by withResponse; the walk fetched only page 2.
    expect(urls.map((u) => new URL(u, "http://x").searchParams.get("page_number"))).toEqual(["1", "2"]);
  });

  it("is refused clearly for a PagePromise whose fetcher gives no Response", async () => {
    const list = new PagePromise(async () => page(1, false));
    await expect(list.withResponse()).rejects.toThrow(/no Response/);
    expect((await list).page_number).toBe(1);
  });
});
