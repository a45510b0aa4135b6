/**
 * Every repository path the docs cite must exist, so moving or deleting a file cannot leave README.md,
 * CONTRIBUTING.md or docs/*.md pointing at nothing. A cited path is a token that starts with one of the top-level
 * folders below (in prose, inline code or a code block) or the target of a relative Markdown link. A glob
 * (`scripts/generate/*.ts`) must match at least one file. The changelog is left out on purpose: it records paths
 * as they were.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");

const DOCS = [
  "README.md",
  "CONTRIBUTING.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];

/**
 * A path into one of the folders the docs send readers to. It must not follow a word character, `.`, `/` or `-`,
 * so the tail of a URL (`https://host/src/x`) or of a longer path (`dist/src/x`) is not read as one.
 */
const FOLDER_PATH = /(?<![\w./-])(?:src|scripts|test|openapi|bench|examples|docs)\/[\w./*-]*/g;
/** A Markdown link's target, without its `#fragment`. */
const LINK_TARGET = /\]\(([^)\s#]*)(?:#[^)\s]*)?\)/g;

interface Citation {
  /** Relative to the repository root. */
  path: string;
  line: number;
}

/** The repository paths `markdown` (the text of the file at `file`) cites, each once per line. */
function citedPaths(markdown: string, file: string): Citation[] {
  return markdown.split("\n").flatMap((text, index) => {
    const paths = new Set<string>();
    // A sentence may end right after a path: "see bench/overhead.ts."
    for (const [token] of text.matchAll(FOLDER_PATH)) paths.add(token.replace(/[.,]+$/, ""));
    for (const [, target] of text.matchAll(LINK_TARGET)) {
      if (!target || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, a bare #fragment
      paths.add(relative(ROOT, resolve(ROOT, dirname(file), target)));
    }
    return [...paths].map((path) => ({ path, line: index + 1 }));
  });
}

/** Every file under `dir` (relative to the root), skipping dependencies and build output. */
function filesUnder(dir: string): string[] {
  if (!existsSync(join(ROOT, dir))) return [];
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !/(^|\/)(node_modules|dist)(\/|$)/.test(entry.parentPath))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

/** Whether the path exists; a glob (`*` within a name, `**` across folders) must match at least one file. */
function exists(path: string): boolean {
  if (!path.includes("*")) return existsSync(join(ROOT, path));
  const base = path.slice(0, path.indexOf("*")).replace(/[^/]*$/, "");
  const source = path
    .split(/(\*\*\/?|\*)/)
    .map((part) =>
      part.startsWith("**") ? "(?:.*/)?" : part === "*" ? "[^/]*" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("");
  const pattern = new RegExp(`^${source}$`);
  return filesUnder(base).some((file) => pattern.test(file));
}

describe("paths cited in the docs", () => {
  it("reads paths from prose, code and links, and leaves URLs and other folders alone", () => {
    const text = [
      "See `src/extensions/errors.ts` and scripts/generate/*.ts, then bench/overhead.ts.",
      "```",
      "openapi/openapi.yaml ──▶ src/generated/",
      "```",
      "Not https://github.com/org/repo/src/x.ts, dist/src/y.js, node_modules/test/z or my-test/a.",
      "[the design](design.md#layers), [site](https://example.com/docs/a.md), [top](#top), [spec](../openapi/)",
      "[bench](../bench/overhead.ts) and [root](README.md)",
    ].join("\n");
    expect(citedPaths(text, "docs/guide.md")).toEqual([
      { path: "src/extensions/errors.ts", line: 1 },
      { path: "scripts/generate/*.ts", line: 1 },
      { path: "bench/overhead.ts", line: 1 },
      { path: "openapi/openapi.yaml", line: 3 },
      { path: "src/generated/", line: 3 },
      { path: "docs/design.md", line: 6 },
      { path: "openapi", line: 6 },
      { path: "bench/overhead.ts", line: 7 },
      { path: "docs/README.md", line: 7 },
    ]);
    // A link whose text is its own path is one citation, not two.
    expect(citedPaths("[`docs/design.md`](docs/design.md)", "README.md")).toEqual([
      { path: "docs/design.md", line: 1 },
    ]);
  });

  it("matches a glob only when a file fits it", () => {
    expect(exists("scripts/generate/*.ts")).toBe(true);
    expect(exists("test/**/*.test.ts")).toBe(true);
    expect(exists("scripts/generate/*.py")).toBe(false);
    expect(exists("src/extensions/no-such-module.ts")).toBe(false);
  });

  it.each(DOCS)("%s cites only paths that exist", (file) => {
    const citations = citedPaths(readFileSync(join(ROOT, file), "utf8"), file);
    const missing = citations.filter(({ path }) => !exists(path)).map(({ path, line }) => `${file}:${line}: ${path}`);
    expect(missing, "paths the docs cite that do not exist; fix the doc or the path").toEqual([]);
  });

  it("finds the paths the docs cite (the reading above is not vacuous)", () => {
    const count = DOCS.flatMap((file) => citedPaths(readFileSync(join(ROOT, file), "utf8"), file)).length;
    expect(count).toBeGreaterThan(30);
  });
});
