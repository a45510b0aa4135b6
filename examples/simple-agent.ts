/**
 * Create the simplest useful agent: one prompt, a voice, speech recognition and an LLM.
 *
 *   npm run example -- simple-agent
 *
 * `defineAgent` types the configuration exactly (a misspelt key does not compile), and `createAgent` checks it again
 * before sending. `{customer_name}` in the prompt is filled from the call's `user_data` (or a batch CSV column).
 */
import { fetchOption, runAsScript, withDefaults, type ExampleContext } from "./support/context.js";
// In your project: import { createBolnaClient, defineAgent } from "bolna-api-client";
import { createBolnaClient, defineAgent } from "../src/index.js";

export const reminder = defineAgent({
  agent_config: {
    agent_name: "Appointment reminder",
    agent_welcome_message: "Hi {customer_name}, this is Maya from Northside Clinic.",
    tasks: [
      {
        task_type: "conversation",
        toolchain: { execution: "parallel", pipelines: [["transcriber", "llm", "synthesizer"]] },
        tools_config: {
          llm_agent: {
            agent_type: "simple_llm_agent",
            agent_flow_type: "streaming",
            llm_config: { provider: "openai", model: "gpt-4.1-mini", temperature: 0.3 },
          },
          synthesizer: {
            provider: "elevenlabs",
            provider_config: { voice: "Maya", voice_id: "Pw7Kx2Lm9Qr4Ts1Vz6Hb", model: "eleven_turbo_v2_5" },
          },
          transcriber: { provider: "deepgram", model: "nova-3", language: "en" },
          input: { provider: "plivo", format: "wav" },
          output: { provider: "plivo", format: "wav" },
        },
      },
    ],
  },
  agent_prompts: {
    task_1: {
      system_prompt:
        "You are Maya from Northside Clinic. Remind {customer_name} of the appointment on {appointment_day} and " +
        "ask whether they will come. Keep every answer to one or two sentences.",
    },
  },
});

export async function main(context: ExampleContext): Promise<number> {
  const ctx = withDefaults(context);
  const bolna = createBolnaClient({ baseUrl: ctx.baseUrl, apiKey: ctx.apiKey, ...fetchOption(ctx.fetch) });
  const created = await bolna.createAgent(reminder);
  ctx.log(`Created agent ${created.agent_id} (${created.state ?? created.status ?? "created"}).`);
  return 0;
}

runAsScript(import.meta.url, main);
