/**
 * `npm start`: a short tour of the client, runnable without a Bolna account.
 *
 * - Without BOLNA_BASE_URL and BOLNA_API_KEY (both), it starts the stateful mock (src/mock/server.ts) on a free
 *   loopback port and tours against it: list agents, create an agent, place a call and wait for its final status
 *   (the mock moves it through Bolna's statuses in about a second), export an agent's executions over 15 days
 *   (three ≤ 7-day windows of the mock's seeded history), then stops the mock.
 * - With both set, it uses that API and only reads (list agents, export executions) unless `--allow-calls` is
 *   passed; a real call is placed only with `--allow-calls --to <+E.164>`. The key is never printed.
 *
 *   npm start [-- --allow-calls --to +E164] [--agent <agent_id>] [--days 15]
 *
 * Progress goes to stderr: a bar on a terminal, plain lines otherwise. Exit status 0 on success; any failure
 * prints one clear line on stderr, stops the mock and exits 1 (2 for bad arguments).
 */
import { parseArgs } from "node:util";
import { createProgressReporter } from "../examples/support/progress.js";
import {
  APIError,
  createBolnaClient,
  type BolnaClient,
  type ExportProgress,
  type OperationArgs,
} from "../src/index.js";
import { startMockServer, type MockServer } from "../src/mock/server.js";

const DAY_MS = 86_400_000;
/** The export ends "now", fixed once so the printed range and the export agree. */
const exportEnd = Date.now();

/** A small but complete agent: only what the API requires, plus a welcome message and a prompt. */
const TOUR_AGENT: OperationArgs<"createAgent"> = {
  agent_config: {
    agent_name: "Alfred (bolna-api-client tour)",
    agent_welcome_message: "Hello {name}, this is Alfred about your delivery.",
    tasks: [
      {
        task_type: "conversation",
        tools_config: {
          llm_agent: {
            agent_type: "simple_llm_agent",
            agent_flow_type: "streaming",
            llm_config: {
              provider: "openai",
              family: "openai",
              model: "gpt-4.1-mini",
              max_tokens: 150,
              temperature: 0.1,
            },
          },
          synthesizer: {
            provider: "elevenlabs",
            provider_config: { voice: "Nila", voice_id: "V9LCAAi4tTlqe9JadbCo", model: "eleven_turbo_v2_5" },
            stream: true,
            buffer_size: 250,
            audio_format: "wav",
          },
          transcriber: { provider: "deepgram", model: "nova-3", language: "en", stream: true },
          input: { provider: "twilio", format: "wav" },
          output: { provider: "twilio", format: "wav" },
        },
        toolchain: { execution: "parallel", pipelines: [["transcriber", "llm", "synthesizer"]] },
      },
    ],
  },
  agent_prompts: {
    task_1: {
      system_prompt: "You are Alfred, a polite delivery assistant. Confirm the delivery window {delivery_window}.",
    },
  },
};

const say = (line = ""): void => console.log(line);
const short = (id: string | undefined): string => (id === undefined ? "?" : id.length > 13 ? `${id.slice(0, 8)}…` : id);
const day = (date: Date): string => date.toISOString().slice(0, 10);

class UsageError extends Error {}

interface Options {
  allowCalls: boolean;
  to: string | undefined;
  agent: string | undefined;
  days: number;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      "allow-calls": { type: "boolean", default: false },
      to: { type: "string" },
      agent: { type: "string" },
      days: { type: "string", default: "15" },
    },
  });
  const days = Number(values.days);
  if (!(days > 0 && days <= 366)) throw new UsageError(`--days must be a number from 1 to 366, got ${values.days}.`);
  return { allowCalls: values["allow-calls"], to: values.to, agent: values.agent, days };
}

