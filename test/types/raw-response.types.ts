/**
 * Compile-time contract of raw responses and of the promises the client returns, checked by tsc, never executed.
 */
import { expectTypeOf } from "vitest";
import type {
  APIPromise,
  BolnaClient,
  ExecutionPage,
  OperationData,
  PagePromise,
  WithResponse,
} from "../../src/index.js";

declare const bolna: BolnaClient;
const agent_id = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const window = { from: "2026-01-01T00:00:00Z", to: "2026-01-07T00:00:00Z" };

export async function paginatedWithResponseIsTheFirstPage() {
  const list = bolna.listAgentExecutions({ agent_id, ...window });
  const { data, response } = await list.withResponse();
  expectTypeOf(data).toEqualTypeOf<ExecutionPage>();
  expectTypeOf(data).toEqualTypeOf<Awaited<typeof list>>();
  expectTypeOf(response).toEqualTypeOf<Response>();
  // @ts-expect-error: withResponse gives the envelope, not the items
  void data.id;
}

export async function apiPromiseKeepsTheDataType() {
  type Agent = OperationData<"getAgent">;
  const call = null as unknown as APIPromise<Agent>;
  expectTypeOf(await call).toEqualTypeOf<Agent>();
  expectTypeOf(await call.withResponse()).toEqualTypeOf<WithResponse<Agent>>();
  expectTypeOf(call.withResponse()).resolves.toHaveProperty("response").toEqualTypeOf<Response>();
}

export function bothAreRealPromises() {
  expectTypeOf<PagePromise<ExecutionPage>>().toMatchTypeOf<Promise<ExecutionPage>>();
  expectTypeOf<APIPromise<number>>().toMatchTypeOf<Promise<number>>();
  const list = bolna.listAgentExecutions({ agent_id, ...window });
  // catch and finally derive plain promises of the first page.
  expectTypeOf(list.catch(() => null)).toEqualTypeOf<Promise<ExecutionPage | null>>();
  expectTypeOf(list.finally(() => undefined)).toEqualTypeOf<Promise<ExecutionPage>>();
}
