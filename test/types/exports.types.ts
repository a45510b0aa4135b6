/**
 * Every type that appears in a public signature can be named by a user: imported from the package entry point.
 * A type missing from src/index.ts fails `tsc` here. Hovers show the named per-operation types, so these aliases
 * must be the very types the methods take and return.
 */
import type {
  APIPromise,
  BolnaClient,
  BolnaErrorOptions,
  CallStatus,
  Execution,
  ExecutionFilters,
  ExportCheckpoint,
  ExportExecutionsOptions,
  ExportPlan,
  ExportRetryOptions,
  FetchPage,
  GetExecutionArgs,
  GetCallRecordingResult,
  ListAgentExecutionsArgs,
  MakeCallArgs,
  PagePromiseOptions,
  PaginatedResult,
  RequestDescription,
} from "../../src/index.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assert = <T extends true>(): T => true as T;

// The generated methods are declared with the named types.
assert<Equal<Parameters<BolnaClient["makeCall"]>[0], MakeCallArgs>>();
assert<Equal<ReturnType<BolnaClient["makeCall"]>, APIPromise<CallStatus>>>();
assert<Equal<Parameters<BolnaClient["getExecution"]>[0], GetExecutionArgs>>();
assert<Equal<ReturnType<BolnaClient["getExecution"]>, APIPromise<Execution>>>();
assert<Equal<Awaited<ReturnType<BolnaClient["getCallRecording"]>>, GetCallRecordingResult>>();
assert<Equal<Parameters<BolnaClient["listAgentExecutions"]>[0], ListAgentExecutionsArgs>>();
assert<Equal<ReturnType<BolnaClient["listAgentExecutions"]>, PaginatedResult<"listAgentExecutions">>>();

// The export's public types are reachable from a checkpoint and the options.
assert<Equal<ExportCheckpoint["plan"], ExportPlan>>();
assert<Equal<NonNullable<ExportExecutionsOptions["retry"]>, ExportRetryOptions>>();
const filters: ExecutionFilters = {};

// Constructor and helper option types used by exported classes.
type Named = [BolnaErrorOptions, RequestDescription, PagePromiseOptions, FetchPage<unknown>];
const named: Named | undefined = undefined;

export { filters, named };
