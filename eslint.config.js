// Typed lint for the hand-written TypeScript. Formatting is Prettier's job (`npm run format:check`), so no
// stylistic rules here.
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  globalIgnores(["dist/", "build/", "coverage/", "src/generated/", "node_modules/", "test/package/consumer/"]),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["eslint.config.js", "tsdown.config.ts"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    rules: {
      // `_`-prefixed names are the documented way to drop a destructured field or an unused parameter.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Fakes and injected fetches implement async interfaces without awaiting anything; that is not a bug.
      "@typescript-eslint/require-await": "off",
      // Rejections carry an AbortSignal's reason as given (any value, like fetch does), not a wrapped Error.
      "@typescript-eslint/prefer-promise-reject-errors": "off",
      // Error messages and log lines strip control characters on purpose, so their patterns name them.
      "no-control-regex": "off",
      // `never` in a template is the exhaustive-switch fallback that reports an impossible value.
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNever: true }],
      // A handler assigned once, after the closure that reads it is created (the mock's front), stays `let`.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Agent configurations edited from the spec's examples, built with casts to get past the compiler on purpose.
    files: ["test/fixtures/agents/wrong.ts", "test/fixtures/agents/server-accepts.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    // Tests read loosely typed wire data (FormData parts, parsed JSON, spec nodes) on purpose, and detach methods
    // to check they refuse to run; the assertions that follow are the check.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-base-to-string": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/unbound-method": "off",
      // Its autofix drops casts that exactOptionalPropertyTypes needs in the fault scripts.
      "@typescript-eslint/no-unnecessary-type-assertion": "off",
    },
  },
  {
    // Type tests iterate what must not be iterable, under @ts-expect-error.
    files: ["test/types/**/*.ts"],
    rules: { "@typescript-eslint/await-thenable": "off" },
  },
  { files: ["**/*.js", "**/*.mjs"], extends: [tseslint.configs.disableTypeChecked] },
);