async function tour(bolna: BolnaClient, live: boolean, options: Options): Promise<void> {
  const writes = !live || options.allowCalls;

  say("1. List the agents: bolna.listAgents()");
  const agents = await bolna.listAgents();
  say(`   ${agents.length} agent${agents.length === 1 ? "" : "s"}:`);
  for (const agent of agents.slice(0, 5)) {
    say(`   - ${agent.agent_name ?? "(unnamed)"} (${short(agent.id)}, ${agent.agent_status ?? "status unknown"})`);
  }
  if (agents.length > 5) say(`   … and ${agents.length - 5} more`);
  let agentId = options.agent ?? agents[0]?.id;
  // The agent whose history step 4 exports: the one given, else the first listed (against the mock, the one most
  // of its seeded calls belong to), else the one created below.
  let exportAgentId = agentId;

  say();
  say("2. Create an agent: bolna.createAgent({ agent_config, agent_prompts })");
  if (writes) {
    const created = await bolna.createAgent(TOUR_AGENT);
    say(`   Created agent ${created.agent_id} (${created.status ?? "created"}).`);
    if (live)
      say(`   It stays in your account; delete it with bolna.deleteAgent({ agent_id: "${created.agent_id}" }).`);
    agentId = options.agent ?? created.agent_id ?? agentId;
    exportAgentId ??= agentId;
  } else {
    say("   Skipped: it would change your account. Pass --allow-calls to create one.");
  }

  say();
  say("3. Place a call and wait for its final status: bolna.makeCallAndWait(...)");
  const to = live ? options.to : "+10123456789";
  if (!writes) {
    say("   Skipped: it would dial a real phone. Pass --allow-calls --to <+E.164 number> to place one.");
  } else if (to === undefined || agentId === undefined) {
    say(`   Skipped: ${to === undefined ? "pass --to <+E.164 number> to say whom to call" : "no agent to call with"}.`);
  } else {
    // POST /call is sent once, whatever happens during the wait: a retry could dial twice.
    const { call, execution } = await bolna.makeCallAndWait(
      { agent_id: agentId, recipient_phone_number: to, user_data: { name: "Bruce" } },
      {
        timeoutMs: live ? 15 * 60_000 : 60_000,
        onStatus: (e) => say(`   … ${e.status}`),
      },
    );
    say(
      `   Execution ${short(call.execution_id ?? call.id)} ended ${execution.status}` +
        (execution.conversation_duration ? `, ${execution.conversation_duration} s of conversation` : "") +
        (execution.total_cost == null ? "" : `, cost ${execution.total_cost} cents`) +
        ".",
    );
  }

  say();
  const until = new Date(exportEnd);
  const from = new Date(exportEnd - options.days * DAY_MS);
  const windows = Math.ceil(options.days / 7);
  say(`4. Export an agent's executions from ${day(from)} to ${day(until)}: bolna.exportExecutions(...)`);
  if (exportAgentId === undefined) {
    say("   Skipped: the account has no agent (pass --agent <agent_id>).");
    return;
  }
  say(
    `   ${options.days} days is more than the 7 Bolna allows per request, so the client splits the range into ` +
      `${windows} window${windows === 1 ? "" : "s"} and pages through each (progress on stderr).`,
  );
  const progress = createProgressReporter(process.stderr);
  let last: ExportProgress | undefined;
  const statuses = new Map<string, number>();
  let records = 0;
  let cost = 0;
  const exported = bolna.exportExecutions({
    agent_id: exportAgentId,
    from,
    to: until,
    onProgress: (p) => {
      last = p;
      progress.update(p);
    },
  });
  try {
    for await (const execution of exported) {
      records++;
      statuses.set(execution.status, (statuses.get(execution.status) ?? 0) + 1);
      cost += execution.total_cost ?? 0;
    }
  } finally {
    progress.done(); // ends the bar's line, also when the export fails
  }
  const byStatus = [...statuses].sort((a, b) => b[1] - a[1]).map(([status, n]) => `${status} ${n}`);
  say(`   Summary for agent ${short(exportAgentId)}:`);
  say(`   - records:    ${records} (each execution once)`);
  say(`   - pages:      ${last?.overall.pagesDone ?? 0} over ${last?.overall.windowCount ?? windows} windows`);
  say(`   - statuses:   ${statuses.size} (${byStatus.join(", ") || "none"})`);
  say(`   - total cost: ${Math.round(cost * 100) / 100} cents`);
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = readOptions();
  } catch (error) {
    console.error(`npm start: ${(error as Error).message}`);
    console.error("Usage: npm start [-- --allow-calls --to +E164] [--agent <agent_id>] [--days 15]");
    return 2;
  }

  const baseUrl = process.env["BOLNA_BASE_URL"]?.trim();
  const apiKey = process.env["BOLNA_API_KEY"]?.trim();
  const live = Boolean(baseUrl && apiKey);
  let mock: MockServer | undefined;
  let stopping = false;
  const onSignal = (): void => {
    if (stopping) return;
    stopping = true;
    console.error("\nInterrupted; stopping.");
    void (mock?.close() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);

  say("Bolna API client tour (unofficial TypeScript client)");
  try {
    let bolna: BolnaClient;
    if (live) {
      bolna = createBolnaClient({ baseUrl: baseUrl as string, apiKey: apiKey as string });
      say(`Using the real Bolna API at ${bolna.baseUrl} (API key from BOLNA_API_KEY, not shown).`);
      say(
        options.allowCalls
          ? "--allow-calls: this tour will create an agent and, with --to, place a real call."
          : "Read-only: nothing is created and no call is placed (pass --allow-calls to change that).",
      );
    } else {
      say("BOLNA_BASE_URL and BOLNA_API_KEY are not both set, so the tour runs against a local mock.");
      // Stateful: agents are kept, calls move through Bolna's statuses (a tenth of real time), and the listing holds
      // a month of seeded calls; Prism still checks every request against the spec.
      mock = await startMockServer({ port: 0, stateful: true, timeScale: 0.1 });
      say(`Started a stateful mock of the API at ${mock.url}: calls progress, agents are kept, and no request`);
      say("leaves this machine (any API key works against it).");
      bolna = createBolnaClient({ baseUrl: mock.url, apiKey: "mock-key" });
    }
    say();
    await tour(bolna, live, options);
    say();
    say("Done. More in examples/ (npm run example) and the README.");
    return 0;
  } catch (error) {
    console.error(`\nnpm start failed: ${describeError(error)}`);
    if (!live) console.error("(This ran against the local mock; a failure here is a bug in the client or the spec.)");
    return 1;
  } finally {
    if (mock !== undefined) {
      await mock.close();
      say("Mock stopped.");
    }
  }
}

function describeError(error: unknown): string {
  if (error instanceof APIError) return `${error.name}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

process.exitCode = await main();
