/**
 * Place a call and wait for its final status with `makeCallAndWait`.
 *
 *   npm run example -- place-call-and-wait [--agent <id>] [--to +E164] [--from +E164] [--timeout-ms 600000] [--poll-ms 2000]
 *
 * A call moves through `queued → initiated → ringing → in-progress → call-disconnected → completed`; `completed`
 * arrives 2–3 minutes after `call-disconnected`, once the recording, cost and extractions are ready. Unanswered or
 * failed calls end in `busy`, `no-answer`, `balance-low`, `canceled`, `failed`, `stopped` or `error`
 * (`TERMINAL_EXECUTION_STATUSES`). The wait reads through the client (rate limiter, retries on 429 and 5xx), backs
 * off while nothing changes, and never places the call again. For many calls, use the status webhook instead.
 *
 * Exit status: 0 when the call completed, 1 when it ended otherwise, 124 when the timeout passed first.
 */
import { parseArgs } from "node:util";
// In your project: import { createBolnaClient, WaitTimeoutError } from "bolna-api-client";
import { createBolnaClient, WaitTimeoutError } from "../src/index.js";
import { fetchOption, runAsScript, withDefaults, type ExampleContext } from "./support/context.js";

const MOCK_AGENT_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

export async function main(context: ExampleContext): Promise<number> {
  const ctx = withDefaults(context);
  const { values } = parseArgs({
    args: ctx.args,
    options: {
      agent: { type: "string" },
      to: { type: "string" },
      from: { type: "string" },
      "timeout-ms": { type: "string", default: "600000" },
      "poll-ms": { type: "string", default: "2000" },
    },
  });
  const agentId = values.agent ?? (ctx.mock ? MOCK_AGENT_ID : undefined);
  const to = values.to ?? (ctx.mock ? "+10123456789" : undefined);
  if (agentId === undefined || to === undefined) {
    ctx.stderr.write("--agent <agent_id> and --to <+E.164 number> are required against the real API.\n");
    return 2;
  }
  const timeoutMs = Number(values["timeout-ms"]);
  const bolna = createBolnaClient({ baseUrl: ctx.baseUrl, apiKey: ctx.apiKey, ...fetchOption(ctx.fetch) });
  const started = Date.now();
  try {
    const { call, execution } = await bolna.makeCallAndWait(
      {
        agent_id: agentId,
        recipient_phone_number: to,
        ...(values.from === undefined ? {} : { from_phone_number: values.from }),
        user_data: { customer_name: "Bruce" },
      },
      {
        timeoutMs,
        pollIntervalMs: Number(values["poll-ms"]),
        onStatus: (e) => ctx.log(`  ${((Date.now() - started) / 1000).toFixed(1)} s: ${e.status}`),
      },
    );
    ctx.log(`Call ${call.execution_id ?? call.id} ended.`);
    ctx.log(
      `Final status: ${execution.status}` +
        (execution.conversation_duration == null ? "" : `, ${execution.conversation_duration} s of conversation`) +
        (execution.total_cost == null ? "" : `, cost ${execution.total_cost} cents`) +
        (execution.error_message ? `, error: ${execution.error_message}` : ""),
    );
    return execution.status === "completed" ? 0 : 1;
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    // The call goes on; bolna.waitForExecution(error.execution_id) resumes the wait.
    ctx.log(`No final status after ${timeoutMs} ms; the call may still be running (execution ${error.execution_id}).`);
    return 124;
  }
}

runAsScript(import.meta.url, main);
