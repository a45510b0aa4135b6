/**
 * User-facing text says what the API does and what to do. Research provenance (which seed, which evidence source,
 * which ledger row) belongs only in openapi/RECONCILIATION.md; this test keeps it out of everything a user reads:
 * the spec's descriptions and summaries (they become JSDoc and the rendered reference), the generated modules
 * (their JSDoc is the hover text) and the README.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");

/**
 * The ledger's shorthand: seed numbers, evidence keys, facts-file sections and ledger rows. A seed is named by its
 * number (`seed 004`) or as a source (`the original seeds`); the bare word is also the mock's `seed` option.
 */
const PROVENANCE_PATTERNS: readonly { name: string; pattern: RegExp }[] = [
  { name: "seed reference", pattern: /\bseeds?\s+\d{3}\b|\b(?:original|source) seeds?\b/i },
  { name: "facts-file section", pattern: /§|\bfacts\s+(?:§|#|\d)/i },
  { name: "evidence key", pattern: /\b(?:SKL|CAPTURE|MCP|OAS|DOCS|OSS|WEB|CALEVATE)\b/ },
  { name: "ledger row", pattern: /\(#\d+\)|\bledger rows?\b|\brows? \d+\s*[–-]\s*\d+\b|\bx-bolna-ledger\b/i },
  { name: "reconciliation note", pattern: /\*\*Reconciliation\b/ },
];

interface Finding {
  where: string;
  name: string;
  text: string;
}

function findProvenance(where: string, text: string): Finding[] {
  return PROVENANCE_PATTERNS.flatMap(({ name, pattern }) => {
    const match = pattern.exec(text);
    if (match === null) return [];
    const start = Math.max(0, match.index - 40);
    return [{ where, name, text: text.slice(start, match.index + match[0].length + 40).replace(/\s+/g, " ") }];
  });
}

/** Every `description`/`summary`/`title` string of a JSON document, with its JSON pointer. */
function specText(node: unknown, pointer = "#"): { where: string; text: string }[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => specText(item, `${pointer}/${i}`));
  if (typeof node !== "object" || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) => {
    const where = `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    // Example values are sample data (an agent may well sell seeds), not text the user is told.
    if (key === "example" || (key === "examples" && Array.isArray(value))) return [];
    if (key === "value" && pointer.includes("/examples/")) return [];
    if ((key === "description" || key === "summary" || key === "title") && typeof value === "string") {
      return [{ where, text: value }];
    }
    return specText(value, where);
  });
}

function lineFindings(file: string, text: string): Finding[] {
  return text.split("\n").flatMap((line, i) => findProvenance(`${file}:${i + 1}`, line));
}

const report = (findings: Finding[]) => findings.map((f) => `${f.where} (${f.name}): …${f.text}…`).join("\n");

describe("no research provenance in user-facing text", () => {
  it("the patterns catch the ledger's shorthand and pass plain text", () => {
    for (const phrase of [
      "seed 004's example sends a naive timestamp",
      "seeds 000/001 spell it initiate",
      "the original seeds disagree",
      "confirmed live (facts §3.2)",
      "the OAS and SKL use the key name",
      "as captured (CAPTURE)",
      "see ledger row 12",
      "row (#35) says",
      "**Reconciliation.** The path is",
    ]) {
      expect(findProvenance("x", phrase), phrase).not.toEqual([]);
    }
    expect(findProvenance("x", "Lists the executions of an agent, newest first, 50 per page.")).toEqual([]);
    expect(findProvenance("x", "`seed: 7` (or --seed 7) makes the mock's runs the same.")).toEqual([]);
  });

  it("the bundled spec's descriptions, summaries and titles", () => {
    const spec = JSON.parse(readFileSync(join(ROOT, "src/generated/openapi.json"), "utf8")) as unknown;
    const texts = specText(spec);
    expect(texts.length).toBeGreaterThan(300);
    expect(report(texts.flatMap(({ where, text }) => findProvenance(where, text)))).toBe("");
  });

  it("the generated modules (their JSDoc is what editors show)", () => {
    const dir = join(ROOT, "src/generated");
    const files = readdirSync(dir).filter((name) => name.endsWith(".ts"));
    expect(files.length).toBeGreaterThanOrEqual(4);
    const findings = files.flatMap((name) =>
      lineFindings(`src/generated/${name}`, readFileSync(join(dir, name), "utf8")),
    );
    expect(report(findings)).toBe("");
  });

  it("the README", () => {
    expect(report(lineFindings("README.md", readFileSync(join(ROOT, "README.md"), "utf8")))).toBe("");
  });
});
