/**
 * `npm run example -- <name> [args…]`: runs `examples/<name>.ts` against the mock of the API (started on a
 * free loopback port and stopped afterwards), or against BOLNA_BASE_URL with BOLNA_API_KEY when both are set.
 * Without a name, lists the examples. Exits with the example's status.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ExampleContext } from "../examples/support/context.js";
import { startMockServer, type MockServer } from "../src/mock/server.js";

const EXAMPLES_DIR = resolve(import.meta.dirname, "../examples");

interface ExampleModule {
  main(ctx: ExampleContext): Promise<number>;
  /** `false` for examples that call no API (no mock is started for them). */
  usesApi?: boolean;
}

async function listExamples(): Promise<Array<{ name: string; summary: string }>> {
  const files = (await readdir(EXAMPLES_DIR)).filter((file) => file.endsWith(".ts")).sort();
  return Promise.all(
    files.map(async (file) => {
      const text = await readFile(join(EXAMPLES_DIR, file), "utf8");
      // The first sentence of the file's doc comment.
      const summary = /\/\*\*\s*\n\s*\*\s*(.+)/.exec(text)?.[1]?.trim() ?? "";
      return { name: file.replace(/\.ts$/, ""), summary };
    }),
  );
}

async function run(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const examples = await listExamples();
  if (name === undefined || name === "--help" || name === "-h") {
    console.log("Usage: npm run example -- <name> [args…]\n\nExamples:");
    const width = Math.max(...examples.map((e) => e.name.length));
    for (const e of examples) console.log(`  ${e.name.padEnd(width)}  ${e.summary}`);
    console.log("\nThey run against a local stateful mock unless BOLNA_BASE_URL and BOLNA_API_KEY are both set.");
    return 0;
  }
  if (!examples.some((e) => e.name === name)) {
    console.error(`Unknown example ${JSON.stringify(name)}. Known: ${examples.map((e) => e.name).join(", ")}.`);
    return 2;
  }

  const module = (await import(pathToFileURL(join(EXAMPLES_DIR, `${name}.ts`)).href)) as ExampleModule;
  const baseUrl = process.env["BOLNA_BASE_URL"]?.trim();
  const apiKey = process.env["BOLNA_API_KEY"]?.trim();
  let mock: MockServer | undefined;
  try {
    let ctx: ExampleContext;
    if (baseUrl && apiKey) {
      console.error(`Using ${baseUrl} with the key in BOLNA_API_KEY.`);
      ctx = { baseUrl, apiKey, args };
    } else if (module.usesApi === false) {
      ctx = { baseUrl: "http://127.0.0.1:9", apiKey: "unused", mock: true, args };
    } else {
      // Stateful, so a call progresses to a final status and a batch runs to its end (100× faster than live).
      mock = await startMockServer({ port: 0, stateful: true, timeScale: 0.01 });
      console.error(
        `Started a mock of the API at ${mock.url} (set BOLNA_BASE_URL and BOLNA_API_KEY to use the real API).`,
      );
      // Any key works against the mock; it only checks that one is sent.
      ctx = { baseUrl: mock.url, apiKey: "mock-key", mock: true, args };
    }
    return await module.main(ctx);
  } finally {
    await mock?.close();
  }
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  console.error(`Example failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  process.exitCode = 1;
}
