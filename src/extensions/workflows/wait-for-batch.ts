/**
 * `bolna.waitForBatch(batch_id, options)`: reads the batch with `getBatch` until its status is one of
 * `TERMINAL_BATCH_STATUSES`, and resolves with that batch. `onProgress` gets the `execution_status` counts each time
 * they change. The polling rules are `poll.ts`'s.
 */
import type { BolnaClient } from "../client.js";
import type { Batch } from "../../generated/schema.js";
import { WaitTimeoutError } from "../errors.js";
import { TERMINAL_BATCH_STATUSES, type WaitForBatchOptions } from "./index.js";
import { describeMs, poll, waitSettings } from "./poll.js";

const DEFAULTS = { timeoutMs: 2 * 60 * 60_000, pollIntervalMs: 5_000 };
const TERMINAL: ReadonlySet<string> = new Set(TERMINAL_BATCH_STATUSES);

/** The counts in a canonical order, so that a change of key order alone is not reported. */
function countsKey(counts: Readonly<Record<string, number>>): string {
  return JSON.stringify(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export async function waitForBatch(
  bolna: BolnaClient,
  batch_id: string,
  options: WaitForBatchOptions = {},
): Promise<Batch> {
  const { timeoutMs, pollIntervalMs } = waitSettings(options, DEFAULTS);
  let status: string | undefined;
  let counts: string | undefined;
  return poll<Batch>({
    read: (signal) => bolna.getBatch({ batch_id }, { signal }),
    observe(batch) {
      const current = batch.execution_status ?? {};
      const key = countsKey(current);
      const statusChanged = batch.status !== status;
      const countsChanged = key !== counts;
      status = batch.status;
      counts = key;
      if (statusChanged) options.onStatus?.(batch);
      if (countsChanged) options.onProgress?.(current, batch);
      return statusChanged || countsChanged;
    },
    isFinal: (batch) => batch.status !== undefined && TERMINAL.has(batch.status),
    timeoutMs,
    pollIntervalMs,
    signal: options.signal,
    timedOut: (last, cause) =>
      new WaitTimeoutError(
        `Batch ${batch_id} has not finished after ${describeMs(timeoutMs)} (last status: ` +
          `${last?.status ?? "not read yet"}). It goes on: wait again with waitForBatch("${batch_id}"), or stop it ` +
          "with stopBatch.",
        { timeoutMs, batch_id, ...(last ? { batch: last } : {}) },
        cause === undefined ? {} : { cause },
      ),
  });
}
