/**
 * The CSV encoding in-process: quoting of every character that needs it, columns from the spec's Execution schema,
 * and fields the spec does not list kept in `_extra` rather than dropped. Read back with an independent RFC 4180
 * reader.
 */
import { describe, expect, it } from "vitest";
import { columnsFor, createRowEncoder, csvCell, EXTRA_COLUMN } from "../../src/cli/csv.js";
import { listItemSchema } from "../../src/cli/spec.js";
import { parseCsv } from "./support/parse-csv.js";

describe("csvCell", () => {
  it.each([
    [null, ""],
    [undefined, ""],
    ["plain", "plain"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["line\nbreak", '"line\nbreak"'],
    ["cr\rlf", '"cr\rlf"'],
    [12.5, "12.5"],
    [false, "false"],
    [["x", "y"], '"[""x"",""y""]"'],
    [{ a: 1 }, '"{""a"":1}"'],
    ["  spaces kept  ", "  spaces kept  "],
  ])("%j → %s", (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});

describe("the Execution columns", () => {
  const columns = columnsFor(listItemSchema("listAgentExecutions", "data"));

  it("start with id, flatten described objects into dotted columns, end with _extra", () => {
    expect(columns[0]).toBe("id");
    expect(columns.at(-1)).toBe(EXTRA_COLUMN);
    expect(columns).toEqual(
      expect.arrayContaining([
        "telephony_data.duration",
        "cost_breakdown.llm",
        "context_details.recipient_phone_number",
      ]),
    );
    // A free-form object stays one column (its keys differ per agent).
    expect(columns).toContain("extracted_data");
    expect(columns.some((column) => column.startsWith("extracted_data."))).toBe(false);
    expect(new Set(columns).size).toBe(columns.length);
  });

  it("round-trip awkward values and keep unknown fields in _extra", () => {
    const encode = createRowEncoder(columns);
    const records = [
      {
        id: "e1",
        transcript: 'assistant: Hello, "Lucius"\nuser: yes, speaking\r\n',
        telephony_data: { duration: "42", provider: "twilio", carrier_region: "IN" },
        extracted_data: { interested: true, slot: "10,12" },
        brand_new_field: [1, "two"],
        cost_breakdown: null,
      },
      { id: "e2", telephony_data: "unexpected text", status: "completed" },
    ];
    const rows = parseCsv(records.map(encode).join(""));
    expect(rows).toHaveLength(2);
    const cell = (row: number, column: string) => rows[row]?.[columns.indexOf(column)];
    expect(rows.every((row) => row.length === columns.length)).toBe(true);
    expect(cell(0, "transcript")).toBe(records[0]?.transcript);
    expect(cell(0, "telephony_data.duration")).toBe("42");
    expect(JSON.parse(cell(0, "extracted_data") ?? "")).toEqual({ interested: true, slot: "10,12" });
    expect(cell(0, "cost_breakdown.llm")).toBe("");
    expect(JSON.parse(cell(0, EXTRA_COLUMN) ?? "")).toEqual({
      "telephony_data.carrier_region": "IN",
      brand_new_field: [1, "two"],
    });
    // A described object that came back as something else is kept too.
    expect(cell(1, "telephony_data.duration")).toBe("");
    expect(JSON.parse(cell(1, EXTRA_COLUMN) ?? "")).toEqual({ telephony_data: "unexpected text" });
    expect(cell(1, "status")).toBe("completed");
  });
});
