/**
 * Compile-time contract of agent configuration, checked by `npm run typecheck` (tsc), never executed. Each
 * `@ts-expect-error` line must fail to compile; the wrong configs mirror `test/fixtures/agents/wrong.ts` (the ones
 * marked `compileTime`), which the client also refuses at runtime.
 *
 * The small builders below are generic over the part they receive (`T extends AgentTask`), so the literal types of
 * what a test writes reach `defineAgent`/`createAgent` unchanged, as if the whole agent were written inline.
 */
import { expectTypeOf } from "vitest";
import {
  defineAgent,
  type Agent,
  type AgentTask,
  type BolnaClient,
  type EventGraphEdge,
  type GraphEdge,
  type GraphNode,
  type Synthesizer,
  type ToolsConfig,
} from "../../src/index.js";

declare const bolna: BolnaClient;
const agent_id = "5f0a1b2c-3d4e-4f50-8a1b-2c3d4e5f6a7b";

const tools = {
  llm_agent: { agent_type: "simple_llm_agent", llm_config: { provider: "openai", model: "gpt-4.1-mini" } },
  synthesizer: { provider: "elevenlabs", provider_config: { voice: "Nora", voice_id: "Zq4Lm8Tx2Vb6Nc1Rw9Ks", model: "eleven_turbo_v2_5" } },
  transcriber: { provider: "deepgram", model: "nova-3", language: "en" },
  input: { provider: "plivo", format: "wav" },
  output: { provider: "plivo", format: "wav" },
} satisfies ToolsConfig;
const toolchain = { execution: "parallel", pipelines: [["transcriber", "llm", "synthesizer"]] } satisfies AgentTask["toolchain"];
const task = { task_type: "conversation", tools_config: tools, toolchain } satisfies AgentTask;

function agentWith<const T extends AgentTask>(changed: T) {
  return { agent_config: { agent_name: "Type test", tasks: [changed] }, agent_prompts: { task_1: { system_prompt: "Be brief." } } };
}
function toolsWith<const T extends ToolsConfig>(changed: T) {
  return agentWith({ ...task, tools_config: changed });
}
function graphWith<const N extends GraphNode[]>(nodes: N, variable_types: Record<string, "string" | "number" | "boolean"> = {}) {
  const llm_config = { provider: "openai", model: "gpt-4.1-mini", agent_information: "Be brief.", current_node_id: "a", variable_types, nodes } as const;
  return toolsWith({ ...tools, llm_agent: { agent_type: "graph_agent", llm_config } });
}

export function definedAgentsKeepTheirLiteralTypes() {
  const simple = defineAgent(agentWith(task));
  expectTypeOf(simple.agent_config.tasks[0]?.tools_config.synthesizer?.provider).toEqualTypeOf<"elevenlabs" | undefined>();
  const graph = defineAgent(graphWith([{ id: "a", prompt: "Greet the caller.", edges: [] }]));
  expectTypeOf(graph.agent_config.tasks[0]?.tools_config.llm_agent?.agent_type).toEqualTypeOf<"graph_agent" | undefined>();
}

export function wrongTypesAndKeysAreCompileErrors() {
  // @ts-expect-error: a number sent as text (the client also accepts it at runtime, as Bolna's server reads it)
  defineAgent(agentWith({ ...task, task_config: { call_terminate: "90" } }));
  // @ts-expect-error: a misspelt task_config key
  defineAgent(agentWith({ ...task, task_config: { hangup_after_silense: 10 } }));
  // @ts-expect-error: a misspelt telephony provider
  defineAgent(toolsWith({ ...tools, input: { provider: "twillio", format: "wav" } }));
  // @ts-expect-error: a flat pipeline
  defineAgent(agentWith({ ...task, toolchain: { execution: "parallel", pipelines: ["transcriber", "llm", "synthesizer"] } }));
  // @ts-expect-error: a task without its toolchain
  defineAgent(agentWith({ task_type: "conversation", tools_config: tools }));
}

