/**
 * Build a graph agent with typed construction, create it, read it back and save what was read.
 *
 *   npm run example -- build-agent
 *
 * The agent answers a lodge's late check-in line in English and Hindi: it transfers guests who ask for a person,
 * speaks up by itself when the lodge's system posts a `room_ready` event to the live call, and ends the call after
 * two silent rounds. The part between the `readme` markers is the README's "Building an agent" example, word for
 * word (a test compares them). Against the mock, `getAgent` is asked for the spec's graph-agent example, since
 * Prism does not store what was created.
 */
import { fetchOption, runAsScript, withDefaults, type ExampleContext } from "./support/context.js";
// #region readme
import { createBolnaClient, defineAgent, type BolnaClient } from "../src/index.js";

const lateCheckIn = defineAgent({
  agent_config: {
    agent_name: "Cedar Lodge late check-in",
    agent_welcome_message: { en: "Cedar Lodge, good evening!", hi: "सीडर लॉज, शुभ संध्या!" },
    tasks: [
      {
        task_type: "conversation",
        toolchain: { execution: "parallel", pipelines: [["transcriber", "llm", "synthesizer"]] },
        task_config: { hangup_after_LLMCall: false, call_hangup_message: { en: "Good night!", hi: "शुभ रात्रि!" } },
        tools_config: {
          llm_agent: {
            agent_type: "graph_agent",
            llm_config: {
              provider: "openai",
              model: "gpt-4.1-mini",
              agent_information: "You are Ira at Cedar Lodge's front desk. One or two short sentences.",
              current_node_id: "greet",
              nodes: [
                {
                  id: "greet",
                  prompt: "Ask for the guest's name and tell them their room is being prepared.",
                  repeat_after_silence_seconds: 8,
                  edges: [
                    { to_node_id: "handover", condition: "The guest asks for a person" },
                    { to_node_id: "room_ready", condition_type: "event", event_name: "room_ready" },
                    {
                      to_node_id: "goodbye",
                      condition_type: "expression",
                      expression: { conditions: [{ variable: "_silence_repeats", operator: "gte", value: 2 }] },
                    },
                  ],
                },
                {
                  id: "room_ready",
                  node_type: "static",
                  static_message: { en: "Your room is ready. Welcome!", hi: "आपका कमरा तैयार है। स्वागत है!" },
                  edges: [{ to_node_id: "goodbye", condition_type: "unconditional" }],
                },
                {
                  id: "handover",
                  prompt: "Say you are connecting the guest to the night manager.",
                  function_call: "night_manager",
                },
                { id: "goodbye", prompt: "Wish the guest a good night and end the call.", function_call: "end_call" },
              ],
            },
          },
          api_tools: {
            tools: [{ key: "transfer_call", name: "night_manager", description: "Transfer to the night manager." }],
            tools_params: {
              night_manager: {
                url: null,
                method: "POST",
                param: { call_transfer_number: "+15555550142", call_sid: "%(call_sid)s" },
                scope: "node",
                nodes: ["handover"],
              },
            },
          },
          synthesizer: {
            provider: "elevenlabs",
            provider_config: { voice: "Ira", voice_id: "Pw7Kx2Lm9Qr4Ts1Vz6Hb", model: "eleven_turbo_v2_5" },
          },
          transcriber: { provider: "deepgram", model: "nova-3", language: "en" },
          multilingual_config: {
            enabled: true,
            active_language: "en",
            languages: {
              en: { synthesizer: { provider: "elevenlabs", provider_config: { voice_id: "Pw7Kx2Lm9Qr4Ts1Vz6Hb" } } },
              hi: {
                transcriber: { language: "hi" },
                synthesizer: { provider: "sarvam", provider_config: { voice_id: "ira", model: "bulbul:v3" } },
                handoff_message: "ज़रूर, हिंदी में बात करते हैं।",
              },
            },
          },
          input: { provider: "plivo", format: "wav" },
          output: { provider: "plivo", format: "wav" },
        },
      },
    ],
  },
  agent_prompts: { task_1: { system_prompt: "You are Ira at Cedar Lodge's front desk." } },
});

/** Creates the agent, reads it back (the same types as the create body) and lists its event transitions. */
async function createAndReadBack(bolna: BolnaClient): Promise<string[]> {
  const { agent_id } = await bolna.createAgent(lateCheckIn);
  const stored = await bolna.getAgent({ agent_id });
  const events: string[] = [];
  const llm = stored.agent_config?.tasks[0]?.tools_config.llm_agent;
  if (llm?.agent_type === "graph_agent") {
    for (const node of llm.llm_config.nodes) {
      for (const edge of node.edges ?? []) {
        if (edge.condition_type === "event") events.push(`${node.id} → ${edge.to_node_id} on "${edge.event_name}"`);
      }
    }
  }
  // What was read is a valid body again: save it unchanged (a full replace).
  if (stored.agent_config && stored.agent_prompts) {
    await bolna.replaceAgent({ agent_id, agent_config: stored.agent_config, agent_prompts: stored.agent_prompts });
  }
  return events;
}

// Usage: const events = await createAndReadBack(createBolnaClient()); // reads BOLNA_API_KEY, BOLNA_BASE_URL
// #endregion readme

export { lateCheckIn };

export async function main(context: ExampleContext): Promise<number> {
  const ctx = withDefaults(context);
  const send = ctx.fetch ?? ((request: Request) => fetch(request));
  // Prism answers getAgent with the spec's first example (a simple agent) unless asked for the graph one.
  const preferGraph = (request: Request): Promise<Response> => {
    if (request.method !== "GET") return send(request);
    const headers = new Headers(request.headers);
    headers.set("Prefer", "example=graph");
    return send(new Request(request, { headers }));
  };
  const bolna = createBolnaClient({
    apiKey: ctx.apiKey,
    baseUrl: ctx.baseUrl,
    ...(ctx.mock ? { fetch: preferGraph } : fetchOption(ctx.fetch)),
  });
  const events = await createAndReadBack(bolna);
  ctx.log(`Created "${lateCheckIn.agent_config.agent_name}" and read it back.`);
  for (const line of events) ctx.log(`Event transition: ${line}`);
  return 0;
}

runAsScript(import.meta.url, main);
