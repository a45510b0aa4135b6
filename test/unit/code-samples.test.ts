/**
 * The API reference's `bolna.<method>(...)` samples (scripts/docs/code-samples.ts): one per operation, and every one
 * compiles against the client's real types (strict, as this repository compiles), so a sample cannot show a call
 * that would not type-check.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { addCodeSamples, literal, type CodeSample } from "../../scripts/docs/code-samples.js";
import { operationMetadata } from "../../src/generated/operations.js";
import { spec as bundledSpec } from "../contract/support/spec.js";

const ROOT = resolve(import.meta.dirname, "../..");

function samplesByOperation(): Map<string, CodeSample[]> {
  const spec = structuredClone(bundledSpec) as Record<string, never>;
  addCodeSamples(spec);
  const samples = new Map<string, CodeSample[]>();
  for (const item of Object.values(
    spec["paths"] as unknown as Record<string, Record<string, Record<string, unknown>>>,
  )) {
    for (const operation of Object.values(item)) {
      if (typeof operation["operationId"] === "string") {
        samples.set(operation["operationId"], operation["x-codeSamples"] as CodeSample[]);
      }
    }
  }
  return samples;
}

describe("API reference code samples", () => {
  const samples = samplesByOperation();

  it("gives every operation one TypeScript sample that calls its method", () => {
    expect([...samples.keys()].sort()).toEqual(Object.keys(operationMetadata).sort());
    for (const [operationId, list] of samples) {
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ lang: "TypeScript", label: "bolna-api-client" });
      expect(list[0]?.source).toContain(`bolna.${operationId}(`);
      expect(list[0]?.source).toContain('import { createBolnaClient } from "bolna-api-client";');
    }
  });

  it("writes example values as TypeScript literals", () => {
    expect(literal({ a: 1, "b-c": [true, null], d: 'x"y' })).toBe('{ a: 1, "b-c": [true, null], d: "x\\"y" }');
    expect(literal([])).toBe("[]");
    const wide = literal({ text: "a".repeat(80) });
    expect(wide).toBe(`{\n  text: "${"a".repeat(80)}",\n}`);
  });

  it("compiles, every sample, against the client's types", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bolna-samples-"));
    try {
      const files: string[] = [];
      for (const [operationId, [sample]] of samples) {
        const file = join(dir, `${operationId}.mts`);
        // The package's own name resolves to its build; the check runs against the sources instead.
        await writeFile(
          file,
          (sample?.source ?? "").replace('"bolna-api-client"', JSON.stringify(join(ROOT, "src/index.js"))),
        );
        files.push(file);
      }
      const config = ts.getParsedCommandLineOfConfigFile(
        join(ROOT, "tsconfig.json"),
        {},
        {
          ...ts.sys,
          onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
            throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
          },
        },
      );
      if (config === undefined) throw new Error("could not read tsconfig.json");
      const program = ts.createProgram(files, { ...config.options, noEmit: true, skipLibCheck: true });
      const problems = ts
        .getPreEmitDiagnostics(program)
        .map(
          (d) => `${d.file?.fileName.replace(dir, "") ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
        );
      expect(problems).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
