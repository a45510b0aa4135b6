/**
 * Every operation of the spec as the runtime reads it (see `expandOperations`). Built on first import and marked
 * pure, so a bundle that imports only an error class or a helper drops the operation table.
 */
import { operationMetadata, rateLimitBuckets } from "../../generated/operations.js";
import { expandOperations, type OperationMetadata } from "./metadata.js";

export const ALL_OPERATIONS: readonly OperationMetadata[] = /* @__PURE__ */ expandOperations(
  operationMetadata,
  rateLimitBuckets,
);
