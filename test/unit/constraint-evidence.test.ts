/**
 * The spec may refuse a request only where Bolna's server refuses it too. Every constraint that can refuse a value
 * in what the client sends (`REFUSING_KEYWORDS`, anywhere in a parameter or request body schema) must carry
 * `x-bolna-ledger` naming a row of `openapi/RECONCILIATION.md`, where the evidence is recorded. The test names the
 * JSON pointer of each constraint without one.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bundledSpec, requestConstraints, type Constraint } from "./support/request-constraints.js";

/** The row numbers of the ledger's table. */
function ledgerRows(): Set<number> {
  const text = readFileSync(new URL("../../openapi/RECONCILIATION.md", import.meta.url), "utf8");
  return new Set([...text.matchAll(/^\| (\d+) \|/gm)].map((match) => Number(match[1])));
}

/** Why `constraint` has no evidence, or `undefined` when it cites an existing row. */
function missingEvidence(constraint: Constraint, rows: Set<number>): string | undefined {
  if (constraint.ledger === undefined) return "no x-bolna-ledger";
  if (typeof constraint.ledger !== "number" || !rows.has(constraint.ledger))
    return `x-bolna-ledger ${JSON.stringify(constraint.ledger)} is not a row of the ledger`;
  return undefined;
}

describe("request-side constraints", () => {
  const constraints = requestConstraints(bundledSpec());
  const rows = ledgerRows();

  it("finds the constraints it checks", () => {
    // A sanity floor: a walker that found nothing would pass the check below.
    expect(constraints.length).toBeGreaterThan(50);
    expect(rows.size).toBeGreaterThan(80);
  });

  it("each cite a ledger row with the evidence that the server refuses the value too", () => {
    const uncited = constraints.flatMap((constraint) => {
      const why = missingEvidence(constraint, rows);
      return why === undefined ? [] : [`${constraint.keyword} at #${constraint.pointer}: ${why}`];
    });
    expect(uncited).toEqual([]);
  });
});