export function knownProvidersAreCheckedAndUnknownOnesAccepted() {
  const voice = tools.synthesizer.provider_config;
  // @ts-expect-error: a misspelt ElevenLabs voice setting (the catch-all alternative does not swallow it)
  defineAgent(toolsWith({ ...tools, synthesizer: { provider: "elevenlabs", provider_config: { ...voice, similarity_bost: 0.7 } } }));
  // @ts-expect-error: an ElevenLabs voice without its model
  defineAgent(toolsWith({ ...tools, synthesizer: { provider: "elevenlabs", provider_config: { voice_id: "Zq4Lm8Tx2Vb6Nc1Rw9Ks" } } }));
  // @ts-expect-error: a GPT-5 setting on an Anthropic model
  defineAgent(toolsWith({ ...tools, llm_agent: { agent_type: "simple_llm_agent", llm_config: { provider: "anthropic", model: "claude-sonnet-5", reasoning_effort: "low" } } }));
  // @ts-expect-error: an unknown reasoning effort
  defineAgent(toolsWith({ ...tools, llm_agent: { agent_type: "simple_llm_agent", llm_config: { provider: "openai", model: "gpt-5.4-mini", reasoning_effort: "maximum" } } }));
  // A language Bolna's reference does not list compiles: the server takes any.
  defineAgent(toolsWith({ ...tools, transcriber: { provider: "sarvam", model: "saaras:v4", language: "kn" } }));

  // A provider Bolna knows but this spec does not describe compiles, with any settings...
  defineAgent(toolsWith({ ...tools, synthesizer: { provider: "kalpa", provider_config: { voice: "Kiara", acoustic_temperature: 0.6 } } }));
  defineAgent(toolsWith({ ...tools, transcriber: { provider: "google", diarize: true } }));
  defineAgent(toolsWith({ ...tools, llm_agent: { agent_type: "simple_llm_agent", llm_config: { provider: "groq", model: "llama-3.3-70b", service_tier: "on_demand" } } }));
  // ...but the synthesizer's own keys stay checked.
  // @ts-expect-error: a misspelt key next to a provider without described settings
  defineAgent(toolsWith({ ...tools, synthesizer: { provider: "kalpa", provider_config: {}, strem: true } }));
  // @ts-expect-error: a voice provider Bolna does not know
  defineAgent(toolsWith({ ...tools, synthesizer: { provider: "newvendor", provider_config: { timbre: "warm" } } }));
  // @ts-expect-error: a speech-recognition provider Bolna does not know
  defineAgent(toolsWith({ ...tools, transcriber: { provider: "newvendor", diarize: true } }));

  // A plain annotation catches a misspelt provider setting too, now that no catch-all takes "elevenlabs".
  // @ts-expect-error: a misspelt ElevenLabs setting under a plain annotation
  const plain: Synthesizer = { provider: "elevenlabs", provider_config: { voice: "Nora", voice_id: "x", model: "y", similarity_bost: 0.7 } };
  void plain;
}

export function graphAgentsAreModelled() {
  defineAgent(graphWith([{ id: "a", prompt: "Say hello.", edges: [{ to_node_id: "a", condition_type: "event", event_name: "ping" }] }]));
  defineAgent(
    graphWith([
      { id: "a", node_type: "router", edges: [{ to_node_id: "b", condition: "The caller is in a hurry" }, { to_node_id: "b", condition_type: "unconditional" }] },
      { id: "b", node_type: "static", static_message: { en: "Goodbye.", hi: "अलविदा।" } },
    ]),
  );
  // @ts-expect-error: a misspelt condition_type
  defineAgent(graphWith([{ id: "a", edges: [{ to_node_id: "a", condition_type: "expresion", expression: { conditions: [] } }] }]));
  // @ts-expect-error: an edge without to_node_id
  defineAgent(graphWith([{ id: "a", edges: [{ condition: "The caller is done" }] }]));
  // @ts-expect-error: an expression edge without its expression
  defineAgent(graphWith([{ id: "a", edges: [{ to_node_id: "a", condition_type: "expression" }] }]));
  // @ts-expect-error: an event edge without the event's name
  defineAgent(graphWith([{ id: "a", edges: [{ to_node_id: "a", condition_type: "event" }] }]));
  // @ts-expect-error: an event edge on a router
  defineAgent(graphWith([{ id: "r", node_type: "router", edges: [{ to_node_id: "a", condition_type: "event", event_name: "x" }] }]));
  // @ts-expect-error: a router that speaks
  defineAgent(graphWith([{ id: "r", node_type: "router", prompt: "Hello!", edges: [{ to_node_id: "a", condition_type: "unconditional" }] }]));
  // @ts-expect-error: a static node without its message
  defineAgent(graphWith([{ id: "s", node_type: "static", edges: [] }]));
  // @ts-expect-error: an LLM edge carrying an expression (it needs condition_type "expression")
  defineAgent(graphWith([{ id: "a", edges: [{ to_node_id: "a", expression: { conditions: [{ variable: "_node_turns", operator: "gt", value: 1 }] } }] }]));
  // @ts-expect-error: a misspelt expression operator
  defineAgent(graphWith([{ id: "a", edges: [{ to_node_id: "a", condition_type: "expression", expression: { conditions: [{ variable: "x", operator: "greater_or_equal", value: 1 }] } }] }]));
  // @ts-expect-error: an unknown variable type
  defineAgent(graphWith([{ id: "a" }], { hub: "text" }));

  // Edges narrow by condition_type.
  const edge = {} as GraphEdge;
  if (edge.condition_type === "event") expectTypeOf(edge.event_name).toEqualTypeOf<EventGraphEdge["event_name"]>();
}

