/**
 * `bolna-api-client/webhooks`: helpers for receiving Bolna's execution-status webhooks. A separate entry point
 * so that the payload schema and validator never weigh on the main client bundle.
 */
export {
  BOLNA_WEBHOOK_IPS,
  createWebhookDeduplicator,
  isBolnaWebhookIp,
  parseExecutionWebhook,
  WebhookValidationError,
} from "./extensions/webhooks.js";
export type { SchemaIssue, WebhookDeduplicator, WebhookIpOptions } from "./extensions/webhooks.js";
export { parseBolnaDuration } from "./extensions/duration.js";
