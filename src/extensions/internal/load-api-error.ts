/**
 * `createAPIError` and what it needs (the status-to-class table, the 403 wording test, the reader of error bodies),
 * loaded on the first non-2xx answer a client turns into an error: a client whose calls succeed never carries it.
 * Kept apart from `errors.ts`, which every chunk imports, so only the client's own graph has this dynamic import.
 */
type APIErrorModule = typeof import("./api-error.js");

let loading: Promise<APIErrorModule> | undefined;

export const loadAPIErrors = (): Promise<APIErrorModule> => (loading ??= import("./api-error.js"));
