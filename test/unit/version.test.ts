/** The version the client announces in its headers is the package's own. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { SDK_NAME, SDK_VERSION } from "../../src/extensions/version.js";

describe("src/extensions/version.ts", () => {
  it("matches package.json (after a version bump, update src/extensions/version.ts too)", () => {
    const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, "../../package.json"), "utf8")) as {
      name: string;
      version: string;
    };
    expect({ SDK_NAME, SDK_VERSION }).toEqual({ SDK_NAME: pkg.name, SDK_VERSION: pkg.version });
  });
});
