/** The seeded hashes live with the mock, which uses them in the package; the test fakes share them from there. */
export * from "../../src/mock/seeded-hash.js";
