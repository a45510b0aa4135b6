/**
 * Maps a request back to its operation's metadata, in both directions the runtime needs:
 *  - by template (`POST`, `/batches`), for raw `client.POST("/batches", …)` calls that need the multipart
 *    serializer;
 *  - by concrete URL (`GET https://…/v2/agent/abc`), for the transport, which only sees a `Request` and must
 *    pick the rate-limit bucket and retry policy.
 * Literal segments win over templated ones (`/v2/agent/all` is `listAgents`, not `getAgent`), as in OpenAPI.
 */
import type { OperationMetadata } from "./metadata.js";

/** What a route needs of an operation; the contract suite routes the spec's own operation objects with it. */
interface Routed {
  readonly method: string;
  readonly path: string;
}

interface CompiledRoute<T extends Routed> {
  readonly method: string;
  readonly pattern: RegExp;
  readonly literalSegments: number;
  readonly meta: T;
}

export interface RouteTable<T extends Routed = OperationMetadata> {
  byTemplate(method: string, template: string): T | undefined;
  /** `basePath` is the path part of the client's base URL (a reverse proxy may mount the API under one). */
  match(method: string, url: URL): T | undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function compile<T extends Routed>(meta: T): CompiledRoute<T> {
  const segments = meta.path.split("/").filter(Boolean);
  const source = segments.map((s) => (/^\{[^}]+\}$/.test(s) ? "[^/]+" : escapeRegExp(s))).join("/");
  return {
    method: meta.method,
    pattern: new RegExp(`^/${source}/?$`),
    literalSegments: segments.filter((s) => !s.startsWith("{")).length,
    meta,
  };
}

export function createRouteTable<T extends Routed = OperationMetadata>(
  operations: Iterable<T>,
  basePath = "",
): RouteTable<T> {
  const all = [...operations];
  const byKey = new Map(all.map((meta) => [`${meta.method} ${meta.path}`, meta]));
  const compiled = all.map(compile).sort((a, b) => b.literalSegments - a.literalSegments);
  const prefix = basePath.replace(/\/+$/, "");
  return {
    byTemplate: (method, template) => byKey.get(`${method.toLowerCase()} ${template}`),
    match(method, url) {
      const lower = method.toLowerCase();
      let path = url.pathname;
      if (prefix && path.startsWith(prefix)) path = path.slice(prefix.length) || "/";
      return compiled.find((route) => route.method === lower && route.pattern.test(path))?.meta;
    },
  };
}
