/**
 * The runtime matrix: the same probe (consumer/probe.mjs: list agents, place a call, a typed 404, an export across
 * three windows, a webhook delivery as a Web `Request`) run from the packed tarball in Node at the engines floor,
 * Bun, Deno, workerd (through Miniflare) and headless Chromium, against one mock shared by all. Each runtime is the
 * exact version this repository pins (runtimes.ts); one that is not installed is reported as skipped, with why and
 * how to install it, never as passed.
 */
import { readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it, type TestContext } from "vitest";
import { startMockServer, type MockServer } from "../../src/mock/server.js";
import { CHROMIUM, CHROMIUM_ARGS, chromiumSkipReason, HAS_CHROMIUM } from "../browser/chromium.js";
import { exampleExecutionIds, successExample, webhookExampleBody } from "../support/spec-examples.js";
import { run } from "./project.js";
import { locateBun, locateDeno, locateNodeFloor, locateWorkerd, pinnedVersion, type Located } from "./runtimes.js";

/** The part of Miniflare's API this file uses. */
interface MiniflareModule {
  Miniflare: new (options: Record<string, unknown>) => {
    dispatchFetch(url: string, init: { method: string; body: string }): Promise<Response>;
    dispose(): Promise<void>;
  };
}
const MINIFLARE = "miniflare";

const dir = inject("consumerProjects").withPrism;
const delivery = webhookExampleBody();
let mock: MockServer;

beforeAll(async () => {
  mock = await startMockServer({ port: 0 });
});

afterAll(async () => {
  await mock?.close();
});

/** What every runtime must answer: the mock's examples, whatever the runtime. */
function expectedProbe(): unknown {
  const webhook = JSON.parse(delivery.body) as { id: string; status: string };
  return {
    agents: (successExample("/v2/agent/all") as Array<{ id: string }>).map((agent) => agent.id),
    call: (successExample("/call", "post") as { status: string }).status,
    // The mock answers every getExecution with its example execution, which is final: the wait ends on the first read.
    callAndWait: (successExample("/executions/{execution_id}") as { status: string }).status,
    notFound: { notFoundError: true, status: 404 },
    // The mock's executions all fall in the newest window; the two older ones are read empty, one page each.
    export: { ids: exampleExecutionIds(), pages: 3 },
    webhook: { ok: true, status: 200, received: [{ id: webhook.id, status: webhook.status }] },
  };
}

/** The runtime, or a skip that says why and how to install it (printed, so it shows in CI's log too). */
async function required(ctx: TestContext, name: string, located: Promise<Located>): Promise<string> {
  const found = await located;
  if ("missing" in found) {
    console.warn(`\n[runtimes] SKIPPED ${name}: ${found.missing}\n`);
    ctx.skip(`${name} is not installed: ${found.missing}`);
  }
  console.log(`[runtimes] ${name} ${found.version}`);
  return found.command;
}

