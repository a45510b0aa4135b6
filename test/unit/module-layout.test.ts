/**
 * The split between public and internal modules is visible in the tree (src/extensions/README.md); this keeps it
 * true. Public modules are the files of src/extensions/ (and a folder's index.ts); internal ones live in
 * src/extensions/internal/.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, posix, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../../src");
const EXTENSIONS = join(SRC, "extensions");
const ENTRY_POINTS = ["index.ts", "webhooks.ts"];

/** Every `export … from "…"` specifier of an entry point, as a path relative to src/ without the extension. */
function reexportedModules(entry: string): string[] {
  const text = readFileSync(join(SRC, entry), "utf8");
  return [...text.matchAll(/^export\b[^;]*?\bfrom\s+"(\.[^"]+)\.js";/gms)].map((match) =>
    posix.normalize(posix.join(posix.dirname(entry), match[1] ?? "")),
  );
}

/** The public modules: the .ts files of src/extensions/ and the index.ts of each of its folders but internal/. */
function publicModules(): string[] {
  return readdirSync(EXTENSIONS).flatMap((name) => {
    const path = join(EXTENSIONS, name);
    if (statSync(path).isDirectory()) return name === "internal" ? [] : [`extensions/${name}/index`];
    return name.endsWith(".ts") ? [relative(SRC, path).replace(/\.ts$/, "").split("\\").join("/")] : [];
  });
}

const reexported = new Set(ENTRY_POINTS.flatMap(reexportedModules));

describe("public and internal modules", () => {
  it("reads the entry points' re-exports", () => {
    // Guards the parsing below: if the pattern stopped matching, every other check would pass vacuously.
    expect(reexported).toContain("extensions/client");
    expect(reexported).toContain("extensions/export/index");
    expect(reexported.size).toBeGreaterThan(10);
  });

  it.each(ENTRY_POINTS)("%s re-exports nothing from internal/ or from inside a public folder", (entry) => {
    const offenders = reexportedModules(entry).filter(
      (module) => module.includes("/internal/") || (/^extensions\/[^/]+\//.test(module) && !module.endsWith("/index")),
    );
    expect(offenders).toEqual([]);
  });

  it("re-exports every public module from an entry point (else it belongs in internal/)", () => {
    expect(publicModules().filter((module) => !reexported.has(module))).toEqual([]);
  });
});
