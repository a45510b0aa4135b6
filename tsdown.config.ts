import { defineConfig, type Rolldown, type UserConfig } from "tsdown";

/**
 * Declarations are emitted once, as `.d.cts` beside the CommonJS build. Each ESM entry gets a one-line `.d.ts`
 * that re-exports its `.d.cts`: ESM may import CommonJS declarations in every resolver (the reverse is an error
 * under `node16`), so both builds share one set of types and the package does not ship ~250 kB twice.
 */
function esmTypesReexport(): Rolldown.Plugin {
  return {
    name: "bolna:esm-types-reexport",
    generateBundle(options, bundle) {
      if (options.format !== "es") return;
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== "chunk" || !chunk.isEntry) continue;
        const base = chunk.fileName.replace(/\.js$/, "");
        const code = `export * from "./${base.split("/").pop()}.cjs";\n`;
        this.emitFile({ type: "prebuilt-chunk", fileName: `${base}.d.ts`, code });
      }
    },
  };
}

const shared = {
  format: { esm: { dts: false, plugins: [esmTypesReexport()] }, cjs: {} },
  target: "es2022",
  dts: true,
  // No source maps: without the sources (not shipped) they map to nothing, and with them they tripled the package.
  sourcemap: false,
  fixedExtension: false,
  hash: false,
  tsconfig: "tsconfig.build.json",
} satisfies UserConfig;

export default defineConfig([
  {
    ...shared,
    // `platform: "neutral"` keeps Node built-ins out of the client so it also runs in browsers and edge runtimes
    // that have `fetch`.
    entry: { index: "src/index.ts", webhooks: "src/webhooks.ts" },
    platform: "neutral",
    // openapi-fetch ships a CommonJS file whose `exports.default` is the factory but without `__esModule`, so the
    // bundler's CommonJS interop hands our `require` build the module object instead of the function. Bundling its
    // runtime (about 6 kB, no dependencies of its own) makes both builds call the same function, in every
    // consumer's resolver. Its declarations are inlined into ours too, so the package has no runtime dependencies.
    deps: { alwaysBundle: ["openapi-fetch"] },
  },
  {
    ...shared,
    // `bolna-api-client/mock` starts Prism as a child process: Node only, and never imported by the client.
    entry: { mock: "src/mock/server.ts" },
    platform: "node",
    target: "node20",
    // Gives the CommonJS build an `import.meta.url`, which the mock resolves Prism and the bundled spec from.
    shims: true,
  },
  {
    // The `bolna-api` command line, ESM for Node (it reads files and handles signals), which the library never
    // imports, so it adds nothing to the library's import cost. Its own folder: its chunks (the lazily loaded body
    // check, ...) would otherwise overwrite the library's chunks of the same name. The shebang in src/cli/main.ts
    // is kept and tsdown marks the entry executable. No declarations: nothing imports it.
    entry: { "bolna-api": "src/cli/main.ts" },
    outDir: "dist/cli",
    format: ["esm"],
    platform: "node",
    target: "node20",
    dts: false,
    sourcemap: false,
    fixedExtension: false,
    hash: false,
    tsconfig: "tsconfig.build.json",
    deps: { alwaysBundle: ["openapi-fetch"] },
  },
]);
