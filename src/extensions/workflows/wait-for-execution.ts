/**
 * `bolna.waitForExecution(execution_id, options)`: reads the execution with `getExecution` until its status is one
 * of `TERMINAL_EXECUTION_STATUSES`, and resolves with that execution. The polling rules are `poll.ts`'s.
 */
import type { BolnaClient } from "../client.js";
import type { Execution } from "../../generated/schema.js";
import { WaitTimeoutError } from "../errors.js";
import { TERMINAL_EXECUTION_STATUSES, type WaitForExecutionOptions } from "./index.js";
import { describeMs, poll, waitSettings } from "./poll.js";

const DEFAULTS = { timeoutMs: 15 * 60_000, pollIntervalMs: 2_000 };
const TERMINAL: ReadonlySet<string> = new Set(TERMINAL_EXECUTION_STATUSES);

/** Checks the options, so a caller that places a call first can refuse bad ones before dialling. */
export function executionWaitSettings(options: WaitForExecutionOptions): { timeoutMs: number; pollIntervalMs: number } {
  return waitSettings(options, DEFAULTS);
}

export async function waitForExecution(
  bolna: BolnaClient,
  execution_id: string,
  options: WaitForExecutionOptions = {},
): Promise<Execution> {
  const { timeoutMs, pollIntervalMs } = executionWaitSettings(options);
  let status: string | undefined;
  return poll<Execution>({
    read: (signal) => bolna.getExecution({ execution_id }, { signal }),
    observe(execution) {
      if (execution.status === status) return false;
      status = execution.status;
      options.onStatus?.(execution);
      return true;
    },
    isFinal: (execution) => TERMINAL.has(execution.status),
    timeoutMs,
    pollIntervalMs,
    signal: options.signal,
    timedOut: (last, cause) =>
      new WaitTimeoutError(
        `Execution ${execution_id} has no final status after ${describeMs(timeoutMs)} (last status: ` +
          `${last ? last.status : "not visible yet"}). The call may still be running: wait again with ` +
          `waitForExecution("${execution_id}"), or end it with stopCall.`,
        { timeoutMs, execution_id, ...(last ? { execution: last } : {}) },
        cause === undefined ? {} : { cause },
      ),
  });
}
