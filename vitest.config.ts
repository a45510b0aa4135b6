import { defineConfig } from "vitest/config";

// Two projects: `unit` runs helpers against injected fetches and local fault servers; `contract` runs the
// client against one Prism mock of the spec, started by the global setup on a free loopback port.
export default defineConfig({
  test: {
    projects: [
      {
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], testTimeout: 20_000 },
      },
      {
        test: {
          name: "contract",
          include: ["test/contract/**/*.test.ts"],
          globalSetup: ["test/contract/prism-setup.ts"],
          testTimeout: 20_000,
        },
      },
    ],
  },
});
