/**
 * `npm run docs`: renders the HTML API reference of the spec to `build/docs/index.html`.
 *
 * - Runs the pinned `@redocly/cli` from node_modules with this Node (`process.execPath`), never through npx.
 * - `--inlineBundle` puts Redoc's JavaScript inside the page. Without it the page loads Redoc from
 *   cdn.redocly.com to hydrate, which fails offline (reference/toolchain.md §2.1).
 * - Telemetry is off (`REDOCLY_TELEMETRY=off`). Redocly's Node-20 and Redoc-3 banners are left out of the
 *   error message.
 *
 * The browser test (test/browser/docs.test.ts) imports `buildDocs` and `bundleSpec` from here, so the test and
 * `npm run docs` use the same command.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);

/** The repository root (this file is in `scripts/`). */
export const ROOT = resolve(import.meta.dirname, "..");
/** The API name from redocly.yaml. */
export const DOCS_API = "bolna";
export const DOCS_OUTPUT = resolve(ROOT, "build/docs/index.html");

export interface BuildDocsOptions {
  /** An API name from redocly.yaml, or a path to a spec file. Default `bolna`. */
  api?: string;
  /** Where to write the page. Default `build/docs/index.html` in the repository. */
  output?: string;
}

export interface BuildDocsResult {
  /** Absolute path of the page. */
  output: string;
  bytes: number;
}

interface RedoclyRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runRedocly(args: readonly string[]): Promise<RedoclyRun> {
  const cli = require.resolve("@redocly/cli/bin/cli.js");
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, REDOCLY_TELEMETRY: "off", FORCE_COLOR: "0", NO_COLOR: "1" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", fail);
    child.once("close", (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

/** Redocly's output without its boxed banners (Node 20 deprecation, Redoc 3 notice) and blank lines. */
function withoutBanners(text: string): string {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "" && !/^\s*[╔║╚]/.test(line))
    .join("\n");
}

function failure(what: string, run: RedoclyRun): Error {
  const status = run.code === null ? `was killed by ${run.signal ?? "a signal"}` : `exited with code ${run.code}`;
  const output = withoutBanners(`${run.stdout}\n${run.stderr}`) || "(no output)";
  return new Error(`Redocly ${what} failed: the CLI ${status}.\n${output}`);
}

/** Renders the API reference with `redocly build-docs <api> --inlineBundle`. Throws if Redocly fails. */
export async function buildDocs(options: BuildDocsOptions = {}): Promise<BuildDocsResult> {
  const api = options.api ?? DOCS_API;
  const output = resolve(ROOT, options.output ?? DOCS_OUTPUT);
  const run = await runRedocly(["build-docs", api, "--inlineBundle", "-o", output]);
  if (run.code !== 0) throw failure(`build-docs ${api}`, run);
  const bytes = await stat(output).then(
    (info) => info.size,
    () => 0,
  );
  if (bytes === 0) throw failure(`build-docs ${api} (no page was written to ${output})`, run);
  return { output, bytes };
}

/** The spec as one JSON document (`redocly bundle <api> --ext json`), e.g. to list its operations. */
export async function bundleSpec(api: string = DOCS_API): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), "bolna-docs-"));
  try {
    const out = join(dir, "openapi.json");
    const run = await runRedocly(["bundle", api, "--ext", "json", "-o", out]);
    if (run.code !== 0) throw failure(`bundle ${api}`, run);
    return JSON.parse(await readFile(out, "utf8")) as unknown;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main(): Promise<void> {
  const started = Date.now();
  try {
    const { output, bytes } = await buildDocs();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const shown = relative(process.cwd(), output);
    const path = shown.startsWith("..") || isAbsolute(shown) ? output : shown;
    console.log(`API reference written to ${path} (${formatSize(bytes)}, ${seconds} s)`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(resolve(entry)).href) await main();
