/**
 * `bolna.makeCallAndWait(args, options)`: `POST /call`, then `waitForExecution` on the execution it created.
 *
 * - `POST /call` is sent once. The transport never retries it once it may have reached Bolna (only a 429 or a
 *   connection refused before sending, which cannot have dialled), and nothing here sends it again, whatever the
 *   wait does.
 * - The wait's options are checked before the call is placed; if the call fails, nothing is polled.
 * - An error thrown by the wait (a `WaitTimeoutError`, an abort, an API error) carries `execution_id`, so the wait
 *   can be resumed with `waitForExecution(error.execution_id)`.
 */
import type { BolnaClient } from "../client.js";
import type { MakeCallArgs } from "../../generated/methods.js";
import { BolnaError } from "../errors.js";
import type { CallAndWaitResult, WaitForExecutionOptions } from "./index.js";
import { withId } from "./poll.js";
import { executionWaitSettings, waitForExecution } from "./wait-for-execution.js";

export async function makeCallAndWait(
  bolna: BolnaClient,
  args: MakeCallArgs,
  options: WaitForExecutionOptions = {},
): Promise<CallAndWaitResult> {
  executionWaitSettings(options);
  const call = await bolna.makeCall(args, options.signal ? { signal: options.signal } : {});
  const executionId = call.execution_id ?? call.id;
  if (!executionId) {
    throw new BolnaError(
      `POST /call succeeded but its answer has no execution_id (${JSON.stringify(call)}); the call may have been ` +
        "queued: look for it in listAgentExecutions before calling again.",
    );
  }
  try {
    return { call, execution: await waitForExecution(bolna, executionId, options) };
  } catch (error) {
    throw withId(error, "execution_id", executionId);
  }
}
