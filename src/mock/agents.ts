/**
 * The agents of the stateful mock: created, replaced, patched and deleted through the API and read back by
 * `getAgent` and `listAgents`, in the shape `getAgent` has (the configuration as sent, next to flat summary
 * fields). It starts with the spec's example agents (their ids are the ones the docs use), without a webhook URL:
 * patch one in to receive the status webhooks of their calls.
 */
import type { Agent, AgentConfig, AgentPrompts } from "../generated/schema.js";
import { naiveTimestamp, seededUuid } from "./execution-record.js";
import { failure, json, notFound, type Reply } from "./reply.js";
import type { CappedStore } from "./state.js";

const AGENT_ID_KIND = 3;

interface AgentBody {
  agent_config?: Partial<AgentConfig>;
  agent_prompts?: AgentPrompts;
}

/** The flat summary fields `getAgent` shows next to the configuration, derived from it. */
function withSummary(agent: Agent, config: Partial<AgentConfig>, prompts: AgentPrompts | undefined): Agent {
  return {
    ...agent,
    agent_name: config.agent_name ?? agent.agent_name ?? "",
    agent_type: config.agent_type ?? null,
    agent_status: "processed",
    agent_welcome_message: config.agent_welcome_message ?? null,
    webhook_url: config.webhook_url ?? null,
    tasks: config.tasks ?? null,
    agent_config: config as AgentConfig,
    agent_prompts: prompts ?? null,
  };
}

type Examples = Record<string, { value?: unknown; $ref?: string }>;

/** The spec's example agents: the full `getAgent` one and the others `listAgents` shows, without webhook URLs. */
function exampleAgents(spec: unknown): Agent[] {
  const root = spec as {
    paths: Record<
      string,
      Record<string, { responses: Record<string, { content?: Record<string, { examples?: Examples }> }> }>
    >;
    components: { examples: Record<string, { value?: unknown }> };
  };
  const example = (path: string, name: string): unknown => {
    const found = root.paths[path]?.["get"]?.responses["200"]?.content?.["application/json"]?.examples?.[name];
    return found?.$ref === undefined
      ? found?.value
      : root.components.examples[found.$ref.split("/").pop() ?? ""]?.value;
  };
  const byId = new Map<string, Agent>();
  for (const agent of [
    example("/v2/agent/{agent_id}", "simple"),
    ...((example("/v2/agent/all", "twoAgents") as unknown[]) ?? []),
  ]) {
    const { id } = agent as Agent;
    if (!byId.has(id)) byId.set(id, agent as Agent);
  }
  return [...byId.values()].map((agent) => {
    const config = agent.agent_config == null ? null : { ...agent.agent_config, webhook_url: null };
    return { ...agent, webhook_url: null, ...(config === null ? {} : { agent_config: config }) };
  });
}

export class Agents {
  private created = 0;

  constructor(
    private readonly store: CappedStore<Agent>,
    private readonly seed: number,
    spec: unknown,
  ) {
    for (const agent of exampleAgents(spec)) store.set(agent.id, agent);
  }

  has(id: string): boolean {
    return this.store.get(id) !== undefined;
  }

  /** The agent's current `webhook_url` (read at each status change of its calls). */
  webhookOf(id: string): string | null | undefined {
    return this.store.get(id)?.webhook_url;
  }

  /** Ids, oldest first: the seeded history spreads its calls over them. */
  ids(): string[] {
    return [...this.store.values()].map((agent) => agent.id);
  }

  list(): Reply {
    return json(200, [...this.store.values()]);
  }

  get(id: string): Reply {
    const agent = this.store.get(id);
    return agent === undefined ? notFound("agent", id) : json(200, agent);
  }

  create(body: AgentBody, status: number): Reply {
    const id = seededUuid(this.seed, AGENT_ID_KIND, this.created++);
    const now = naiveTimestamp(Date.now());
    const agent = withSummary({ id, created_at: now, updated_at: now }, body.agent_config ?? {}, body.agent_prompts);
    this.store.set(id, agent);
    return json(status, { agent_id: id, state: "created", status: "created" });
  }

  replace(id: string, body: AgentBody): Reply {
    const agent = this.store.get(id);
    if (agent === undefined) return notFound("agent", id);
    const updated = { ...agent, updated_at: naiveTimestamp(Date.now()) };
    this.store.set(id, withSummary(updated, body.agent_config ?? {}, body.agent_prompts));
    return json(200, { agent_id: id, status: "updated" });
  }

  /** Merges the listed `agent_config` keys and each listed task's prompts into the agent. */
  patch(id: string, body: AgentBody): Reply {
    const agent = this.store.get(id);
    if (agent === undefined) return notFound("agent", id);
    if (body.agent_config === undefined && body.agent_prompts === undefined) {
      return failure(400, "No valid fields provided");
    }
    const config = { ...agent.agent_config, ...body.agent_config };
    const prompts: Record<string, unknown> = { ...agent.agent_prompts };
    for (const [task, prompt] of Object.entries(body.agent_prompts ?? {})) {
      prompts[task] = { ...(prompts[task] as object | undefined), ...(prompt as object) };
    }
    const updated = { ...agent, updated_at: naiveTimestamp(Date.now()) };
    this.store.set(id, withSummary(updated, config, prompts as AgentPrompts));
    return json(200, { message: "success", state: "updated" });
  }

  delete(id: string): Reply {
    if (!this.store.delete(id)) return notFound("agent", id);
    return json(200, { message: "success", state: "deleted" });
  }
}
