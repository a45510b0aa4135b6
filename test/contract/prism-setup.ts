/**
 * Vitest global setup for the contract project: one Prism mock of the bundled spec per run, on a free loopback
 * port, stopped in teardown. Tests read its URL with `inject("prismUrl")`.
 */
import type { TestProject } from "vitest/node";
import { startPrismMock } from "../../scripts/lib/prism.js";

declare module "vitest" {
  export interface ProvidedContext {
    prismUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const mock = await startPrismMock();
  project.provide("prismUrl", mock.url);
  return () => mock.stop();
}
