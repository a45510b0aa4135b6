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
import {
  addCodeSamples,
  codeSample,
  sampleLiteral,
  requestExampleNames,
  type CodeSample,
} from "../../scripts/docs/code-samples.js";
import { ALL_OPERATIONS } from "../../src/extensions/internal/operation-table.js";
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

/**
 * A sample for every named request example of every operation (the reference shows the first), or the default
 * sample where an operation has none: compiling them all type-checks every request example the spec gives,
 * the agent configurations included, against the client's types.
 */
function samplesOfEveryExample(samples: Map<string, CodeSample[]>): Array<[string, string]> {
  const spec = bundledSpec as unknown as Parameters<typeof codeSample>[2];
  const operations = new Map<string, Parameters<typeof codeSample>[1]>();
  for (const item of Object.values(spec["paths"] as Record<string, Record<string, Record<string, never>>>)) {
    for (const operation of Object.values(item)) {
      if (typeof operation["operationId"] === "string") operations.set(operation["operationId"], operation);
    }
  }
  return ALL_OPERATIONS.flatMap((meta): Array<[string, string]> => {
    const operation = operations.get(meta.operationId);
    if (operation === undefined) throw new Error(`${meta.operationId} is not in the bundled spec`);
    const names = requestExampleNames(meta, operation, spec);
    if (names.length === 0) return [[meta.operationId, samples.get(meta.operationId)?.[0]?.source ?? ""]];
    return names.map((name) => [`${meta.operationId}.${name}`, codeSample(meta, operation, spec, name).source]);
  });
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
    expect(sampleLiteral({ a: 1, "b-c": [true, null], d: 'x"y' })).toBe('{ a: 1, "b-c": [true, null], d: "x\\"y" }');
    expect(sampleLiteral([])).toBe("[]");
    const wide = sampleLiteral({ text: "a".repeat(80) });
    expect(wide).toBe(`{\n  text: "${"a".repeat(80)}",\n}`);
  });

  it("writes a sample for every named request example", () => {
    const sources = new Map(samplesOfEveryExample(samples));
    // The agent configurations of createAgent are the largest examples; each must become its own sample.
    for (const name of ["simple", "graph", "multilingual", "receptionist", "courierGraph", "helpline"]) {
      expect(sources.get(`createAgent.${name}`)).toContain("bolna.createAgent({");
    }
    expect(sources.get("createAgent.receptionist")).toContain('"Maple Dental front desk"');
    expect(sources.size).toBeGreaterThan(samples.size);
  });

  it("compiles, every sample and every request example, against the client's types", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bolna-samples-"));
    try {
      const files: string[] = [];
      for (const [name, source] of samplesOfEveryExample(samples)) {
        const file = join(dir, `${name}.mts`);
        // The package's own name resolves to its build; the check runs against the sources instead.
        await writeFile(file, source.replace('"bolna-api-client"', JSON.stringify(join(ROOT, "src/index.js"))));
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
      // Only the samples are checked: the client's own sources are `npm run typecheck`'s job, and checking every
      // function body of them again here took most of this test's time. The samples still resolve every type they
      // use from the sources.
      const problems = [
        ...program.getOptionsDiagnostics(),
        ...program.getGlobalDiagnostics(),
        ...files.flatMap((file) => {
          const source = program.getSourceFile(file);
          if (source === undefined) throw new Error(`${file} is not in the program`);
          return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
        }),
      ].map(
        (d) => `${d.file?.fileName.replace(dir, "") ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
      );
      expect(problems).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
