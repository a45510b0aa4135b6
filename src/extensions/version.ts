/**
 * The package name and version sent in the client's `User-Agent` and `X-Bolna-Client` headers. Hand-written, not
 * generated, so a version bump is not generated-code drift; test/unit/version.test.ts keeps it equal to
 * package.json.
 */
export const SDK_NAME = "bolna-api-client";
export const SDK_VERSION = "0.1.0";
