/**
 * The built API reference (build/docs/index.html): rebuilt with `buildDocs` from scripts/docs.ts when it is missing
 * or older than the spec or the docs build scripts, and served read-only from build/docs on 127.0.0.1 (port 0).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, resolve, sep } from "node:path";
import { buildDocs, DOCS_OUTPUT, ROOT } from "../../../scripts/docs.js";

export const DOCS_DIR = resolve(DOCS_OUTPUT, "..");

/**
 * The newest modification time of what the page is built from: redocly.yaml, scripts/docs.ts and everything under
 * openapi/, scripts/docs/ and scripts/generate/ (the code samples use the generator's spec reading).
 */
async function specMtime(): Promise<number> {
  let newest = 0;
  for (const file of ["redocly.yaml", "scripts/docs.ts"])
    newest = Math.max(newest, (await stat(join(ROOT, file))).mtimeMs);
  for (const dir of ["openapi", "scripts/docs", "scripts/generate"]) {
    for (const entry of await readdir(join(ROOT, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
    }
  }
  return newest;
}

/** Builds the page if it is missing or older than the spec. Returns why it was (re)built, or null. */
export async function ensureDocs(): Promise<string | null> {
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
export async function serveDocs(): Promise<{ server: Server; origin: string }> {
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
