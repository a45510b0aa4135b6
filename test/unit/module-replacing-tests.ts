/**
 * Unit test files that replace a module with `vi.mock`/`vi.doMock`. They run in the `unit-isolated` project, with a
 * module registry of their own, because the `unit` project shares one registry between the files of a worker.
 */
export const MODULE_REPLACING_TESTS = ["test/unit/validate-responses-lazy.test.ts"];
