/**
 * Calls an agent takes while its executions are being read: each is created "now" on the server's clock, which
 * starts at `clockStart` (default: the dataset's end) and runs in real time, so every created call is newer than
 * the dataset's records. A created call copies a dataset record with a new id (ending in `f` and 11 hex digits,
 * never a dataset id), the creation time and status `queued`.
 */
import type { Execution } from "../../src/generated/schema.js";
import { naiveMicros } from "../../src/mock/executions.js";
import type { ExecutionDataset } from "./execution-dataset.js";

/** Whether an id is one of the created calls (never a dataset id). */
export function isCreatedCall(id: string): boolean {
  return /-f[0-9a-f]{11}$/.test(id);
}

export class CreatedCalls {
  readonly #dataset: ExecutionDataset;
  readonly #clockStartUs: number;
  readonly #startedAt = performance.now();
  /** Oldest first, with strictly increasing times. */
  readonly #calls: Array<{ us: number; record: Execution }> = [];

  constructor(dataset: ExecutionDataset, clockStart?: string) {
    this.#dataset = dataset;
    this.#clockStartUs = clockStart === undefined ? dataset.toUs : Date.parse(clockStart) * 1000;
  }

  get count(): number {
    return this.#calls.length;
  }

  create(): Execution {
    const elapsedUs = Math.floor((performance.now() - this.#startedAt) * 1000);
    const us = Math.max(this.#clockStartUs + elapsedUs, (this.#calls.at(-1)?.us ?? this.#clockStartUs) + 1);
    const n = this.#calls.length;
    const template = this.#dataset.record(n % this.#dataset.count);
    const id = `${template.id.slice(0, -12)}f${n.toString(16).padStart(11, "0")}`;
    const record = { ...template, id, created_at: naiveMicros(us), status: "queued" };
    this.#calls.push({ us, record });
    return record;
  }

  /** The created calls with fromUs ≤ creation ≤ toUs, newest first. */
  between(fromUs: number, toUs: number): Execution[] {
    return this.#calls
      .filter((call) => call.us >= fromUs && call.us <= toUs)
      .map((call) => call.record)
      .reverse();
  }
}
