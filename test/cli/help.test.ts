/**
 * `--help` is generated from the spec and the metadata: every operation is listed, every field has its flag, the
 * export's filters come from `listAgentExecutions`, and the exit statuses are documented. A few screens are checked
 * through the real command; the per-operation screens are checked in-process (forty child processes would add
 * nothing but time).
 */
import { describe, expect, it } from "vitest";
import { operationHelp } from "../../src/cli/help.js";
import { operationOptions } from "../../src/cli/flags.js";
import { operationDoc, operationDocs } from "../../src/cli/spec.js";
import { ALL_OPERATIONS } from "../../src/extensions/internal/operation-table.js";
import { operationMetadata } from "../../src/generated/operations.js";
import type { OperationMetadata } from "../../src/extensions/internal/metadata.js";
import { runCli } from "./support/run-cli.js";

const OPERATIONS: readonly OperationMetadata[] = ALL_OPERATIONS;
const flag = (name: string) => `--${name.replaceAll("_", "-")}`;

describe("bolna-api --help", () => {
  it("lists every operation with its summary, the commands, the configuration and the exit statuses", async () => {
    const result = await runCli(["--help"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    for (const meta of OPERATIONS) {
      const summary = operationDoc(meta.operationId)?.summary ?? "";
      expect(summary, meta.operationId).not.toBe("");
      expect(result.stdout).toMatch(
        new RegExp(`\\n {4}${meta.operationId} +${summary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`),
      );
    }
    expect(result.stdout).toContain("bolna-api export --agent-id ID --from ISO");
    expect(result.stdout).toContain("BOLNA_API_KEY");
    expect(result.stdout).toMatch(/ 2 +input/);
    expect(result.stdout).toMatch(/ 3 +authentication/);
    expect(result.stdout).toMatch(/ 4 +not found/);
    expect(result.stdout).toMatch(/ 5 +rate limited/);
  });

  it("with no arguments prints the same on stderr and exits 2", async () => {
    const [help, bare] = await Promise.all([runCli(["--help"]), runCli([])]);
    expect(bare).toMatchObject({ code: 2, stdout: "", stderr: help.stdout });
  });

  it("<operation> --help and help <operation> show the operation's flags", async () => {
    const [direct, viaHelp] = await Promise.all([runCli(["getExecution", "--help"]), runCli(["help", "getExecution"])]);
    expect(direct.code).toBe(0);
    expect(viaHelp.stdout).toBe(direct.stdout);
    expect(direct.stdout).toContain("bolna-api getExecution: Get an execution");
    expect(direct.stdout).toContain("GET /executions/{execution_id}");
    expect(direct.stdout).toMatch(/--execution-id <string> +Required\./);
  });

  it("export --help lists the filters of listAgentExecutions with their values", async () => {
    const result = await runCli(["export", "--help"]);
    expect(result.code).toBe(0);
    const listing = operationMetadata.listAgentExecutions;
    const filters = listing.fields.filter(
      (f) => f.in === "query" && !["page_number", "page_size", "from", "to"].includes(f.name),
    );
    expect(filters.map((f) => f.name).sort()).toEqual([
      "answered_by_voice_mail",
      "batch_id",
      "call_type",
      "provider",
      "status",
    ]);
    for (const filter of filters) expect(result.stdout).toContain(flag(filter.name));
    // Each filter's values: the metadata's enum where only those are allowed, else the values the spec suggests.
    const doc = operationDoc("listAgentExecutions");
    for (const filter of filters) {
      const values: readonly unknown[] =
        ("enum" in filter ? filter.enum : undefined) ?? doc?.fields.get(filter.name)?.knownValues ?? [];
      for (const value of values) expect(result.stdout).toContain(String(value));
    }
    expect(doc?.fields.get("status")?.knownValues).toEqual(
      expect.arrayContaining(["queued", "completed", "no-answer", "error"]),
    );
    for (const option of [
      "--format <jsonl|csv>",
      "--output",
      "--checkpoint",
      "--resume",
      "--max-retries",
      "--concurrency",
    ]) {
      expect(result.stdout).toContain(option);
    }
    expect(result.stdout).toContain("130  interrupted");
  });
});

describe("every operation's help, in-process", () => {
  it.each(OPERATIONS.map((meta) => [meta.operationId, meta] as const))("%s documents every field's flag", (_, meta) => {
    const text = operationHelp(meta, operationDoc(meta.operationId));
    expect(text).toContain(`${meta.method.toUpperCase()} ${meta.path}`);
    for (const field of meta.fields) expect(text).toContain(`${flag(field.name)} <`);
    if (meta.body) expect(text).toContain("--body JSON|@file.json|@-");
  });

  it("no field's flag collides with the options every command has", () => {
    for (const meta of OPERATIONS) {
      const names = meta.fields.map((field) => flag(field.name).slice(2));
      expect(
        names.filter((name) => ["base-url", "help", "body"].includes(name)),
        meta.operationId,
      ).toEqual([]);
      expect(Object.keys(operationOptions(meta))).toHaveLength(names.length + 2 + (meta.body ? 1 : 0));
    }
  });

  it("the spec documents every operation of the metadata, and only those", () => {
    expect([...operationDocs().keys()].sort()).toEqual(OPERATIONS.map((meta) => meta.operationId).sort());
  });

  it("file fields of multipart bodies are known from the spec", () => {
    expect(operationDoc("createBatch")?.fields.get("file")?.file).toEqual({ contentType: "text/csv" });
    expect(operationDoc("createKnowledgebase")?.fields.get("file")?.file).toEqual({ contentType: "application/pdf" });
    expect(operationDoc("createBatch")?.fields.get("retry_config")?.file).toBeUndefined();
  });
});
