/**
 * Compile-time contract of the client, checked by `npm run typecheck` (tsc), never executed.
 * Each `@ts-expect-error` line must fail to compile; if one starts compiling, tsc reports the unused directive.
 */
import { expectTypeOf } from "vitest";
import {
  createBolnaClient,
  type BolnaClient,
  type Execution,
  type ExecutionPage,
  type OperationArgs,
  type PagePromise,
  type TtsVoice,
  type TtsVoicePage,
  type Violation,
  type ViolationPage,
} from "../../src/index.js";

declare const bolna: BolnaClient;
const agent_id = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const window = { from: "2026-01-01T00:00:00Z", to: "2026-01-07T00:00:00Z" };

export async function rawClientIsTypedFromPaths() {
  // @ts-expect-error: a path the spec does not have
  await bolna.GET("/v2/agents/all");
  // @ts-expect-error: a method the path does not have
  await bolna.DELETE("/v2/agent/all");
  // @ts-expect-error: missing the required path parameter
  await bolna.GET("/v2/agent/{agent_id}", { params: {} });
  // @ts-expect-error: missing the required `from`/`to` query parameters
  await bolna.GET("/v2/agent/{agent_id}/executions", { params: { path: { agent_id } } });
  await bolna.GET("/v2/agent/{agent_id}/executions", {
    // @ts-expect-error: a status is a string
    params: { path: { agent_id }, query: { ...window, status: 3 } },
  });
  await bolna.POST("/call", {
    // @ts-expect-error: a required body property is missing
    body: { agent_id },
  });
  // openapi-fetch infers `init` generically, so TypeScript's excess-property check does not reach a raw call's
  // body; the generated methods below (`bolna.makeCall`) do catch an extra property.

  const { data, error } = await bolna.GET("/v2/agent/{agent_id}/executions", {
    params: { path: { agent_id }, query: window },
  });
  if (data) expectTypeOf(data).toEqualTypeOf<ExecutionPage>();
  if (error) expectTypeOf(error).not.toBeAny();
}

export async function methodsAreTypedPerOperation() {
  // @ts-expect-error: missing `recipient_phone_number`
  await bolna.makeCall({ agent_id });
  // @ts-expect-error: an extra body property
  await bolna.makeCall({ agent_id, recipient_phone_number: "+10123456789", recipient: "x" });
  // @ts-expect-error: a bad enum value
  await bolna.listAgentExecutions({ agent_id, ...window, call_type: "sideways" });
  // @ts-expect-error: `created_at_gte` is the seed's name; the live API takes `from`/`to`
  await bolna.listAgentExecutions({ agent_id, created_at_gte: "2026-01-01T00:00:00Z" });

  const call = await bolna.makeCall({ agent_id, recipient_phone_number: "+10123456789", scheduled_at: new Date() });
  // Optional: the CLI has seen `id` in its place, so the spec requires neither.
  expectTypeOf(call.execution_id).toEqualTypeOf<string | undefined>();

  const agents = await bolna.listAgents();
  expectTypeOf(agents).toBeArray();
}

export async function paginationOnlyWherePaginated() {
  const pages = bolna.listAgentExecutions({ agent_id, ...window });
  expectTypeOf(pages).toEqualTypeOf<PagePromise<ExecutionPage, Execution>>();
  expectTypeOf(await pages).toEqualTypeOf<ExecutionPage>();
  for await (const execution of pages) expectTypeOf(execution).toEqualTypeOf<Execution>();
  // Other envelopes: the item type comes from the envelope property the spec names (`items` here).
  const voices = bolna.listTtsVoices({ provider_id: "p", model_id: "m" });
  expectTypeOf(voices).toEqualTypeOf<PagePromise<TtsVoicePage, TtsVoice>>();
  for await (const voice of voices) expectTypeOf(voice.voice_id).toEqualTypeOf<string>();
  expectTypeOf(bolna.listViolations({ status: "pending" })).toEqualTypeOf<PagePromise<ViolationPage, Violation>>();
  // @ts-expect-error: listAgents returns a bare array (a Promise), not a paginated iterable
  for await (const agent of bolna.listAgents()) void agent;
}

export function exportFiltersAreTypedFromTheSpec() {
  bolna.exportExecutions({ agent_id, from: window.from, status: "completed", call_type: "inbound" });
  // @ts-expect-error: `call_type` is a closed enum
  bolna.exportExecutions({ agent_id, from: window.from, call_type: "sideways" });
}

/** Open enums: any string is accepted, yet the known values stay literal types (editors complete them). */
export function openEnumsKeepTheirKnownValues() {
  // Exclude, not NonNullable: `NonNullable<T>` is `T & {}`, which TypeScript collapses with `string & {}` to `string`.
  type StatusFilter = Exclude<OperationArgs<"listAgentExecutions">["status"], undefined>;
  type ProviderFilter = Exclude<OperationArgs<"listAgentExecutions">["provider"], undefined>;
  expectTypeOf<Extract<StatusFilter, "completed">>().toEqualTypeOf<"completed">();
  expectTypeOf<Extract<ProviderFilter, "vobiz">>().toEqualTypeOf<"vobiz">();
  expectTypeOf<"a-status-added-later">().toMatchTypeOf<StatusFilter>();
  void bolna.listAgentExecutions({ agent_id, ...window, status: "prepared", provider: "sip-trunk" });
}

export function rateLimitBucketsAreTypedFromTheSpec() {
  createBolnaClient({ rateLimit: { limits: { "agent-executions": 250, call: 100 } } });
  // @ts-expect-error: a typo in a bucket name
  createBolnaClient({ rateLimit: { limits: { "agent-execution": 250 } } });
}
