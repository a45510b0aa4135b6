/**
 * `bolna-api webhook listen` as a child process: it prints where it listens, one JSON line per verified,
 * de-duplicated delivery on stdout, refusals on stderr (never the secret), and stops on Ctrl-C with status 0.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mainHelp, webhookHelp } from "../../src/cli/help.js";
import { webhookExampleBody } from "../support/spec-examples.js";
import { runCli, startCli, type CliProcess } from "./support/run-cli.js";

const SECRET = "cli-test-secret-6d1f0c";
const { body: DELIVERY } = webhookExampleBody();

describe("bolna-api webhook listen", () => {
  let listener: CliProcess;
  let url: string;

  beforeAll(async () => {
    // The secret from the environment, as the help recommends; loopback is allowed by --allow-any-ip.
    listener = startCli(["webhook", "listen", "--port", "0", "--allow-any-ip"], { BOLNA_WEBHOOK_SECRET: SECRET });
    for (let i = 0; ; i++) {
      const match = /Listening for Bolna webhooks on (http:\/\/\S+\/)/.exec(listener.stderr);
      if (match?.[1] !== undefined) {
        url = match[1];
        break;
      }
      if (listener.child.exitCode !== null || i > 1200)
        throw new Error(`the listener did not start:\n${listener.stdout}\n${listener.stderr}`);
      await new Promise((done) => setTimeout(done, 50));
    }
  }, 90_000);

  afterAll(async () => {
    if (listener.child.exitCode === null) listener.child.kill("SIGTERM");
    await listener.done;
  });

  const post = (query: string, body = DELIVERY) =>
    fetch(`${url}${query}`, { method: "POST", body, headers: { "content-type": "application/json" } });

  it("prints each new delivery once, refuses a wrong secret, and stops on Ctrl-C", async () => {
    expect(listener.stderr).toContain("secret required");
    expect((await post(`?secret=${SECRET}`)).status).toBe(200);
    expect(await (await post(`?secret=${SECRET}`)).json()).toEqual({ received: true, duplicate: true });
    expect((await post("?secret=guess")).status).toBe(403);
    expect((await post(`?secret=${SECRET}`, "{not json")).status).toBe(400);

    listener.child.kill("SIGINT");
    const result = await listener.done;
    expect(result.code).toBe(0);
    expect(
      result.stdout
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([JSON.parse(DELIVERY)]);
    expect(result.stderr).toContain("403 from");
    expect(result.stderr).toContain("Missing or wrong webhook secret.");
    expect(result.stderr).toContain("400 from");
    expect(result.stderr).toContain("Stopped after 1 delivery.");
    expect(result.stderr).not.toContain(SECRET);
  });

  it("refuses a bad --trust-proxy with status 2, before listening", async () => {
    const result = await runCli(["webhook", "listen", "--trust-proxy", "yes"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--trust-proxy must be the number of proxies");
    expect(result.stderr).not.toContain("Listening");
  });

  it("is listed in the main help, and its help says how to try it and what it prints", () => {
    expect(mainHelp()).toContain("bolna-api webhook listen [--port N] [--secret S] [--allow-any-ip]");
    expect(webhookHelp()).toContain("one line of JSON");
    expect(webhookHelp()).toContain("--allow-any-ip");
  });
});
