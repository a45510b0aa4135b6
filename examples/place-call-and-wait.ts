/**
 * Place a call and wait for its final status by polling `getExecution`, with backoff and an overall timeout.
 *
 *   npm run example -- place-call-and-wait [--agent <id>] [--to +E164] [--from +E164] [--timeout-ms 600000] [--poll-ms 1500]
 *
 * A call moves through `queued → initiated → ringing → in-progress → call-disconnected → completed`; `completed`
 * is the final status of an answered call and arrives 2–3 minutes after `call-disconnected` (recording, cost and
 * extractions are filled in then). Unanswered or failed calls end in `busy`, `no-answer`, `balance-low`,
 * `canceled`, `failed`, `stopped` or `error`. Polling starts at `--poll-ms` (the official CLI polls every 1.5 s)
 * and backs off ×1.5 up to 15 s between reads, so a long call costs few requests. For many calls, use the status
 * webhook instead (see webhook-receiver.ts).
 *
 * Exit status: 0 when the call completed, 1 when it ended otherwise, 124 when the timeout passed first.
 * Against the mock, the first read already returns the spec's `completed` example.
 */
import { setTimeout as delay } from "node:timers/promises";
import { parseArgs } from "node:util";
// In your project: import { createBolnaClient, type Execution } from "bolna-api-client";
import { createBolnaClient, type Execution } from "../src/index.js";
import { fetchOption, runAsScript, withDefaults, type ExampleContext } from "./support/context.js";

/** Statuses after which nothing changes any more. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set([
  "completed",
  "busy",
  "no-answer",
  "balance-low",
  "canceled",
  "failed",
  "stopped",
  "error",
]);

const MOCK_AGENT_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const MAX_POLL_MS = 15_000;

export interface WaitOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** First wait between reads; multiplied by 1.5 after each read, up to 15 s. */
  pollMs: number;
  onStatus?: (execution: Execution) => void;
}

/** Reads the execution until it reaches a final status; `undefined` if `timeoutMs` passes first. */
export async function waitForFinalStatus(
  read: (signal: AbortSignal) => Promise<Execution>,
  { timeoutMs, pollMs, onStatus }: WaitOptions,
): Promise<Execution | undefined> {
  const signal = AbortSignal.timeout(timeoutMs);
  let wait = pollMs;
  let last: string | undefined;
  try {
    for (;;) {
      const execution = await read(signal);
      if (execution.status !== last) onStatus?.(execution);
      last = execution.status;
      if (FINAL_STATUSES.has(execution.status)) return execution;
      await delay(wait, undefined, { signal });
      wait = Math.min(wait * 1.5, MAX_POLL_MS);
    }
  } catch (error) {
    if (signal.aborted) return undefined; // the timeout fired during a read or a wait
    throw error;
  }
}

export async function main(context: ExampleContext): Promise<number> {
  const ctx = withDefaults(context);
  const { values } = parseArgs({
    args: ctx.args,
    options: {
      agent: { type: "string" },
      to: { type: "string" },
      from: { type: "string" },
      "timeout-ms": { type: "string", default: "600000" },
      "poll-ms": { type: "string", default: "1500" },
    },
  });
  const agentId = values.agent ?? (ctx.mock ? MOCK_AGENT_ID : undefined);
  const to = values.to ?? (ctx.mock ? "+10123456789" : undefined);
  if (agentId === undefined || to === undefined) {
    ctx.stderr.write("--agent <agent_id> and --to <+E.164 number> are required against the real API.\n");
    return 2;
  }
  const timeoutMs = Number(values["timeout-ms"]);
  const pollMs = Number(values["poll-ms"]);
  if (!(timeoutMs > 0) || !(pollMs > 0)) {
    ctx.stderr.write("--timeout-ms and --poll-ms must be positive numbers.\n");
    return 2;
  }

  const bolna = createBolnaClient({ baseUrl: ctx.baseUrl, apiKey: ctx.apiKey, ...fetchOption(ctx.fetch) });
  // makeCall is never retried once the request may have reached Bolna: a retry could dial the number twice.
  const call = await bolna.makeCall({
    agent_id: agentId,
    recipient_phone_number: to,
    ...(values.from === undefined ? {} : { from_phone_number: values.from }),
    user_data: { name: "Bruce" },
  });
  const executionId = call.execution_id ?? call.id; // the spec allows either key
  if (!executionId) {
    ctx.stderr.write(`The call was not queued: ${JSON.stringify(call)}\n`);
    return 1;
  }
  ctx.log(`Call ${call.status ?? "queued"}: execution ${executionId}. Waiting for its final status…`);

  const started = Date.now();
  const execution = await waitForFinalStatus(
    (signal) => bolna.getExecution({ execution_id: executionId }, { signal }),
    {
      timeoutMs,
      pollMs,
      onStatus: (e) => ctx.log(`  ${((Date.now() - started) / 1000).toFixed(1)} s: ${e.status}`),
    },
  );
  if (execution === undefined) {
    ctx.log(`No final status after ${timeoutMs} ms; the call may still be running (execution ${executionId}).`);
    return 124;
  }
  ctx.log(
    `Final status: ${execution.status}` +
      (execution.conversation_duration == null ? "" : `, ${execution.conversation_duration} s of conversation`) +
      (execution.total_cost == null ? "" : `, cost ${execution.total_cost} cents`) +
      (execution.error_message ? `, error: ${execution.error_message}` : ""),
  );
  return execution.status === "completed" ? 0 : 1;
}

runAsScript(import.meta.url, main);
