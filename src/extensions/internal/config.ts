/**
 * Resolves the client's credentials and base URL from explicit options and the environment.
 *
 * - `apiKey`: the option, else `BOLNA_API_KEY`, trimmed. A missing key, a blank `BOLNA_API_KEY` with no option, an
 *   explicit blank `apiKey`, or a key with a character an HTTP header cannot carry (a line break, a space, a
 *   non-ASCII character) is a `ConfigurationError`, which never contains the key.
 * - `baseUrl`: the option, else `BOLNA_BASE_URL`, else production. HTTPS is required because the key travels in
 *   a header; plain HTTP is allowed only for loopback hosts (the local Prism mock, test servers). Errors about it
 *   never show the credentials or query of the URL given.
 * - `logLevel`: the option, else `BOLNA_LOG` (any case), else `"off"`.
 */
import { ConfigurationError } from "../errors.js";
import { isLogLevel, LOG_LEVELS, type LogLevel } from "../logger.js";
import { isLoopbackHost } from "./loopback.js";

/** Where the client sends requests unless `baseUrl` or `BOLNA_BASE_URL` says otherwise. */
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

/** Visible ASCII: what a bearer token is made of, and all an HTTP header value can carry safely. */
const TOKEN = /^[\x21-\x7e]+$/;

/** Names the first character a header cannot carry, by kind and position only (never the key itself). */
function describeBadCharacter(key: string): string {
  const index = [...key].findIndex((char) => !TOKEN.test(char));
  const char = [...key][index] ?? "";
  const kind = /[\r\n]/.test(char)
    ? "a line break"
    : /\s/.test(char)
      ? "whitespace"
      : char.charCodeAt(0) < 0x20 || char === "\x7f"
        ? "a control character"
        : "a non-ASCII character";
  return `${kind} at position ${index + 1}`;
}

function resolveApiKey(options: { apiKey?: string; env?: Env }): string {
  let apiKey: string | undefined;
  if (options.apiKey !== undefined) {
    if (typeof options.apiKey !== "string" || options.apiKey.trim() === "") {
      throw new ConfigurationError(
        "apiKey is blank: pass your Bolna API key, or leave `apiKey` out to use the BOLNA_API_KEY environment variable.",
      );
    }
    apiKey = options.apiKey.trim();
  } else {
    apiKey = readEnv(options.env, "BOLNA_API_KEY");
  }
  if (!apiKey) {
    throw new ConfigurationError(
      "No Bolna API key: pass `apiKey` to createBolnaClient() or set the BOLNA_API_KEY environment variable " +
        "(a blank value counts as unset).",
    );
  }
  if (!TOKEN.test(apiKey)) {
    throw new ConfigurationError(
      `The API key contains ${describeBadCharacter(apiKey)}, which an HTTP header cannot carry; a Bolna key is ` +
        "letters, digits and punctuation only. Check for a stray character copied with it.",
    );
  }
  return apiKey;
}

/** A base URL as an error may show it: without credentials or query (either may hold a secret). */
function displayUrl(raw: string): string {
  return JSON.stringify(raw.replace(/^([^:/?#]+:\/\/)?[^/?#]*@/, "$1[credentials]@").replace(/[?#].*$/s, ""));
}

export function resolveConfig(options: { apiKey?: string; baseUrl?: string; env?: Env }): ResolvedConfig {
  const apiKey = resolveApiKey(options);
  const raw = options.baseUrl?.trim() || readEnv(options.env, "BOLNA_BASE_URL") || DEFAULT_BASE_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigurationError(`Invalid base URL ${displayUrl(raw)}: expected an absolute http(s) URL.`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
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

/** The log level from the option, else `BOLNA_LOG`; an unknown level is refused rather than silently ignored. */
export function resolveLogLevel(options: { logLevel?: LogLevel; env?: Env }): LogLevel {
  if (options.logLevel !== undefined) return options.logLevel;
  const fromEnv = readEnv(options.env, "BOLNA_LOG")?.toLowerCase();
  if (fromEnv === undefined) return "off";
  if (!isLogLevel(fromEnv)) {
    throw new ConfigurationError(`BOLNA_LOG must be one of ${LOG_LEVELS.join(", ")}; got ${JSON.stringify(fromEnv)}.`);
  }
  return fromEnv;
}
