/**
 * Public surface of the package. Everything a user needs is exported here (or from `./webhooks`);
 * anything not listed is internal and may change without notice.
 */
export { APIPromise } from "./extensions/api-promise.js";
export type { WithResponse } from "./extensions/api-promise.js";
export { createBolnaClient, DEFAULT_BASE_URL } from "./extensions/client.js";
export type { BolnaClient, BolnaClientOptions, ExportOptions, ValidateResponses } from "./extensions/client.js";
export { parseBolnaTimestamp } from "./extensions/datetime.js";
export { defineAgent } from "./extensions/define-agent.js";
export { parseBolnaDuration } from "./extensions/duration.js";
export {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  BolnaError,
  BolnaInputError,
  ConfigurationError,
  ConflictError,
  ExportError,
  InternalServerError,
  InvalidResponseError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RedirectError,
  ResponseTooLargeError,
  UnprocessableEntityError,
  WaitTimeoutError,
} from "./extensions/errors.js";
export type { LogDetails, Logger, LogLevel } from "./extensions/logger.js";
export type {
  ExecutionExport,
  ExecutionFilters,
  ExportCheckpoint,
  ExportExecutionsOptions,
  ExportPlan,
  ExportProgress,
  ExportRetryOptions,
} from "./extensions/export/index.js";
export { PagePromise } from "./extensions/pagination.js";
export { downloadRecording, getRecordingUrl } from "./extensions/recordings.js";
export type {
  DownloadRecordingOptions,
  RecordingArgs,
  RecordingLeg,
  RecordingOptions,
} from "./extensions/recordings.js";
export type { FetchPage, PageEnvelope, PagePromiseOptions } from "./extensions/pagination.js";
export type { BolnaErrorOptions, RequestDescription, ResponseDrift, ResponseMismatch } from "./extensions/errors.js";
export type { Exact } from "./extensions/exact.js";
export type {
  OperationArgs,
  OperationData,
  PageItem,
  PaginatedResult,
  RequestOptions,
} from "./extensions/operation-types.js";
export type { OperationId, PaginatedOperationId, RateLimitBucket } from "./generated/operations.js";
export type * from "./generated/methods.js";
export { SDK_VERSION } from "./extensions/version.js";
export { TERMINAL_BATCH_STATUSES, TERMINAL_EXECUTION_STATUSES } from "./extensions/workflows/index.js";
export type {
  BatchContact,
  CallAndWaitResult,
  RunBatchArgs,
  RunBatchOptions,
  RunBatchResult,
  TerminalBatchStatus,
  TerminalExecutionStatus,
  WaitForBatchOptions,
  WaitForExecutionOptions,
  WaitOptions,
} from "./extensions/workflows/index.js";
export type * from "./generated/schema.js";
