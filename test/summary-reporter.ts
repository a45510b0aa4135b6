/**
 * A vitest reporter that adds one plain closing line, `vitest: N passed, N failed, N skipped`, after the default
 * report, so tools that read a run's last lines see the totals of every project in one place. The line is also
 * written to build/test-summary.txt, which `.ci/run` prints last, after the build and package checks.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import type { Reporter, TestModule } from "vitest/node";

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") counts.passed++;
        else if (state === "failed") counts.failed++;
        else counts.skipped++;
      }
    }
    const line = `vitest: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
    process.stdout.write(`\n${line}\n`);
    mkdirSync("build", { recursive: true });
    writeFileSync("build/test-summary.txt", `${line}\n`);
  }
}
