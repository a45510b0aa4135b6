/**
 * Keeps `MODULE_REPLACING_TESTS` complete: a unit test file that replaces a module and is not on the list would run
 * in the shared-registry `unit` project and hand its fake to the files after it.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { MODULE_REPLACING_TESTS } from "./module-replacing-tests.js";

const ROOT = resolve(import.meta.dirname, "../..");
const REPLACES_A_MODULE = /\bvi\s*\.\s*(?:do)?[mM]ock\s*\(/;

describe("unit test files that replace modules", () => {
  it("are exactly the ones that run isolated", async () => {
    const files = (await readdir(join(ROOT, "test/unit"), { recursive: true }))
      .filter((file) => file.endsWith(".test.ts"))
      .map((file) => relative(ROOT, join(ROOT, "test/unit", file)));
    const replacing: string[] = [];
    for (const file of files) {
      if (REPLACES_A_MODULE.test(await readFile(join(ROOT, file), "utf8"))) replacing.push(file);
    }
    expect(replacing.sort()).toEqual([...MODULE_REPLACING_TESTS].sort());
  });
});
