/**
 * The packed tarball in the hands of its Node consumers: CommonJS `require` and ESM `import` (with the `./webhooks`
 * and `./mock` subpaths) making real calls, the installed `bolna-api` command, and TypeScript under `nodenext` and
 * `bundler`. The other runtimes (Bun, Deno, workerd, Chromium) are in runtimes.test.ts. One `npm pack` per run
 * (pack-setup.ts), shared by both files.
 */
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { exampleExecutionIds, webhookExampleBody } from "../support/spec-examples.js";
import { ROOT, run, typeCheck } from "./project.js";

const API_KEY = "bn-package-test-key";

/** A loopback stand-in for Bolna: two agents, a 404 for anything else; it records what it was sent. */
async function fakeBolna(): Promise<{ server: Server; url: string; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    requests.push(request);
    const found = request.method === "GET" && request.url === "/v2/agent/all";
    response.writeHead(found ? 200 : 404, { "content-type": "application/json" });
    response.end(
      JSON.stringify(
        found
          ? [
              { id: "agent-1", agent_name: "Alfred" },
              { id: "agent-2", agent_name: "Lucius" },
            ]
          : { message: "Not found" },
      ),
    );
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

/** The last line a consumer program printed, as JSON. */
function lastJsonLine(stdout: string): unknown {
  const line = stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(line) as unknown;
}

const projects = inject("consumerProjects");
let bolna: Awaited<ReturnType<typeof fakeBolna>>;

beforeAll(async () => {
  bolna = await fakeBolna();
});

afterAll(async () => {
  if (bolna !== undefined) await new Promise((done) => bolna.server.close(done));
});

describe("the tarball", () => {
  it("holds both builds with one set of declarations, the spec once, and no source maps", () => {
    const paths = projects.files.map((file) => file.path).sort();
    for (const entry of ["index", "webhooks", "mock"]) {
      expect(paths).toEqual(
        expect.arrayContaining([`dist/${entry}.js`, `dist/${entry}.cjs`, `dist/${entry}.d.ts`, `dist/${entry}.d.cts`]),
      );
    }
    expect(paths).toContain("src/generated/openapi.json");
    expect(paths.filter((path) => path.endsWith(".map"))).toEqual([]);
    expect(paths.filter((path) => /\.ya?ml$/.test(path) || path.startsWith("openapi/"))).toEqual([]);
    // Each ESM entry's declarations re-export the CommonJS ones instead of repeating them.
    for (const file of projects.files.filter((f) => f.path.endsWith(".d.ts"))) expect(file.size).toBeLessThan(100);
    console.log(`[package] tarball ${(projects.size / 1024).toFixed(1)} kB, ${paths.length} files`);
  });

  it("declares no runtime dependency, and Prism as an optional peer", async () => {
    const manifest = JSON.parse(
      await readFile(join(projects.withPrism, "node_modules/bolna-api-client/package.json"), "utf8"),
    ) as Record<string, Record<string, unknown> | undefined>;
    expect(manifest["dependencies"] ?? {}).toEqual({});
    expect(Object.keys(manifest["peerDependencies"] ?? {})).toEqual(["@stoplight/prism-cli"]);
    expect(manifest["peerDependenciesMeta"]).toEqual({ "@stoplight/prism-cli": { optional: true } });
  });
});

describe("a CommonJS consumer (require)", () => {
  it("calls the API, gets typed errors, and is told how to install Prism for the mock", async () => {
    const env = { BOLNA_API_KEY: API_KEY, BOLNA_BASE_URL: bolna.url };
    const result = await run(process.execPath, ["agents.cjs"], { cwd: projects.bare, env });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(lastJsonLine(result.stdout)).toEqual({
      agents: ["Alfred", "Lucius"],
      notFound: { status: 404, message: expect.any(String) },
      mock: {
        name: "MockServerError",
        code: "PRISM_MISSING",
        message: expect.stringContaining("npm install --save-dev @stoplight/prism-cli@5.14.2"),
      },
    });
    const sent = bolna.requests.filter((request) => request.headers.authorization === `Bearer ${API_KEY}`);
    expect(sent.map((request) => `${request.method} ${request.url}`)).toEqual([
      "GET /v2/agent/all",
      "GET /v2/agent/no-such-agent",
    ]);
  });
});

describe("an ES module consumer (import)", () => {
  it("runs the README's smallest program unchanged", async () => {
    const program = await readFile(join(projects.withPrism, "agents.mjs"), "utf8");
    const readme = await readFile(join(ROOT, "README.md"), "utf8");
    expect(readme.includes(program.trim()), "README § Install shows agents.mjs as it is").toBe(true);
    const env = { BOLNA_API_KEY: API_KEY, BOLNA_BASE_URL: bolna.url };
    const result = await run(process.execPath, ["agents.mjs"], { cwd: projects.withPrism, env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split("\n")).toEqual(["agent-1 Alfred", "agent-2 Lucius"]);
  });

  it("walks and exports against bolna-api-client/mock to the end, and reads a webhook via ./webhooks", async () => {
    const result = await run(process.execPath, ["mock.mjs"], { cwd: projects.withPrism });
    expect(result.code, result.stderr).toBe(0);
    const ids = exampleExecutionIds();
    expect(lastJsonLine(result.stdout)).toEqual({
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      walked: ids,
      exported: ids,
      // 30 days are 5 windows of at most 7 days; the mock's three executions share the newest, one page each.
      pages: 5,
      webhook: { id: webhookExampleBody().id, status: "completed" },
    });
  });
});

describe("the bolna-api command the package installs", () => {
  it("runs from node_modules/.bin: help from the shipped spec, and a call with the key from the environment", async () => {
    // `npm install` links the bin (the "bare" project is a copy of the installed package, without links).
    const bin = join(projects.withPrism, "node_modules/.bin/bolna-api");
    const help = await run(bin, ["getAgent", "--help"], { cwd: projects.withPrism });
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain("GET /v2/agent/{agent_id}");
    const env = { BOLNA_API_KEY: API_KEY, BOLNA_BASE_URL: bolna.url };
    const result = await run(bin, ["listAgents"], { cwd: projects.withPrism, env });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(result.stdout)).toEqual([
      { id: "agent-1", agent_name: "Alfred" },
      { id: "agent-2", agent_name: "Lucius" },
    ]);
  });
});

describe("a TypeScript consumer", () => {
  // consumer.ts's @ts-expect-error lines are the negative checks: a missing error fails the run as surely as an
  // unexpected one.
  it.each(["nodenext", "bundler"] as const)("type-checks a realistic file under moduleResolution %s", async (mode) => {
    const result = await typeCheck(projects.withPrism, mode);
    expect(`${result.stdout}${result.stderr}`).toBe("");
    expect(result.code).toBe(0);
  });
});
