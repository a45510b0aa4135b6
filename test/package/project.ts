/**
 * The package as a user gets it: built, packed once with `npm pack`, and installed from the tarball into
 * throwaway projects in a temporary folder (offline: the package has no runtime dependencies).
 *
 * - `withPrism`: the tarball installed with `npm install`, plus `@stoplight/prism-cli` linked in from this
 *   repository, as if the user had installed the mock's optional peer dependency.
 * - `bare`: the same installed package without Prism, to see the mock's message when it is absent.
 * The consumer files (test/package/consumer/) are copied into both. TypeScript and esbuild are this repository's
 * own, not installed into the projects.
 */
import { collectOutput, type RunResult } from "../support/child-output.js";
import { spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
const CONSUMER_FILES = resolve(import.meta.dirname, "consumer");

export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<RunResult> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return collectOutput(child);
}

async function ok(what: string, result: Promise<RunResult>): Promise<RunResult> {
  const done = await result;
  if (done.code !== 0) throw new Error(`${what} exited with ${done.code}:\n${done.stdout}\n${done.stderr}`);
  return done;
}

/** What `npm run build` reads, and a file of each entry it writes. */
const BUILD_INPUTS = ["src", "package.json", "tsdown.config.ts", "tsconfig.build.json", "tsconfig.json"];
const BUILD_OUTPUTS = ["index", "webhooks", "mock"]
  .flatMap((entry) => [`${entry}.js`, `${entry}.cjs`, `${entry}.d.ts`, `${entry}.d.cts`])
  .concat("cli/bolna-api.js")
  .map((file) => join("dist", file));

/** The newest modification time under `path` (a file or a folder), in ms. */
async function newestChange(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((entry) => newestChange(join(path, entry))));
  return Math.max(info.mtimeMs, ...times);
}

/** True when every output of the build exists and is newer than every input. */
async function builtFromCurrentSources(): Promise<boolean> {
  try {
    const built = await Promise.all(BUILD_OUTPUTS.map(async (file) => (await stat(join(ROOT, file))).mtimeMs));
    const changed = await Promise.all(BUILD_INPUTS.map((input) => newestChange(join(ROOT, input))));
    return Math.min(...built) > Math.max(...changed);
  } catch {
    return false;
  }
}

export interface PackedFile {
  path: string;
  size: number;
}

export interface ConsumerProjects {
  tmp: string;
  /** Files in the tarball, as `npm pack --json` lists them. */
  files: PackedFile[];
  /** The tarball's size in bytes. */
  size: number;
  withPrism: string;
  bare: string;
  cleanup(): Promise<void>;
}

export async function packAndInstall(): Promise<ConsumerProjects> {
  const tmp = await mkdtemp(join(tmpdir(), "bolna-package-"));
  const cleanup = () => rm(tmp, { recursive: true, force: true });
  try {
    // The package is built from the current sources: `npm test` builds before vitest, and a build that is already
    // newer than every input is reused.
    if (!(await builtFromCurrentSources())) await ok("npm run build", run("npm", ["run", "build"], { cwd: ROOT }));
    const packed = await ok(
      "npm pack",
      run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", tmp], { cwd: ROOT }),
    );
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; size: number; files: PackedFile[] }>;
    if (info === undefined) throw new Error(`npm pack printed no package:\n${packed.stdout}`);

    const withPrism = join(tmp, "with-prism");
    const bare = join(tmp, "bare");
    await mkdir(withPrism);
    await writeFile(join(withPrism, "package.json"), JSON.stringify({ name: "consumer", private: true }));
    await ok(
      "npm install <tarball>",
      run(
        "npm",
        [
          "install",
          "--offline",
          "--no-audit",
          "--no-fund",
          "--ignore-scripts",
          "--no-package-lock",
          join(tmp, info.filename),
        ],
        { cwd: withPrism },
      ),
    );
    await cp(join(withPrism, "node_modules/bolna-api-client"), join(bare, "node_modules/bolna-api-client"), {
      recursive: true,
    });
    await writeFile(join(bare, "package.json"), JSON.stringify({ name: "consumer-without-prism", private: true }));
    await mkdir(join(withPrism, "node_modules/@stoplight"), { recursive: true });
    await symlink(
      join(ROOT, "node_modules/@stoplight/prism-cli"),
      join(withPrism, "node_modules/@stoplight/prism-cli"),
      "dir",
    );
    await Promise.all([withPrism, bare].map((dir) => cp(CONSUMER_FILES, dir, { recursive: true })));
    return { tmp, files: info.files, size: info.size, withPrism, bare, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * Writes a tsconfig for `consumer.ts` under one module resolution and returns tsc's result. Under `nodenext` the
 * file is checked twice, as an ES module and as CommonJS (folders with their own `package.json` type), so both the
 * `.d.ts` and the `.d.cts` entry points are read; under `bundler` it is checked once, for a browser app (DOM
 * library, no Node types). The file's `@ts-expect-error` lines make the check able to fail: each must meet an error.
 */
export async function typeCheck(project: string, mode: "nodenext" | "bundler"): Promise<RunResult> {
  const dir = join(project, `ts-${mode}`);
  const variants = mode === "nodenext" ? (["module", "commonjs"] as const) : (["module"] as const);
  for (const type of variants) {
    await mkdir(join(dir, type), { recursive: true });
    await writeFile(join(dir, type, "package.json"), JSON.stringify({ type }));
    await cp(join(project, "consumer.ts"), join(dir, type, "consumer.ts"));
  }
  // The package's declarations are checked themselves (skipLibCheck false) in the bundler run, which has no
  // @types/node to check along with them; TypeScript's own lib files are never re-checked.
  const node = {
    module: "nodenext",
    moduleResolution: "nodenext",
    lib: ["es2022"],
    types: ["node"],
    skipLibCheck: true,
  };
  const browser = {
    module: "esnext",
    moduleResolution: "bundler",
    lib: ["es2022", "dom", "dom.iterable"],
    types: [],
    skipLibCheck: false,
    skipDefaultLibCheck: true,
  };
  const tsconfig = {
    compilerOptions: {
      target: "es2022",
      strict: true,
      noEmit: true,
      typeRoots: [join(ROOT, "node_modules/@types")],
      ...(mode === "nodenext" ? node : browser),
    },
    files: variants.map((type) => `${type}/consumer.ts`),
  };
  await writeFile(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  return run(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", dir], { cwd: dir });
}
