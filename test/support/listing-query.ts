/**
 * What `GET /v2/agent/{agent_id}/executions` accepts, read from the bundled spec and judged by Ajv: each query
 * parameter against its own schema (type, minimum, maximum, enum, pattern, `format: date-time`), the required ones,
 * the `x-bolna-max-window` span, and the defaults. Nothing here restates a limit, so the fakes refuse exactly what
 * the spec says the live API refuses, and move with the spec.
 *
 * Contract:
 * - `readListingQuery(agentId, params, simulated)`: the query the fakes answer, or a `Refusal` saying what is wrong
 *   (a 400 with `{detail}`, as Bolna answers a bad query). The filters (query parameters that neither page nor
 *   bound the window) are checked like the rest; one not in `simulated` is refused, since a fake that ignored it
 *   would answer records the filter should have dropped.
 * - `LISTING_LIMITS`: the page-size bounds and the widest window, for callers that plan requests.
 * - `windowsOf(from, to)`: a range cut into consecutive windows as wide as the spec allows, as the export cuts it.
 */
import { validatorFor } from "../contract/support/ajv.js";
import { operation, type Schema } from "../contract/support/spec.js";

const DAY_MS = 86_400_000;
const listing = operation("listAgentExecutions");

function declared<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`listAgentExecutions has no ${what} in the spec`);
  return value;
}

const window = declared(listing.maxWindow, "x-bolna-max-window");
const paging = declared(
  (listing.raw["x-bolna-pagination"] as { request?: { page: string; size: string } } | undefined)?.request,
  "x-bolna-pagination",
);

const queryParameters = listing.parameters.filter((parameter) => parameter.in === "query");

const pageSize = declared(
  queryParameters.find((parameter) => parameter.name === paging.size)?.schema,
  `query parameter ${paging.size}`,
);

export const LISTING_LIMITS = {
  minPageSize: pageSize.minimum as number,
  maxPageSize: pageSize.maximum as number,
  maxWindowDays: window.max_days,
  maxWindowMs: window.max_days * DAY_MS,
} as const;

/** The parameters that page and bound the listing; every other query parameter is a filter. */
const CORE = new Set([paging.page, paging.size, window.from, window.to]);

export interface ListingQuery {
  agent_id: string;
  from: string;
  to: string;
  page_number: number;
  page_size: number;
  /** Simulated filters, by name, as sent. */
  filters: Record<string, string>;
}

export interface Refusal {
  status: 400;
  detail: string;
}

/** A query string value as the JSON value its schema's type reads it as (a number, a boolean), else as sent. */
function typed(schema: Schema, value: string): unknown {
  if (schema.type === "integer" || schema.type === "number")
    return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (schema.type === "boolean") return value === "true" ? true : value === "false" ? false : value;
  return value;
}

function refuse(detail: string): Refusal {
  return { status: 400, detail };
}

export function isRefusal(value: ListingQuery | Refusal): value is Refusal {
  return "detail" in value;
}

export function readListingQuery(
  agentId: string,
  params: URLSearchParams,
  simulated: readonly string[] = [],
): ListingQuery | Refusal {
  const values: Record<string, unknown> = {};
  const filters: Record<string, string> = {};
  for (const parameter of queryParameters) {
    const raw = params.get(parameter.name);
    const schema = parameter.schema ?? {};
    if (raw === null) {
      if (parameter.required) return refuse(`${parameter.name} is required`);
      values[parameter.name] = schema.default;
      continue;
    }
    if (!CORE.has(parameter.name) && !simulated.includes(parameter.name)) {
      return refuse(`this fake does not simulate the ${parameter.name} filter`);
    }
    const value = typed(schema, raw);
    const validate = validatorFor(schema);
    if (!validate(value)) {
      const problem = validate.errors?.[0]?.message ?? "is not valid";
      return refuse(`${parameter.name} ${problem} (got ${JSON.stringify(raw)})`);
    }
    values[parameter.name] = value;
    if (!CORE.has(parameter.name)) filters[parameter.name] = raw;
  }
  const from = values[window.from] as string;
  const to = values[window.to] as string;
  const span = Date.parse(to) - Date.parse(from);
  if (span < 0) return refuse(`${window.from} must not be after ${window.to}`);
  if (span > LISTING_LIMITS.maxWindowMs) {
    return refuse(`${window.from} and ${window.to} may be at most ${window.max_days} days apart`);
  }
  return {
    agent_id: agentId,
    from,
    to,
    page_number: values[paging.page] as number,
    page_size: values[paging.size] as number,
    filters,
  };
}

/** `[from, to]` cut into consecutive windows of at most `LISTING_LIMITS.maxWindowDays`, sharing their bounds. */
export function windowsOf(from: string, to: string): Array<{ from: string; to: string }> {
  const out: Array<{ from: string; to: string }> = [];
  const end = Date.parse(to);
  for (let start = Date.parse(from); ; start += LISTING_LIMITS.maxWindowMs) {
    const stop = Math.min(start + LISTING_LIMITS.maxWindowMs, end);
    out.push({ from: new Date(start).toISOString(), to: new Date(stop).toISOString() });
    if (stop === end) return out;
  }
}
