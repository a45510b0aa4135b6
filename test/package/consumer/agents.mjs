// agents.mjs: run with BOLNA_API_KEY=bn-... node agents.mjs
import { createBolnaClient } from "bolna-api-client";

const bolna = createBolnaClient(); // reads BOLNA_API_KEY (and BOLNA_BASE_URL, default https://api.bolna.ai)
for (const agent of await bolna.listAgents()) console.log(agent.id, agent.agent_name);
