import { defineConfig } from "tsdown";

// Two builds. The library: dual ESM + CommonJS with declarations; `platform: "neutral"` keeps Node built-ins out of
// the runtime so the client also runs in browsers and edge runtimes that have `fetch`. The `bolna-api` command line:
// its own ESM bundle for Node (it reads files and handles signals), which the library never imports, so it adds
// nothing to the library's import cost.
export default defineConfig([
  {
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
    // openapi-fetch ships a CommonJS file whose `exports.default` is the factory but without `__esModule`, so the
    // bundler's CommonJS interop hands our `require` build the module object instead of the function. Bundling its
    // runtime (about 6 kB, no dependencies of its own) makes both builds call the same function, in every consumer's
    // resolver. Its declarations are inlined into ours too, so the package has no runtime dependencies.
    deps: { alwaysBundle: ["openapi-fetch"] },
  },
  {
    // The shebang in src/cli/main.ts is kept, and tsdown marks dist/cli.js executable.
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    platform: "node",
    target: "node20",
    dts: false,
    sourcemap: false,
    clean: false,
    fixedExtension: false,
    hash: false,
    tsconfig: "tsconfig.build.json",
    deps: { alwaysBundle: ["openapi-fetch"] },
  },
]);
