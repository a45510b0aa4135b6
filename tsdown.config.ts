import { defineConfig } from "tsdown";

// Dual ESM + CommonJS build with declarations. `platform: "neutral"` keeps Node built-ins out of the
// runtime so the client also runs in browsers and edge runtimes that have `fetch`.
export default defineConfig({
  entry: { index: "src/index.ts", webhooks: "src/webhooks.ts" },
  format: ["esm", "cjs"],
  platform: "neutral",
  target: "es2022",
  dts: true,
  sourcemap: true,
  clean: true,
  fixedExtension: false,
  hash: false,
  tsconfig: "tsconfig.build.json",
});
