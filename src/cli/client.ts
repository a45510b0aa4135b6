/**
 * The client every API command uses: the library's own `createBolnaClient`, so the CLI sends exactly what a library
 * caller would (same checks, limiter, retries, errors). The key comes only from `BOLNA_API_KEY`.
 */
import { createBolnaClient, type BolnaClient, type BolnaClientOptions } from "../index.js";
import { MissingApiKeyError } from "./exit.js";

export function createCliClient(
  baseUrl: string | undefined,
  options: Pick<BolnaClientOptions, "maxRetries"> = {},
  env: NodeJS.ProcessEnv = process.env,
): BolnaClient {
  if (!env["BOLNA_API_KEY"]?.trim()) {
    throw new MissingApiKeyError(
      "BOLNA_API_KEY is not set. Export your Bolna API key in it first, e.g. `read -rs BOLNA_API_KEY && export " +
        "BOLNA_API_KEY` (the CLI never takes the key as a flag, where shell history would keep it).",
    );
  }
  return createBolnaClient({ ...options, env, ...(baseUrl === undefined ? {} : { baseUrl }) });
}
