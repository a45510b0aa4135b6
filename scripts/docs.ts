/**
 * `npm run docs`: renders the HTML API reference of the spec to `build/docs/index.html`.
 *
 * - Runs the pinned `@redocly/cli` from node_modules with this Node (`process.execPath`), never through npx.
 * - `--inlineBundle` puts Redoc's JavaScript inside the page. Without it the page loads Redoc from
 *   cdn.redocly.com to hydrate, which fails offline (reference/toolchain.md §2.1).
 * - Telemetry is off (`REDOCLY_TELEMETRY=off`). Redocly's Node-20 and Redoc-3 banners are left out of the
 *   error message.
 * - The page is built from a copy of the bundled spec with a `bolna.<method>(...)` TypeScript sample per operation
 *   (`x-codeSamples`, see docs/code-samples.ts); the shipped spec does not carry them.
 * - Redoc's "API docs by Redocly" badge loads its logo from a CDN, a broken image offline: the page gets the same
 *   words as an inline SVG instead.
 *
 * The browser test (test/browser/docs.test.ts) imports `buildDocs` and `bundleSpec` from here, so the test and
 * `npm run docs` use the same command.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { addCodeSamples } from "./docs/code-samples.js";

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

/** The badge's logo URLs in Redoc's bundle, and the inline image each is replaced with. */
const REDOCLY_LOGOS = ["https://cdn.redoc.ly/redoc/logo-mini-full.svg", "https://cdn.redoc.ly/redoc/logo-mini.svg"];
const INLINE_LOGO = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="56" height="16"><text x="0" y="12" font-family="sans-serif" ' +
    'font-size="12" fill="#6b7280">Redocly</text></svg>',
)}`;

/** `redocly bundle <api> --ext json` into `dir`; returns the file's path. */
async function bundleInto(dir: string, api: string): Promise<string> {
  const out = join(dir, "openapi.json");
  const run = await runRedocly(["bundle", api, "--ext", "json", "-o", out]);
  if (run.code !== 0) throw failure(`bundle ${api}`, run);
  return out;
}

/**
 * Renders the API reference: bundles the spec, adds the code samples, then `redocly build-docs --inlineBundle`.
 * Throws if Redocly fails.
 */
export async function buildDocs(options: BuildDocsOptions = {}): Promise<BuildDocsResult> {
  const api = options.api ?? DOCS_API;
  const output = resolve(ROOT, options.output ?? DOCS_OUTPUT);
  const dir = await mkdtemp(join(tmpdir(), "bolna-docs-"));
  try {
    const specFile = await bundleInto(dir, api);
    const spec = JSON.parse(await readFile(specFile, "utf8")) as Record<string, never>;
    addCodeSamples(spec);
    await writeFile(specFile, JSON.stringify(spec));
    const run = await runRedocly(["build-docs", specFile, "--inlineBundle", "-o", output]);
    if (run.code !== 0) throw failure(`build-docs ${api}`, run);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const page = await readFile(output, "utf8").catch(() => "");
  if (page === "") throw new Error(`Redocly build-docs ${api} wrote no page to ${output}.`);
  const offline = REDOCLY_LOGOS.reduce((html, url) => html.replaceAll(url, INLINE_LOGO), page);
  await writeFile(output, offline);
  return { output, bytes: Buffer.byteLength(offline) };
}

/** The spec as one JSON document (`redocly bundle <api> --ext json`), e.g. to list its operations. */
export async function bundleSpec(api: string = DOCS_API): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), "bolna-docs-"));
  try {
    return JSON.parse(await readFile(await bundleInto(dir, api), "utf8")) as unknown;
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
