/**
 * Resolves the client's credentials and base URL from explicit options and the environment.
 *
 * - `apiKey`: the option, else `BOLNA_API_KEY`; trimmed, and a blank value counts as missing. A missing key is
 *   a `ConfigurationError` that names the variable (it can never contain the key: there is none).
 * - `baseUrl`: the option, else `BOLNA_BASE_URL`, else production. HTTPS is required because the key travels in
 *   a header; plain HTTP is allowed only for loopback hosts (the local Prism mock, test servers).
 */
import { ConfigurationError } from "./errors.js";

export const DEFAULT_BASE_URL = "https://api.bolna.ai";

export interface ResolvedConfig {
  apiKey: string;
  baseUrl: string;
}

type Env = Record<string, string | undefined>;

function readEnv(env: Env | undefined, name: string): string | undefined {
  const source = env ?? (typeof process === "undefined" ? {} : process.env);
  const value = source[name]?.trim();
  return value ? value : undefined;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

export function resolveConfig(options: { apiKey?: string; baseUrl?: string; env?: Env }): ResolvedConfig {
  const apiKey = options.apiKey?.trim() || readEnv(options.env, "BOLNA_API_KEY");
  if (!apiKey) {
    throw new ConfigurationError(
      "No Bolna API key: pass `apiKey` to createBolnaClient() or set the BOLNA_API_KEY environment variable " +
        "(a blank value counts as unset).",
    );
  }
  const raw = options.baseUrl?.trim() || readEnv(options.env, "BOLNA_BASE_URL") || DEFAULT_BASE_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigurationError(`Invalid base URL ${JSON.stringify(raw)}: expected an absolute http(s) URL.`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname))) {
    throw new ConfigurationError(
      `Refusing base URL ${url.origin}: the API key is sent with every request, so HTTPS is required ` +
        "(plain http:// is allowed only for localhost, 127.0.0.0/8 and [::1]).",
    );
  }
  if (url.username || url.password) {
    throw new ConfigurationError("The base URL must not contain credentials; pass the API key as `apiKey`.");
  }
  url.search = "";
  url.hash = "";
  return { apiKey, baseUrl: url.toString().replace(/\/+$/, "") };
}