/** Runs probe-cli.mjs with `command args…` in the consumer project and returns the probe's result. */
async function probeScript(command: string, args: string[], env: Record<string, string> = {}): Promise<unknown> {
  const result = await run(command, [...args, "probe-cli.mjs", mock.url, delivery.body], { cwd: dir, env });
  expect(result.code, `${command} exited with ${result.code}:\n${result.stdout}\n${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "") as unknown;
}

describe("the probe from the packed tarball", () => {
  it("runs in Node at the engines floor", async (ctx) => {
    const node = await required(ctx, "Node at the engines floor", locateNodeFloor());
    expect(await probeScript(node, [])).toEqual(expectedProbe());
  });

  it("runs in Bun", async (ctx) => {
    const bun = await required(ctx, "Bun", locateBun());
    expect(await probeScript(bun, [])).toEqual(expectedProbe());
  });

  it("runs in Deno, with network access to the loopback only", async (ctx) => {
    const deno = await required(ctx, "Deno", locateDeno());
    const args = ["run", "--no-prompt", "--allow-net=127.0.0.1", "--allow-env", "--allow-read"];
    const env = { DENO_DIR: join(dir, ".deno"), DENO_NO_UPDATE_CHECK: "1" };
    expect(await probeScript(deno, args, env)).toEqual(expectedProbe());
  });

  it("runs in workerd through Miniflare, bundled as a Worker", async (ctx) => {
    await required(ctx, "workerd (Miniflare)", locateWorkerd());
    await build({
      absWorkingDir: dir,
      entryPoints: ["probe-worker.mjs"],
      outfile: "worker/probe.js",
      bundle: true,
      format: "esm",
      platform: "browser",
      conditions: ["workerd", "worker"],
      target: "es2022",
      logLevel: "silent",
    });
    // Loaded on use, so that a missing Miniflare is a skip above rather than a failure to load this file; through a
    // variable, so that tsc does not read Miniflare's declarations (they import packages it does not install).
    const { Miniflare } = (await import(MINIFLARE)) as MiniflareModule;
    const worker = new Miniflare({
      modules: true,
      scriptPath: join(dir, "worker/probe.js"),
      // Module names are paths relative to this root; from the default (the working directory) workerd refuses
      // a name that climbs out with "..".
      modulesRoot: join(dir, "worker"),
      compatibilityDate: "2026-04-01",
      // No fetch of the `request.cf` data from Cloudflare: this machine has no network, and the probe needs none.
      cf: false,
    });
    try {
      const response = await worker.dispatchFetch("http://probe.local/", {
        method: "POST",
        body: JSON.stringify({ baseUrl: mock.url, delivery: delivery.body }),
      });
      expect(response.status, await response.clone().text()).toBe(200);
      expect(await response.json()).toEqual(expectedProbe());
    } finally {
      await worker.dispose();
    }
  });

  it("runs in headless Chromium, bundled by esbuild without any Node built-in", async (ctx) => {
    if (!HAS_CHROMIUM) {
      console.warn(`\n[runtimes] SKIPPED headless Chromium: ${chromiumSkipReason("its probe")}\n`);
      ctx.skip(chromiumSkipReason("its probe"));
    }
    console.log(`[runtimes] Chromium at ${CHROMIUM}, driven by playwright-core ${pinnedVersion("playwright-core")}`);
    const bundle = await build({
      absWorkingDir: dir,
      entryPoints: ["browser.mjs"],
      outfile: "site/bundle.js",
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(bundle.metafile.inputs);
    expect(inputs).toContain("node_modules/bolna-api-client/dist/index.js");
    expect(inputs).toContain("node_modules/bolna-api-client/dist/webhooks.js");
    await writeFile(join(dir, "site/index.html"), '<!doctype html><script type="module" src="./bundle.js"></script>');

    const [site, browser] = await Promise.all([
      serve(join(dir, "site")),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 }),
    ]);
    try {
      const context = await browser.newContext();
      const blocked: string[] = [];
      const allowed = new Set([site.origin, new URL(mock.url).origin]);
      await context.route("**/*", (route) => {
        if (allowed.has(new URL(route.request().url()).origin)) return route.continue();
        blocked.push(route.request().url());
        return route.abort("blockedbyclient");
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("console", (message) => void (message.type() === "error" && errors.push(message.text())));
      await page.goto(`${site.origin}/`, { timeout: 20_000 });
      await page.waitForFunction(() => typeof (window as { probe?: unknown }).probe === "function", undefined, {
        timeout: 10_000,
      });
      const result = await page.evaluate(
        ([url, body]) => (window as unknown as { probe(u: string, b: string): Promise<unknown> }).probe(url, body),
        [mock.url, delivery.body] as const,
      );
      expect(result).toEqual(expectedProbe());
      // The client's 404 is a console error of the browser's own ("Failed to load resource"); nothing else may be.
      expect(errors.filter((text) => !text.includes("404"))).toEqual([]);
      expect(blocked).toEqual([]);
    } finally {
      await browser.close();
      await new Promise((done) => site.server.close(done));
    }
  });
});

/** Serves `dir` (index.html and bundle.js) on a loopback port. */
async function serve(dir: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const name = request.url === "/" ? "index.html" : (request.url ?? "").slice(1);
    if (!["index.html", "bundle.js"].includes(name)) return void response.writeHead(404).end();
    void readFile(join(dir, name)).then((body) => {
      response.writeHead(200, { "content-type": name.endsWith(".js") ? "text/javascript" : "text/html" });
      response.end(body);
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
