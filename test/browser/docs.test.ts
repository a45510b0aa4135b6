/**
 * Opens the built API reference (build/docs/index.html, from `npm run docs`) in Debian's headless Chromium and
 * checks that it really renders: every operation and webhook of the spec is listed, an operation shows its
 * generated `bolna.<method>(...)` sample, no console or page errors, nothing is fetched from off the machine, and a
 * full-page screenshot is written to build/docs/screenshot.png.
 *
 * - The page is served from build/docs by a tiny static server on 127.0.0.1 (port 0). Every request to any
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
import { mkdir, readdir, readFile, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, relative, resolve, sep } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildDocs, bundleSpec, DOCS_OUTPUT, ROOT } from "../../scripts/docs.js";
import { isObject } from "../../src/extensions/guards.js";
import { CHROMIUM, CHROMIUM_ARGS, chromiumSkipReason, HAS_CHROMIUM } from "./chromium.js";

const SKIP_REASON = chromiumSkipReason("the API reference browser test");

const DOCS_DIR = resolve(DOCS_OUTPUT, "..");
const SCREENSHOT = join(DOCS_DIR, "screenshot.png");
const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

interface Operation {
  /** e.g. `GET /v2/agent/all` or `webhook executionStatus POST` */
  where: string;
  summary: string;
  operationId: string | undefined;
}

interface MenuItem {
  group: string;
  label: string;
  href: string;
}

interface Blocked {
  url: string;
  resourceType: string;
}

const normalize = (text: string): string => text.replace(/\s+/g, " ").trim();

/** Every operation of `paths` and `webhooks` with its summary (`""` when it has none). */
function operationsOf(spec: unknown): Operation[] {
  if (!isObject(spec)) throw new Error("the bundled spec is not a JSON object");
  const operations: Operation[] = [];
  for (const [section, label] of [
    ["paths", ""],
    ["webhooks", "webhook "],
  ] as const) {
    const items = spec[section];
    if (!isObject(items)) continue;
    for (const [name, item] of Object.entries(items)) {
      if (!isObject(item)) continue;
      for (const method of HTTP_METHODS) {
        const operation = item[method];
        if (!isObject(operation)) continue;
        const summary = typeof operation["summary"] === "string" ? normalize(operation["summary"]) : "";
        const operationId = typeof operation["operationId"] === "string" ? operation["operationId"] : undefined;
        operations.push({ where: `${label}${method.toUpperCase()} ${name}`, summary, operationId });
      }
    }
  }
  return operations;
}

/** The newest modification time of redocly.yaml, scripts/docs.ts and everything under openapi/ and scripts/docs/. */
async function specMtime(): Promise<number> {
  let newest = 0;
  for (const file of ["redocly.yaml", "scripts/docs.ts"])
    newest = Math.max(newest, (await stat(join(ROOT, file))).mtimeMs);
  for (const dir of ["openapi", "scripts/docs"]) {
    for (const entry of await readdir(join(ROOT, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
    }
  }
  return newest;
}

/** Builds the page if it is missing or older than the spec. Returns why it was (re)built, or null. */
async function ensureDocs(): Promise<string | null> {
  const built = await stat(DOCS_OUTPUT).then(
    (info) => info.mtimeMs,
    () => null,
  );
  const reason = built === null ? "missing" : built < (await specMtime()) ? "older than the spec or its build" : null;
  if (reason !== null) await buildDocs();
  return reason;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** Serves DOCS_DIR read-only on 127.0.0.1 (GET/HEAD, no directory listing, nothing outside the folder). */
async function serveDocs(): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    void (async () => {
      const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://127.0.0.1").pathname);
      const file = resolve(DOCS_DIR, `.${pathname.endsWith("/") ? `${pathname}index.html` : pathname}`);
      const inside = file === DOCS_DIR || file.startsWith(DOCS_DIR + sep);
      const body =
        inside && (request.method === "GET" || request.method === "HEAD")
          ? await readFile(file).catch(() => null)
          : null;
      if (body === null) {
        response.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      response.writeHead(200, {
        "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
        "content-length": body.length,
        "cache-control": "no-store",
      });
      response.end(request.method === "HEAD" ? undefined : body);
    })().catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", done);
  });
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}` };
}

/**
 * Opens every collapsed group of Redoc's side menu (nested ones too) and returns the visible label and link of
 * every item inside a group. Runs in the page. It clicks the chevron, not the link: the link also scrolls the
 * main column, which makes each group take ~0.5 s to open instead of ~30 ms.
 */
async function openMenuGroups(): Promise<{ groups: number; items: MenuItem[] }> {
  const until = async (ok: () => boolean, ms: number): Promise<boolean> => {
    const end = performance.now() + ms;
    while (!ok()) {
      if (performance.now() > end) return false;
      await new Promise((done) => setTimeout(done, 10));
    }
    return true;
  };
  const opened = new Set<Element>();
  const items: MenuItem[] = [];
  for (let pass = 0; pass < 5; pass++) {
    const groups = [...document.querySelectorAll('[data-component-name="Menu/MenuItem"].menu-item-type-group')];
    const todo = groups.filter((group) => !opened.has(group));
    if (todo.length === 0) break;
    for (const group of todo) {
      opened.add(group);
      const link = group.querySelector(":scope > a");
      const children = group.querySelector(":scope > div");
      if (!(link instanceof HTMLElement) || !(children instanceof HTMLElement)) continue;
      const visible = () => children.querySelector("a") !== null && children.offsetHeight > 0;
      if (!visible()) {
        const target = link.querySelector("svg")?.parentElement ?? link;
        target.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true }));
        await until(visible, 3_000);
      }
      const name = link.innerText.trim();
      for (const item of children.querySelectorAll(':scope [data-component-name="Menu/MenuItem"] > a')) {
        if (!(item instanceof HTMLElement)) continue;
        items.push({ group: name, label: item.innerText, href: item.getAttribute("href") ?? "" });
      }
    }
  }
  return { groups: opened.size, items };
}

/** Reads width and height from a PNG's IHDR chunk; throws if the bytes are not a PNG. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature) || bytes.toString("latin1", 12, 16) !== "IHDR")
    throw new Error("not a PNG file");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
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
