/**
 * Vitest global setup for the contract project: one Prism of the bundled spec per run, on a free loopback port,
 * stopped in teardown. Tests read its URL with `inject("prismUrl")`. This is Prism itself, without the mock
 * server's front (src/mock/server.ts): the contract is checked against the spec as Prism serves it.
 */
import type { TestProject } from "vitest/node";
import { startPrism } from "../../src/mock/prism.js";

declare module "vitest" {
  export interface ProvidedContext {
    prismUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const prism = await startPrism();
  project.provide("prismUrl", prism.url);
  return () => prism.stop();
}
