/**
 * Which spec operation a request is, and its path parameters: the client's own route table over the bundled
 * spec (literal segments win, as in OpenAPI), so a fake answers exactly the paths the spec declares.
 */
import { matchOperation } from "../contract/support/spec.js";

export interface RoutedRequest {
  operationId: string;
  /** Path parameters by name, URL-decoded. */
  params: Record<string, string>;
}

export function routeRequest(method: string, path: string): RoutedRequest | undefined {
  const operation = matchOperation(method, new URL(path, "http://fake"));
  if (operation === undefined) return undefined;
  const template = operation.path.split("/");
  const actual = path.replace(/\/$/, "").split("/");
  const params: Record<string, string> = {};
  template.forEach((segment, i) => {
    const name = /^\{(.+)\}$/.exec(segment)?.[1];
    if (name !== undefined) params[name] = decodeURIComponent(actual[i] as string);
  });
  return { operationId: operation.operationId, params };
}
