/**
 * Opens the built API reference (build/docs/index.html, from `npm run docs`) in Debian's headless Chromium and
 * checks that it really renders: every operation and webhook of the spec is listed, an operation shows its
 * generated `bolna.<method>(...)` sample, no console or page errors, nothing is fetched from off the machine, and a
 * full-page screenshot is written to build/docs/screenshot.png.
 *
 * - The page is served from build/docs by a tiny static server on 127.0.0.1 (port 0; support/docs-site.ts). Every request to any
 *   other origin is aborted with `context.route` and recorded; any blocked request fails the test, images
 *   included (the page must be self-contained offline: the docs build inlines the Redocly badge's logo).
 * - The page is rebuilt (with `buildDocs` from scripts/docs.ts) when it is missing or older than the spec or the
 *   docs build scripts.
 * - Operations are read at test time from the bundled spec (`redocly bundle bolna`), never hard-coded.
 * - Redoc 3 renders the side menu's tag groups collapsed (their operations are not in the DOM until a group is
 *   opened) and lazily renders the main column around the current route. So the test opens every group and
 *   reads the visible menu text, then navigates to a few operations (first, last, webhooks) and waits for their
 *   headings.
 * - Without Chromium at /usr/bin/chromium (or $CHROMIUM_PATH) the suite is skipped and says why.
 */
import { mkdir, readFile } from "node:fs/promises";
import type { Server } from "node:http";
import { join, relative } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { bundleSpec, DOCS_OUTPUT, ROOT } from "../../scripts/docs.js";
import { isObject } from "../../scripts/generate/spec-walk.js";
import { CHROMIUM, CHROMIUM_ARGS, chromiumSkipReason, HAS_CHROMIUM } from "./chromium.js";
import { DOCS_DIR, ensureDocs, serveDocs } from "./support/docs-site.js";
import { openMenuGroups, pngSize, type MenuItem } from "./support/redoc-page.js";
import { normalize, operationsOf, type Operation } from "./support/spec-operations.js";

const SKIP_REASON = chromiumSkipReason("the API reference browser test");

const SCREENSHOT = join(DOCS_DIR, "screenshot.png");

interface Blocked {
  url: string;
  resourceType: string;
}

if (!HAS_CHROMIUM) console.warn(`\n[browser] SKIPPED: ${SKIP_REASON}\n`);

