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

export interface MockServerOptions {
  /** Port to listen on. Default 4010; 0 picks a free one (read it from `url`). */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Simulate Bolna (state, timelines, webhooks, batches) instead of answering fixed examples. Default false. */
  stateful?: boolean;
  /** Stateful: multiplies every delay (a completed call takes about 3 s at 1, 30 ms at 0.01). Default 1. */
  timeScale?: number;
  /** Stateful: makes ids, made-up call details, duplicates and the history the same on every run. Default 1. */
  seed?: number;
  /** Stateful: finished executions spread over the last 35 days, there from the start. Default 200. */
  history?: number;
  /** Stateful: how status webhooks are delivered (see ./webhooks-out.ts). */
  webhooks?: MockWebhookOptions;
  /** Stateful: caps on what is kept in memory; beyond one the oldest entries are dropped. */
  limits?: MockLimits;
}

export function checkOptions(options: MockServerOptions): CheckedOptions {
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

/** The command-line flags `npm run mock` and `bolna-api mock` share, as their parsers give them. */
export interface MockFlags {
  port?: string | undefined;
  host?: string | undefined;
  stateful?: boolean | undefined;
  "time-scale"?: string | undefined;
  seed?: string | undefined;
  history?: string | undefined;
  "allow-remote-webhooks"?: boolean | undefined;
}

/** The `parseArgs` descriptions of `MockFlags`. */
export const MOCK_FLAGS = {
  port: { type: "string", short: "p" },
  host: { type: "string" },
  stateful: { type: "boolean" },
  "time-scale": { type: "string" },
  seed: { type: "string" },
  history: { type: "string" },
  "allow-remote-webhooks": { type: "boolean" },
} as const;

const number = (flag: string, text: string): number => {
  if (!/^-?\d+(\.\d+)?$/.test(text)) bad(`--${flag} must be a number; got ${JSON.stringify(text)}.`);
  return Number(text);
};

/** `startMockServer`'s options from the flags, checked (a `BAD_OPTION` error names the flag at fault). */
export function mockOptionsFromFlags(flags: MockFlags): CheckedOptions {
  const { port, host, stateful = false } = flags;
  if (port !== undefined && (!/^\d+$/.test(port) || Number(port) > 65_535)) {
    bad(`--port must be an integer from 0 to 65535 (0 picks a free port); got ${JSON.stringify(port)}.`);
  }
  const statefulOnly = (["time-scale", "seed", "history", "allow-remote-webhooks"] as const).find(
    (flag) => flags[flag] !== undefined,
  );
  if (!stateful && statefulOnly !== undefined) bad(`--${statefulOnly} applies to the stateful mock: add --stateful.`);
  const read = (flag: "time-scale" | "seed" | "history") => {
    const text = flags[flag];
    return text === undefined ? undefined : number(flag, text);
  };
  const [timeScale, seed, history] = [read("time-scale"), read("seed"), read("history")];
  return checkOptions({
    ...(port === undefined ? {} : { port: Number(port) }),
    ...(host === undefined ? {} : { host }),
    stateful,
    ...(timeScale === undefined ? {} : { timeScale }),
    ...(seed === undefined ? {} : { seed }),
    ...(history === undefined ? {} : { history }),
    webhooks: { allowNonLoopback: flags["allow-remote-webhooks"] === true },
  });
}
