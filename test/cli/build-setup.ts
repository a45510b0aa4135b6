/**
 * Vitest global setup for the cli project: `src/cli/main.ts` bundled once per run by esbuild into
 * build/cli-test/bolna-api.mjs, which every test runs as a child process (support/run-cli.ts). A bundle starts in a
 * fraction of the time `node --import tsx` takes to load and transpile the sources on every spawn, and it is built
 * from the current sources, so the tests still need no `npm run build`. It stays inside the repository so that the
 * CLI's self-reference (`bolna-api-client/openapi.json`) and Prism resolve as they do from the sources.
 */
import { build } from "esbuild";
import { CLI_BUNDLE, CLI_SOURCE } from "./support/run-cli.js";

export default async function setup(): Promise<void> {
  await build({
    entryPoints: [CLI_SOURCE],
    outfile: CLI_BUNDLE,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Dependencies load from node_modules as they do for the sources; only the CLI's own modules are bundled.
    packages: "external",
    logLevel: "warning",
  });
}
