// browser.mjs: the probe in a page, bundled with esbuild for the browser (no Node built-ins may be reached) and run in
// headless Chromium, which calls `window.probe(mockUrl, webhookBody)`.
import { probe } from "./probe.mjs";

window.probe = probe;
