/**
 * Random server faults that are the same on every run: whether a request fails, and how, depends only on
 * (seed, the request's key, how many times that key was asked before), never on the order parallel requests
 * arrive in. A kind is picked by its relative weight: 500, 502 (an HTML body, as a proxy sends), 503, a 429 with
 * `Retry-After`, or a connection reset.
 */
import type { Fault } from "./fault-server.js";
import { tooManyRequests } from "./rate-window.js";
import { hashString, roll } from "./seeded-hash.js";

export type FaultKind = "500" | "502" | "503" | "429" | "reset";

export const FAULT_KINDS: readonly FaultKind[] = ["500", "502", "503", "429", "reset"];

export interface InjectedFaultOptions {
  /** Probability in [0, 1] that an answered request gets a fault. */
  rate: number;
  seed?: number;
  /** Relative weights. Default: all five equally; a kind left out of a given map never happens. */
  kinds?: Partial<Record<FaultKind, number>>;
  /** `retry-after-ms` sent with an injected 429 (its `Retry-After` is the same rounded up to seconds). Default 20. */
  retryAfterMs?: number;
}

function faultOf(kind: FaultKind, retryAfterMs: number): Fault {
  switch (kind) {
    case "reset":
      return { reset: true };
    case "429":
      return tooManyRequests(retryAfterMs, "Too many requests (injected)");
    case "502":
      return { status: 502, body: "<html><body>502 Bad Gateway</body></html>" };
    default:
      return { status: Number(kind), body: { detail: `Injected ${kind}` } };
  }
}

/** Returns the fault for the `attempt`-th asking (from 0) of `key`, or `undefined`; `onFault` counts them. */
export function createFaultInjector(
  options: InjectedFaultOptions,
  onFault: (kind: FaultKind) => void,
): (key: string, attempt: number) => Fault | undefined {
  const seed = options.seed ?? 7;
  const weights = FAULT_KINDS.map((kind) => Math.max(0, options.kinds?.[kind] ?? (options.kinds ? 0 : 1)));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const retryAfterMs = options.retryAfterMs ?? 20;
  return (key, attempt) => {
    if (options.rate <= 0 || weightSum === 0) return undefined;
    const keyHash = hashString(key);
    if (roll(seed, keyHash, attempt) >= options.rate) return undefined;
    let pick = roll(seed, keyHash, attempt, 1) * weightSum;
    const kind = FAULT_KINDS.find((_, k) => (pick -= weights[k] as number) < 0) ?? "reset";
    onFault(kind);
    return faultOf(kind, retryAfterMs);
  };
}