describe.skipIf(!HAS_CHROMIUM)("API reference (build/docs/index.html) in headless Chromium", () => {
  let server: Server | undefined;
  let origin = "";
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let title = "";
  let operations: Operation[] = [];
  let servers: Array<{ url: string; description: string }> = [];
  let rebuilt: string | null = null;
  const consoleErrors: { text: string; url: string }[] = [];
  const pageErrors: string[] = [];
  const localFailures: string[] = [];
  const blocked: Blocked[] = [];

  /** "Failed to load resource: net::ERR_BLOCKED_BY_CLIENT" for a request that the route below aborted. */
  const causedByBlocking = (e: { text: string; url: string }): boolean =>
    e.text.includes("ERR_BLOCKED_BY_CLIENT") && blocked.some((b) => b.url === e.url);

  const open = (): Page => {
    if (page === undefined) throw new Error("the page did not open (see the beforeAll error)");
    return page;
  };

  beforeAll(async () => {
    // allSettled, not all: if one step fails, the others still finish and assign what afterAll must close.
    const [spec, docs, launched] = await Promise.allSettled([
      bundleSpec(),
      (async () => {
        rebuilt = await ensureDocs();
        ({ server, origin } = await serveDocs());
      })(),
      (async () => {
        browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 20_000 });
      })(),
    ]);
    for (const step of [spec, docs, launched]) if (step.status === "rejected") throw step.reason;
    if (spec.status !== "fulfilled") throw new Error("unreachable");
    operations = operationsOf(spec.value);
    const specServers = isObject(spec.value) && Array.isArray(spec.value["servers"]) ? spec.value["servers"] : [];
    servers = specServers.filter(isObject).map((server) => ({
      url: String(server["url"]),
      description: typeof server["description"] === "string" ? server["description"] : "",
    }));
    const info = isObject(spec.value) ? spec.value["info"] : undefined;
    title = isObject(info) && typeof info["title"] === "string" ? normalize(info["title"]) : "";
    if (browser === undefined) throw new Error("Chromium did not start");

    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" });
    // Nothing may leave the machine: only the docs server's own origin is let through (data: and blob: URLs
    // never reach the network and are not routed).
    await context.route("**/*", (route) => {
      const request = route.request();
      if (new URL(request.url()).origin === origin) return route.continue();
      blocked.push({ url: request.url(), resourceType: request.resourceType() });
      return route.abort("blockedbyclient");
    });
    page = await context.newPage();
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push({ text: message.text(), url: message.location().url });
    });
    page.on("pageerror", (error) => pageErrors.push(error.stack ?? error.message));
    page.on("requestfailed", (request) => {
      if (new URL(request.url()).origin === origin)
        localFailures.push(`${request.url()}: ${request.failure()?.errorText ?? "failed"}`);
    });
    page.on("response", (response) => {
      if (new URL(response.url()).origin === origin && response.status() >= 400)
        localFailures.push(`${response.url()}: HTTP ${response.status()}`);
    });

    const response = await page.goto(`${origin}/`, { waitUntil: "load", timeout: 20_000 });
    if (response?.status() !== 200) throw new Error(`GET ${origin}/ answered ${response?.status() ?? "nothing"}`);
    // The title heading and the side menu are prerendered; opening a menu group needs the hydrated app.
    await page.getByRole("heading", { level: 1, name: title }).first().waitFor({ state: "visible", timeout: 10_000 });
    await page.locator('[data-component-name="Menu/Menu"]').first().waitFor({ state: "visible", timeout: 10_000 });
  }, 60_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    if (server !== undefined) {
      server.closeAllConnections();
      await new Promise((done) => server?.close(done));
    }
    if (rebuilt !== null) console.log(`[browser] rebuilt ${relative(ROOT, DOCS_OUTPUT)} (it was ${rebuilt})`);
    const ignored = consoleErrors.filter(causedByBlocking).length;
    if (ignored > 0) console.log(`[browser] ignored ${ignored} console error(s) caused by the blocked requests below`);
    console.log(
      blocked.length === 0
        ? "[browser] no request to another origin was made"
        : `[browser] blocked ${blocked.length} request(s) to other origins:\n` +
            blocked.map((b) => `  ${b.resourceType} ${b.url}`).join("\n"),
    );
  }, 20_000);

  test("the spec has operations, each with a summary", () => {
    expect(operations.length, "no operations found in the bundled spec").toBeGreaterThan(0);
    expect(operations.filter((op) => op.summary === "").map((op) => op.where)).toEqual([]);
  });

  test("every operation's and webhook's summary is shown in the side menu", async () => {
    const menu = await open().evaluate(openMenuGroups);
    expect(menu.groups, "found no tag groups in Redoc's side menu (has its markup changed?)").toBeGreaterThan(0);
    const labels = menu.items.map((item) => normalize(item.label));
    const shown = normalize(await open().locator('[data-component-name="Menu/Menu"]').first().innerText());
    const missing = operations
      .filter((op) => !labels.some((label) => label.startsWith(op.summary)) && !shown.includes(op.summary))
      .map((op) => `${op.where}: "${op.summary}"`);
    expect(missing, "summaries not shown in the side menu").toEqual([]);
  }, 15_000);

  // Redoc 3 renders the main column lazily, around the current route, at ~0.5 s per route: so this opens the
  // first and the last operation of the menu and every webhook, not all of them (the menu test covers all).
  test("renders the heading of the first and last operation and of every webhook in the main column", async () => {
    const p = open();
    const { items } = await p.evaluate(openMenuGroups);
    const firstLine = (item: MenuItem): string => normalize(item.label.split("\n")[0] ?? "");
    const links = items.filter((item) => item.href.startsWith("#"));
    const webhooks = new Set(operations.filter((op) => op.where.startsWith("webhook ")).map((op) => op.summary));
    const targets = new Map<string, MenuItem>();
    for (const item of [links[0], ...links.filter((link) => webhooks.has(firstLine(link))), links.at(-1)])
      if (item !== undefined) targets.set(item.href, item);
    expect(targets.size, "no operation links found in the side menu").toBeGreaterThan(0);
    expect(
      [...webhooks].filter((summary) => !links.some((link) => firstLine(link) === summary)),
      "webhooks without a menu link",
    ).toEqual([]);
    const missing: string[] = [];
    for (const item of targets.values()) {
      const summary = firstLine(item);
      await p.evaluate((hash) => (window.location.hash = hash), item.href);
      const ok = await p
        .getByRole("heading", { name: summary })
        .first()
        .waitFor({ state: "visible", timeout: 5_000 })
        .then(
          () => true,
          () => false,
        );
      if (!ok) missing.push(`${item.group} → ${item.href}: "${summary}"`);
    }
    expect(missing, "operation headings that did not render").toEqual([]);
  }, 30_000);

  test("server descriptions are plain text (Redoc shows them as written, backticks and all)", () => {
    expect(servers.filter((server) => /[`*_[\]]/.test(server.description)).map((server) => server.url)).toEqual([]);
  });

  test("shows the generated bolna.<method>(...) TypeScript sample of an operation", async () => {
    const p = open();
    const { items } = await p.evaluate(openMenuGroups);
    const link = items.find((item) => item.href.startsWith("#") && !item.href.includes("webhook"));
    const summary = normalize(link?.label.split("\n")[0] ?? "");
    const operationId = operations.find((op) => op.summary === summary)?.operationId;
    expect(operationId, `no spec operation has the first menu item's summary "${summary}"`).toBeDefined();
    await p.evaluate((hash) => (window.location.hash = hash), link?.href ?? "");
    const sample = p.getByText(`bolna.${operationId}(`).first();
    await sample.waitFor({ state: "visible", timeout: 10_000 });
    const panel = normalize(await sample.locator("xpath=ancestor::pre[1]").innerText());
    expect(panel).toContain('import { createBolnaClient } from "bolna-api-client";');
    expect(panel).toContain(`bolna.${operationId}(`);
  }, 30_000);

  test("writes a full-page screenshot to build/docs/screenshot.png", async () => {
    const p = open();
    await p.evaluate(() => {
      window.location.hash = "/";
      window.scrollTo(0, 0);
    });
    await p.getByRole("heading", { level: 1, name: title }).first().waitFor({ state: "visible", timeout: 5_000 });
    await mkdir(DOCS_DIR, { recursive: true });
    await p.screenshot({ path: SCREENSHOT, fullPage: true, timeout: 15_000 });
    const png = await readFile(SCREENSHOT);
    const { width, height } = pngSize(png);
    expect(png.length, "screenshot is suspiciously small").toBeGreaterThan(20_000);
    expect(width).toBeGreaterThanOrEqual(1280);
    expect(height).toBeGreaterThanOrEqual(900);
  }, 30_000);

  test("logs no console errors and throws no page errors", () => {
    // A request we aborted logs "Failed to load resource: net::ERR_BLOCKED_BY_CLIENT"; that one is reported
    // by the next test, not counted here.
    const errors = consoleErrors
      .filter((e) => !causedByBlocking(e))
      .map((e) => (e.url === "" ? e.text : `${e.text} (${e.url})`));
    expect(errors, "console errors").toEqual([]);
    expect(pageErrors, "uncaught page errors").toEqual([]);
    expect(localFailures, "failed requests to the docs server").toEqual([]);
  });

  test("requests nothing from off the machine, not even an image", () => {
    expect(
      blocked.map((b) => `${b.resourceType} ${b.url}`),
      "the page fetches resources from the network",
    ).toEqual([]);
  });
});

// Without Chromium, this skipped test carries the reason into the report instead of a silent pass.
if (!HAS_CHROMIUM) {
  test("API reference in headless Chromium: SKIPPED, Chromium is not installed", (ctx) => {
    ctx.skip(SKIP_REASON);
  });
}
