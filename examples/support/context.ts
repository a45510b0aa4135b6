/**
 * What every example's `main()` receives, and how an example file runs on its own.
 *
 * An example is a module with `export async function main(ctx: ExampleContext): Promise<number>` that returns an
 * exit status. `npm run example -- <name>` (scripts/example.ts) builds the context for the Prism mock or for the
 * URL and key in BOLNA_BASE_URL / BOLNA_API_KEY; tests build it themselves. Run directly
 * (`npx tsx examples/<name>.ts`), an example reads the two variables through `runAsScript`.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Where `progress` and diagnostics go: `process.stderr` or anything with the same two members. */
export interface TextSink {
  write(text: string): unknown;
  /** A progress bar is drawn only on a terminal; plain lines otherwise. */
  readonly isTTY?: boolean | undefined;
}

export interface ExampleContext {
  /** e.g. `http://127.0.0.1:4010` (the mock) or `https://api.bolna.ai`. */
  baseUrl: string;
  /** Sent in the Authorization header only; never printed. */
  apiKey: string;
  /**
   * True when `baseUrl` is the Prism mock. Prism is stateless and answers each operation's first named example,
   * so a few examples ask it for another example (with the `Prefer` header) where the default would not show the
   * use case. Default: true for a plain-http base URL (the client allows plain http only on this machine, where
   * the mock runs).
   */
  mock?: boolean | undefined;
  /** Command-line arguments after the example's name. */
  args?: readonly string[] | undefined;
  /** A line of normal output. Default `console.log`. */
  log?: ((line: string) => void) | undefined;
  /** Progress and warnings. Default `process.stderr`. */
  stderr?: TextSink | undefined;
  /** The `fetch` the client sends with (tests inject faults or capture requests). Default: the global `fetch`. */
  fetch?: ((request: Request) => Promise<Response>) | undefined;
}

/** The context with every default filled in. */
export function withDefaults(ctx: ExampleContext) {
  return {
    baseUrl: ctx.baseUrl,
    apiKey: ctx.apiKey,
    mock: ctx.mock ?? new URL(ctx.baseUrl).protocol === "http:",
    args: [...(ctx.args ?? [])],
    log: ctx.log ?? ((line: string) => console.log(line)),
    stderr: ctx.stderr ?? process.stderr,
    fetch: ctx.fetch,
  };
}

/** The `fetch` option for `createBolnaClient`, leaving it out when none was given (exactOptionalPropertyTypes). */
export function fetchOption(fetch: ExampleContext["fetch"]): { fetch?: (request: Request) => Promise<Response> } {
  return fetch ? { fetch } : {};
}

/**
 * Runs `main` when the module is the program (`npx tsx examples/<name>.ts …`), not when it is imported.
 * Needs BOLNA_BASE_URL and BOLNA_API_KEY; `npm run example -- <name>` starts a mock instead.
 */
export function runAsScript(moduleUrl: string, main: (ctx: ExampleContext) => Promise<number>): void {
  const entry = process.argv[1];
  if (entry === undefined || resolve(entry) !== fileURLToPath(moduleUrl)) return;
  const baseUrl = process.env["BOLNA_BASE_URL"]?.trim();
  const apiKey = process.env["BOLNA_API_KEY"]?.trim();
  if (!baseUrl || !apiKey) {
    console.error(
      "Set BOLNA_BASE_URL and BOLNA_API_KEY, or run `npm run example -- <name>`, which starts a local mock.",
    );
    process.exitCode = 2;
    return;
  }
  main({ baseUrl, apiKey, args: process.argv.slice(2) }).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      process.exitCode = 1;
    },
  );
}
