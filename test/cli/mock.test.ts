/**
 * `bolna-api mock` as a child process, used by the other commands the way the help suggests: it prints its URL,
 * an export against it ends on its own with the spec's example executions (the mock pages listings like the real
 * API), and Ctrl-C stops it with status 0.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleExecutionIds } from "../support/spec-examples.js";
import { parseCsv } from "./support/parse-csv.js";
import { runCli, startCli, type CliProcess } from "./support/run-cli.js";

const AGENT_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

describe("bolna-api mock", () => {
  let mock: CliProcess;
  let url: string;

  beforeAll(async () => {
    mock = startCli(["mock", "--port", "0"]);
    for (let i = 0; ; i++) {
      const match = /ready on (http:\/\/\S+)/.exec(mock.stdout);
      if (match?.[1] !== undefined) {
        url = match[1];
        break;
      }
      if (mock.child.exitCode !== null || i > 1200)
        throw new Error(`the mock did not start:\n${mock.stdout}\n${mock.stderr}`);
      await new Promise((done) => setTimeout(done, 50));
    }
  }, 90_000);

  afterAll(async () => {
    if (mock.child.exitCode === null) mock.child.kill("SIGTERM");
    await mock.done;
  });

  it("prints its URL and how to point the other commands at it", () => {
    expect(mock.stdout).toContain(`export BOLNA_BASE_URL=${url} BOLNA_API_KEY=any-value`);
  });

  it("serves an export of 30 days that ends on its own, each example execution once", async () => {
    const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const result = await runCli(["export", "--agent-id", AGENT_ID, "--from", from, "--format", "csv"], {
      BOLNA_API_KEY: "any-value",
      BOLNA_BASE_URL: url,
    });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const [header, ...rows] = parseCsv(result.stdout);
    expect(header?.[0]).toBe("id");
    expect(rows.map((row) => row[0])).toEqual(exampleExecutionIds());
  });

  it("stops on Ctrl-C with status 0", async () => {
    mock.child.kill("SIGINT");
    const result = await mock.done;
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().endsWith("Mock stopped.")).toBe(true);
  });

  it("refuses a bad port with status 2, before starting anything", async () => {
    const result = await runCli(["mock", "--port", "http"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--port must be an integer from 0 to 65535");
  });

  it("refuses a stateful option without --stateful, and a bad time scale, with status 2", async () => {
    const alone = await runCli(["mock", "--port", "0", "--time-scale", "0.1"]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain("--time-scale applies to the stateful mock: add --stateful.");
    const zero = await runCli(["mock", "--port", "0", "--stateful", "--time-scale", "0"]);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain("timeScale must be a number above 0");
  });
});
