/**
 * The README's "Building an agent" example: it is `examples/build-agent.ts` word for word (so `npm run typecheck`
 * compiles exactly what the README shows), and it runs against a Prism mock of the spec: create, read back, save
 * again, with the bodies on the wire being the typed agent and what was read.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as buildAgent from "../../examples/build-agent.js";
import { startPrism, type PrismProcess } from "../../src/mock/prism.js";

const ROOT = resolve(import.meta.dirname, "../..");

let mock: PrismProcess;
beforeAll(async () => {
  mock = await startPrism();
}, 60_000);
afterAll(async () => {
  await mock?.stop();
});

describe("README: Building an agent", () => {
  it("shows examples/build-agent.ts between its readme markers, word for word", async () => {
    const [readme, example] = await Promise.all([
      readFile(resolve(ROOT, "README.md"), "utf8"),
      readFile(resolve(ROOT, "examples/build-agent.ts"), "utf8"),
    ]);
    const region = /\/\/ #region readme\n([\s\S]*?)\/\/ #endregion readme/.exec(example)?.[1];
    expect(region, "the example's readme region").toBeDefined();
    const section = readme.slice(readme.indexOf("## Building an agent"));
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBe(region?.replace('"../src/index.js"', '"bolna-api-client"'));
  });

  it("creates the agent, reads it back and saves what it read, against the mock", async () => {
    const sent: Array<{ method: string; body: unknown }> = [];
    const recordingFetch = async (request: Request) => {
      const text = await request.clone().text();
      sent.push({ method: request.method, body: text ? JSON.parse(text) : undefined });
      return fetch(request);
    };
    const lines: string[] = [];
    const status = await buildAgent.main({
      baseUrl: mock.url,
      apiKey: "test-key",
      mock: true,
      fetch: recordingFetch,
      log: (line) => lines.push(line),
    });
    expect(status).toBe(0);
    expect(sent.map((s) => s.method)).toEqual(["POST", "GET", "PUT"]);
    expect(sent[0]?.body).toEqual(JSON.parse(JSON.stringify(buildAgent.lateCheckIn)));
    // The mock's stored agent is the spec's graph-agent example; its event transition is found and it is saved back.
    expect(lines).toEqual([
      'Created "Cedar Lodge late check-in" and read it back.',
      'Event transition: remind → thanks on "payment_received"',
    ]);
    expect(sent[2]?.body).toMatchObject({ agent_config: { agent_name: "Lakeside Power bill desk" } });
  });
});
