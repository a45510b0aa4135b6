import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import { MODULE_REPLACING_TESTS } from "./test/unit/module-replacing-tests.js";

// `unit`: helpers against injected fetches and local fault servers. `contract`: the client against one Prism
// mock of the spec (global setup, free loopback port). `cli`: the `bolna-api` command line as a child process.
// `examples`: the runnable examples and `npm start` against their own mock. `browser`: the built API reference in
// headless Chromium. `package`: the packed tarball (packed once per run) installed into throwaway CommonJS, ESM and
// TypeScript projects, and run in each runtime of the matrix (Node at the engines floor, Bun, Deno, workerd,
// Chromium).
export default defineConfig({
  test: {
    reporters: ["default", "./test/summary-reporter.ts"],
    // Vitest's default is one worker fewer than the cores: a single worker on the 2-core machines this runs on, so
    // files ran one at a time while most of them wait on child processes, servers and sockets. One per core.
    maxWorkers: availableParallelism(),
    projects: [
      // The unit and contract files share one module registry per worker (`isolate: false`): importing the client
      // and the generated tables once per worker rather than once per file saves about a third of the unit
      // project's CPU time. A file that replaces a module (`vi.mock`) would leak the fake into the files after it,
      // so those run isolated, in `unit-isolated` (test/unit/module-isolation.test.ts keeps the list complete).
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          exclude: MODULE_REPLACING_TESTS,
          isolate: false,
          testTimeout: 20_000,
        },
      },
      { test: { name: "unit-isolated", include: MODULE_REPLACING_TESTS, testTimeout: 20_000 } },
      {
        test: {
          name: "contract",
          include: ["test/contract/**/*.test.ts"],
          globalSetup: ["test/contract/prism-setup.ts"],
          isolate: false,
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "cli",
          include: ["test/cli/**/*.test.ts"],
          globalSetup: ["test/cli/build-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      { test: { name: "examples", include: ["test/examples/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 60_000 } },
      { test: { name: "browser", include: ["test/browser/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 60_000 } },
      {
        test: {
          name: "package",
          include: ["test/package/**/*.test.ts"],
          globalSetup: ["test/package/pack-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
