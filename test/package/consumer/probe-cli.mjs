// probe-cli.mjs: the probe as a script, for Node, Bun and Deno: `<runtime> probe-cli.mjs <mock URL> <webhook body>`.
// Prints the probe's result as one JSON line.
import { probe } from "./probe.mjs";

const [baseUrl, delivery] = globalThis.Deno?.args ?? process.argv.slice(2);
console.log(JSON.stringify(await probe(baseUrl, delivery)));
