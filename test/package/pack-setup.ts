/**
 * Vitest global setup for the package project: the tarball is built, packed and installed once per run
 * (`packAndInstall`), and every test file of the project reads the same projects with `inject("consumerProjects")`.
 * Teardown deletes them.
 */
import type { TestProject } from "vitest/node";
import { packAndInstall, type ConsumerProjects } from "./project.js";

declare module "vitest" {
  export interface ProvidedContext {
    consumerProjects: Omit<ConsumerProjects, "cleanup">;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { cleanup, ...projects } = await packAndInstall();
  project.provide("consumerProjects", projects);
  return cleanup;
}
