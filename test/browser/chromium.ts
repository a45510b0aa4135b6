/**
 * Debian's headless Chromium for the browser tests: where it is, the flags that work on this closed-network
 * machine, and the message a suite skips with when it is not installed.
 */
import { existsSync } from "node:fs";

export const CHROMIUM = process.env["CHROMIUM_PATH"] || "/usr/bin/chromium";
export const HAS_CHROMIUM = existsSync(CHROMIUM);

/** Why `what` is skipped when Chromium is missing, and how to install it. */
export function chromiumSkipReason(what: string): string {
  return (
    `Chromium is not installed (${CHROMIUM} does not exist), so ${what} is skipped. ` +
    "Install it with `apt-get install -y chromium` (as root; or run scripts/ensure-chromium.sh), " +
    "or point CHROMIUM_PATH at a Chromium binary."
  );
}

/** The flags that work on this closed-network machine (see .library/env/machines/node.md). Playwright adds
 * `--headless` and a fresh temporary `--user-data-dir` (deleted on close) itself; it rejects the latter here. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
