/**
 * The workflow jobs, in one chunk the client imports the first time one of them is called, so a client that never
 * waits or runs a batch does not load them.
 */
export { makeCallAndWait } from "./make-call-and-wait.js";
export { runBatch } from "./run-batch.js";
export { waitForBatch } from "./wait-for-batch.js";
export { waitForExecution } from "./wait-for-execution.js";
