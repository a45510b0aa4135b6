/**
 * A date alone on the command line (`--from 2026-11-01`): the start of that UTC day for the start of a window, its
 * end for the end, in both the operation commands and `export`. In-process (no child), since only the flag
 * conversion is new: what the client then sends is checked through `prepareArguments`, as the command calls it.
 */
import { describe, expect, it } from "vitest";
import { parseExportArgs } from "../../src/cli/export-args.js";
import { operationArguments, operationOptions, parseFlags } from "../../src/cli/flags.js";
import * as argumentRules from "../../src/extensions/internal/argument-rules.js";
import { prepareArguments } from "../../src/extensions/internal/arguments.js";
import { ALL_OPERATIONS } from "../../src/extensions/internal/operation-table.js";

const found = ALL_OPERATIONS.find((meta) => meta.operationId === "listAgentExecutions");
if (found === undefined) throw new Error("listAgentExecutions is missing from the metadata");
const listing = found;

async function sentQuery(argv: string[]) {
  const { values } = parseFlags(argv, operationOptions(listing), "listAgentExecutions");
  const args = await operationArguments(listing, undefined, values);
  return prepareArguments(listing, args, argumentRules).query;
}

describe("a date without a time", () => {
  it("is the whole UTC day in an operation's window, the end rounded up so a record late that day is kept", async () => {
    const query = await sentQuery(["--agent-id", "a", "--from", "2026-11-01", "--to", "2026-11-01"]);
    expect([query.from, query.to]).toEqual(["2026-11-01T00:00:00.000Z", "2026-11-02T00:00:00.000Z"]);
  });

  it("keeps seven whole days inside the 7-day limit, and an eighth outside", async () => {
    const week = await sentQuery(["--agent-id", "a", "--from", "2026-11-01", "--to", "2026-11-07"]);
    expect(week.to).toBe("2026-11-08T00:00:00.000Z");
    await expect(sentQuery(["--agent-id", "a", "--from", "2026-11-01", "--to", "2026-11-08"])).rejects.toThrow(
      /at most 7 days/,
    );
  });

  it("is the start and the end of that UTC day in export", async () => {
    const command = await parseExportArgs(["--agent-id", "a", "--from", "2026-11-01", "--to", "2026-11-30"]);
    expect([command.from, command.to]).toEqual(["2026-11-01T00:00:00Z", "2026-11-30T23:59:59.999999Z"]);
  });

  it("leaves a full date-time as given", async () => {
    const query = await sentQuery(["--agent-id", "a", "--from", "2026-11-01T08:00:00", "--to", "2026-11-01T09:00Z"]);
    expect([query.from, query.to]).toEqual(["2026-11-01T08:00:00.000Z", "2026-11-01T09:00:00.000Z"]);
  });
});
