/** Checks `startMockServer`'s options before anything starts, each refusal saying what is allowed. */
import { MockServerError } from "./prism.js";
import type { MockLimits } from "./state.js";
import type { MockWebhookOptions } from "./webhooks-out.js";

export interface CheckedOptions {
  port: number;
  host: string;
  stateful: boolean;
  timeScale: number;
  seed: number;
  history: number;
  webhooks: MockWebhookOptions;
  limits: MockLimits;
}

export const DEFAULT_MOCK_PORT = 4010;
const DEFAULT_HOST = "127.0.0.1";

function bad(message: string): never {
  throw new MockServerError("BAD_OPTION", message);
}

function checkCount(name: string, value: unknown, minimum: number): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= minimum)) {
    bad(`${name} must be an integer of at least ${minimum}; got ${JSON.stringify(value)}.`);
  }
}

export function checkOptions(options: {
  port?: number;
  host?: string;
  stateful?: boolean;
  timeScale?: number;
  seed?: number;
  history?: number;
  webhooks?: MockWebhookOptions;
  limits?: MockLimits;
}): CheckedOptions {
  const { port = DEFAULT_MOCK_PORT, host = DEFAULT_HOST, timeScale = 1, seed = 1, history = 200 } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    bad(`port must be an integer from 0 to 65535 (0: any free port); got ${String(port)}.`);
  }
  if (typeof host !== "string" || host.trim() === "") {
    bad(`host must be a host name or IP address; got ${JSON.stringify(host)}.`);
  }
  if (!(typeof timeScale === "number" && Number.isFinite(timeScale) && timeScale > 0)) {
    bad(`timeScale must be a number above 0 (1: a call takes about 3 s, 0.01: about 30 ms); got ${String(timeScale)}.`);
  }
  if (!Number.isSafeInteger(seed)) bad(`seed must be an integer; got ${String(seed)}.`);
  checkCount("history", history, 0);
  const webhooks = options.webhooks ?? {};
  const { duplicates = 0 } = webhooks;
  if (!(typeof duplicates === "number" && duplicates >= 0 && duplicates <= 1)) {
    bad(`webhooks.duplicates is a probability from 0 to 1; got ${String(duplicates)}.`);
  }
  const limits = options.limits ?? {};
  for (const name of ["agents", "executions", "batches"] as const) checkCount(`limits.${name}`, limits[name], 1);
  return { port, host, stateful: options.stateful === true, timeScale, seed, history, webhooks, limits };
}
