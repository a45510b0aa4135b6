/**
 * Coverage registry: which (operation, status) pairs of the spec were seen on the wire, and which named examples
 * were served. The expected set comes from the spec, so an operation or a response added to the spec without a
 * test that reaches it makes the final coverage assertion fail.
 */
import type { SpecOperation } from "./spec.js";

export interface CoverageReport {
  operations: { covered: number; total: number; missing: string[] };
  responses: { covered: number; total: number; missing: string[] };
  examples: { covered: number; total: number; missing: string[] };
}

export class Coverage {
  readonly #operations: readonly SpecOperation[];
  readonly #responses = new Set<string>();
  readonly #examples = new Set<string>();
  readonly #calls = new Set<string>();

  constructor(operations: readonly SpecOperation[]) {
    this.#operations = operations;
  }

  /** A response with `status` was received for `operationId` (called by the recording fetch). */
  recordResponse(operationId: string, status: number): void {
    this.#responses.add(`${operationId} ${status}`);
  }

  /** A test called the operation through the client and checked the outcome. */
  recordCall(operationId: string): void {
    this.#calls.add(operationId);
  }

  /** A named example (request or response) was sent or served and checked. */
  recordExample(operationId: string, where: string, name: string): void {
    this.#examples.add(`${operationId} ${where} ${name}`);
  }

  report(): CoverageReport {
    const operationIds = this.#operations.map((op) => op.operationId);
    const responses = this.#operations.flatMap((op) => op.responses.map((r) => `${op.operationId} ${r.status}`));
    const examples = this.#operations.flatMap((op) => [
      ...(op.requestBody?.examples ?? []).map((e) => `${op.operationId} request ${e.name}`),
      ...op.responses.flatMap((r) => r.examples.map((e) => `${op.operationId} ${r.status} ${e.name}`)),
    ]);
    const part = (all: string[], seen: Set<string>) => {
      const missing = all.filter((key) => !seen.has(key));
      return { covered: all.length - missing.length, total: all.length, missing };
    };
    return {
      operations: part(operationIds, this.#calls),
      responses: part(responses, this.#responses),
      examples: part(examples, this.#examples),
    };
  }
}
