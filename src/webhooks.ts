/**
 * `bolna-api-client/webhooks`: receiving Bolna's execution-status webhooks. `createWebhookHandler` is a complete
 * receiver (sender check, secret, size cap, validation, de-duplication, typed handlers) for any server, with
 * `toNodeListener` for `node:http` and Express; the pieces it is built from are exported too. A separate entry
 * point so that the payload schema and validator never weigh on the main client bundle.
 */
export {
  BOLNA_WEBHOOK_IPS,
  createWebhookDeduplicator,
  isBolnaWebhookIp,
  parseExecutionWebhook,
  WebhookValidationError,
} from "./extensions/webhooks.js";
export type { SchemaIssue, WebhookDeduplicator, WebhookIpOptions } from "./extensions/webhooks.js";
export { createWebhookHandler, DEFAULT_WEBHOOK_MAX_BODY_BYTES } from "./extensions/webhook-handler.js";
export type {
  KnownExecutionStatus,
  WebhookHandler,
  WebhookHandlerOptions,
  WebhookRequestInfo,
  WebhookStatusHandlers,
} from "./extensions/webhook-handler.js";
export { createMemoryWebhookStore, DEFAULT_WEBHOOK_STORE_ENTRIES } from "./extensions/webhook-store.js";
export type { MemoryWebhookStore, WebhookClaim, WebhookStore } from "./extensions/webhook-store.js";
export { toNodeListener } from "./extensions/node-listener.js";
export type { NodeWebhookRequest, NodeWebhookResponse } from "./extensions/node-listener.js";
export { parseBolnaDuration } from "./extensions/duration.js";