export function toolsAreChecked() {
  const transfer = { key: "transfer_call", name: "handover", description: "Hand over." } as const;
  defineAgent(toolsWith({ ...tools, api_tools: { tools: [transfer], tools_params: { handover: { method: "POST", url: null, scope: "node", nodes: ["b"] } } } }));
  // @ts-expect-error: a misspelt tool setting
  defineAgent(toolsWith({ ...tools, api_tools: { tools: [transfer], tools_params: { handover: { method: "POST", url: null, api_tokn: "Bearer x" } } } }));
  // @ts-expect-error: an API lookup without its token
  defineAgent({ ...agentWith(task), agent_config: { agent_name: "x", tasks: [task], ingest_source_config: { source_type: "api", source_url: "https://example.org/crm" } } });
}

export async function theMethodsCheckTheSameWay() {
  await bolna.createAgent(defineAgent(agentWith(task)));
  await bolna.replaceAgent({ agent_id, ...defineAgent(graphWith([{ id: "a", prompt: "Greet the caller.", edges: [] }])) });
  // @ts-expect-error: createAgent checks like defineAgent (a misspelt ElevenLabs setting)
  await bolna.createAgent(toolsWith({ ...tools, synthesizer: { provider: "elevenlabs", provider_config: { voice_id: "x", model: "y", sped: 1 } } }));
  await bolna.patchAgent({ agent_id, agent_config: { telephony_provider: "vobiz", calling_guardrails: { call_start_hour: 9, call_end_hour: 17 } } });
  // @ts-expect-error: a PATCH of a field PATCH cannot change
  await bolna.patchAgent({ agent_id, agent_config: { tasks: [] } });
  // @ts-expect-error: a PATCH of a prompt without its text
  await bolna.patchAgent({ agent_id, agent_prompts: { task_1: {} } });
}

export async function responsesHaveTheSameShapes() {
  const agent = await bolna.getAgent({ agent_id });
  expectTypeOf(agent).toEqualTypeOf<Agent>();
  const config = agent.agent_config;
  const prompts = agent.agent_prompts;
  if (config && prompts) {
    expectTypeOf(config.tasks[0]?.tools_config.synthesizer).toEqualTypeOf<Synthesizer | undefined>();
    // What was read can be sent back as it is.
    await bolna.replaceAgent({ agent_id, agent_config: config, agent_prompts: prompts });
  }
  const [first] = await bolna.listAgents();
  expectTypeOf(first?.id).toEqualTypeOf<string | undefined>();
}

/**
 * Where the error lands: each `@ts-expect-error` below covers only the line after it, so these compile only while
 * the error is reported at the misspelt key itself, not at `tasks` several levels up.
 */
export async function aMisspeltNestedKeyIsReportedAtThatKey() {
  await bolna.createAgent({
    agent_config: {
      agent_name: "Type test",
      tasks: [
        {
          task_type: "conversation",
          toolchain,
          tools_config: {
            ...tools,
            synthesizer: {
              provider: "elevenlabs",
              // @ts-expect-error: voice_Id is not an ElevenLabs setting (voice_id is)
              provider_config: { voice_Id: "Zq4Lm8Tx2Vb6Nc1Rw9Ks", model: "eleven_turbo_v2_5" },
            },
          },
        },
      ],
    },
    agent_prompts: { task_1: { system_prompt: "Be brief." } },
  });
  defineAgent({
    agent_config: {
      agent_name: "Type test",
      tasks: [
        {
          ...task,
          // @ts-expect-error: a misspelt task_config key, reported at that key
          task_config: { hangup_after_silense: 10 },
        },
      ],
    },
    agent_prompts: { task_1: { system_prompt: "Be brief." } },
  });
}
