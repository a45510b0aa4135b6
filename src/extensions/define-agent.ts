/**
 * `defineAgent(config)`: returns its argument unchanged, typed exactly. Write an agent once, with completion and
 * compile errors at the misspelt key, and pass it to `createAgent` or `replaceAgent` later (or keep it in a
 * module of its own). The types all come from the spec's `AgentRequest`; see `Exact` for how the alternative of a
 * `provider`, `agent_type`, `node_type` or `condition_type` is chosen. `const` keeps every literal as written
 * (the result's properties are read-only; it is still a valid `AgentRequest`).
 */
import type { AgentRequest } from "../generated/schema.js";
import type { Exact } from "./exact.js";

export function defineAgent<const A extends AgentRequest>(agent: A & Exact<A, AgentRequest>): A {
  return agent;
}
