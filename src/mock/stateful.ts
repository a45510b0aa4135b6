/**
 * The stateful mode's answers. The front sends every request to Prism first; when Prism accepts it (a status
 * below 400) and the caller sent no `Prefer` header, `answer()` replaces Prism's fixed example with what the
 * mock's state says: agents, calls that progress, batches that run, listings with every filter, recordings.
 * Operations it does not model keep Prism's answer (`undefined`).
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Agent } from "../generated/schema.js";
import { Agents } from "./agents.js";
import { recordingAudioPath, recordingWav, RECORDING_AUDIO_PATH } from "./audio.js";
import { Batches, type BatchEntry } from "./batches.js";
import { Calls, type CallEntry } from "./calls.js";
import { seededUuid } from "./execution-record.js";
import { givenFilters, insideWindow, listingPage, matchesFilters, micros, readListingQuery } from "./executions.js";
import { DEFAULT_HISTORY, EXECUTION_ID_KIND, seedHistory } from "./history.js";
import { failure, json, notFound, type Reply } from "./reply.js";
import { CappedStore, DEFAULT_LIMITS, Timers, type MockLimits } from "./state.js";
import { isOutcome, OUTCOME_HEADER, OUTCOMES, outcomeOf } from "./timeline.js";
import { WebhookSender, type MockWebhookOptions } from "./webhooks-out.js";

export interface StatefulSettings {
  readonly seed: number;
  readonly timeScale: number;
  readonly history?: number;
  readonly webhooks?: MockWebhookOptions;
  readonly limits?: MockLimits;
  /** The bundled spec (its example agents seed the state). */
  readonly spec: unknown;
  /** The mock's own URL, for recording URLs. */
  readonly baseUrl: string;
}

export interface StatefulRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

type Handler = (
  ids: string[],
  request: StatefulRequest,
  status: number,
) => Reply | Promise<Reply | undefined> | undefined;

const newestFirst = (a: CallEntry, b: CallEntry): number =>
  micros(b.execution.created_at ?? "") - micros(a.execution.created_at ?? "");

function jsonBody(request: StatefulRequest): Record<string, unknown> {
  return JSON.parse(request.body.toString("utf8") || "{}") as Record<string, unknown>;
}

function formBody(request: StatefulRequest): Promise<FormData> {
  const type = request.headers["content-type"] ?? "";
  return new Response(new Uint8Array(request.body), { headers: { "content-type": type } }).formData();
}

export function createStatefulMock(settings: StatefulSettings) {
  const { seed, timeScale } = settings;
  const limits = { ...DEFAULT_LIMITS, ...settings.limits };
  const timers = new Timers();
  const webhooks = new WebhookSender(settings.webhooks ?? {}, timeScale, seed, timers);
  const executions: CappedStore<CallEntry> = new CappedStore(limits.executions, (entry) => calls.forget(entry));
  const batchStore = new CappedStore<BatchEntry>(limits.batches, (entry) => timers.cancel(entry.timer));
  const agents = new Agents(new CappedStore<Agent>(limits.agents), seed, settings.spec);
  const recordingUrl = (id: string) => `${settings.baseUrl}/recordings/call/${id}`;
  const calls: Calls = new Calls({
    seed,
    timeScale,
    timers,
    executions,
    webhooks,
    webhookOf: (agentId) => agents.webhookOf(agentId),
    recordingUrl,
    onStatus: (entry, from) => batches.onStatus(entry, from),
  });
  const history = settings.history ?? DEFAULT_HISTORY;
  for (const entry of seedHistory({
    seed,
    count: history,
    startedAt: Date.now(),
    agentIds: agents.ids(),
    recordingUrl,
  })) {
    executions.set(entry.execution.id, entry);
  }
  let executionIndex = history;
  const batches: Batches = new Batches({
    seed,
    timeScale,
    timers,
    batches: batchStore,
    calls,
    executions,
    nextExecutionIndex: () => executionIndex++,
  });

  const call = (id: string) => executions.get(id);
  const batch = (id: string) => batchStore.get(id);
  const ofAgent = (agentId: string) => [...executions.values()].filter((e) => e.execution.agent_id === agentId);

  function listExecutions(agentId: string, url: URL): Reply | undefined {
    const query = readListingQuery(url);
    if (query === undefined) return undefined;
    const matching = ofAgent(agentId)
      .filter((entry) => insideWindow(query, micros(entry.execution.created_at ?? "")))
      .filter((entry) => matchesFilters(url, entry.execution))
      .sort(newestFirst);
    const filters = givenFilters(url);
    const page = listingPage(
      query.pageNumber,
      query.pageSize,
      matching.map((entry) => entry.execution),
    );
    return json(200, { ...page, filters, sorts: { created_at: "desc" } });
  }

  function makeCall(request: StatefulRequest, status: number): Reply {
    const body = jsonBody(request) as {
      agent_id: string;
      recipient_phone_number: string;
      from_phone_number?: string;
      scheduled_at?: string;
      user_data?: Record<string, unknown>;
    };
    if (!agents.has(body.agent_id)) return notFound("agent", body.agent_id);
    const header = request.headers[OUTCOME_HEADER];
    const asked = Array.isArray(header) ? header[0] : header;
    if (asked !== undefined && !isOutcome(asked)) {
      return failure(400, `X-Mock-Outcome must be one of ${OUTCOMES.join(", ")}; got ${JSON.stringify(asked)}.`);
    }
    const index = executionIndex++;
    const id = seededUuid(seed, EXECUTION_ID_KIND, index);
    const wait = body.scheduled_at === undefined ? 0 : Date.parse(body.scheduled_at) - Date.now();
    const spec = {
      index,
      agentId: body.agent_id,
      recipient: body.recipient_phone_number,
      from: body.from_phone_number ?? "+19876543007",
      userData: body.user_data ?? {},
      scheduledAt: body.scheduled_at ?? null,
    };
    const outcome = outcomeOf(spec.recipient, asked);
    calls.create(id, spec, outcome, wait > 0 ? "scheduled" : "queued", wait * timeScale);
    return json(status, { message: "done", status: "queued", execution_id: id });
  }

  const routes: ReadonlyArray<readonly [string, RegExp, Handler]> = [
    ["GET", /^\/v2\/agent\/all$/, () => agents.list()],
    ["POST", /^\/v2\/agent$/, (_, request, status) => agents.create(jsonBody(request), status)],
    ["GET", /^\/v2\/agent\/([^/]+)$/, ([id = ""]) => agents.get(id)],
    ["PUT", /^\/v2\/agent\/([^/]+)$/, ([id = ""], request) => agents.replace(id, jsonBody(request))],
    ["PATCH", /^\/v2\/agent\/([^/]+)$/, ([id = ""], request) => agents.patch(id, jsonBody(request))],
    ["DELETE", /^\/v2\/agent\/([^/]+)$/, ([id = ""]) => agents.delete(id)],
    [
      "POST",
      /^\/v2\/agent\/([^/]+)\/stop$/,
      ([id = ""]) => {
        if (!agents.has(id)) return notFound("agent", id);
        const stopped = ofAgent(id).filter((entry) => calls.stop(entry));
        return json(200, { stopped_executions: stopped.map((entry) => entry.execution.id) });
      },
    ],
    ["GET", /^\/v2\/agent\/([^/]+)\/executions\/?$/, ([id = ""], request) => listExecutions(id, request.url)],
    [
      "GET",
      /^\/agent\/([^/]+)\/executions$/,
      ([id = ""]) =>
        json(
          200,
          ofAgent(id)
            .sort(newestFirst)
            .map((e) => e.execution),
        ),
    ],
    [
      "GET",
      /^\/agent\/([^/]+)\/execution\/([^/]+)$/,
      ([agentId, id = ""]) => {
        const found = call(id);
        return found !== undefined && found.execution.agent_id === agentId
          ? json(200, found.execution)
          : notFound("execution", id);
      },
    ],
    [
      "GET",
      /^\/executions\/([^/]+)$/,
      ([id = ""]) => {
        const found = call(id);
        return found === undefined ? notFound("execution", id) : json(200, found.execution);
      },
    ],
    ["POST", /^\/call$/, (_, request, status) => makeCall(request, status)],
    [
      "POST",
      /^\/call\/([^/]+)\/stop$/,
      ([id = ""]) => {
        const found = call(id);
        if (found === undefined) return notFound("execution", id);
        if (!calls.stop(found)) {
          return failure(400, `Only a queued or scheduled call can be stopped; this one is ${found.execution.status}.`);
        }
        return json(200, { message: "done", status: "stopped", execution_id: id });
      },
    ],
    [
      "GET",
      /^\/recordings\/call\/([^/]+)$/,
      ([id = ""]) => {
        const found = call(id);
        if (found === undefined) return notFound("execution", id);
        if (!found.execution.telephony_data?.recording_url) {
          return failure(404, `Execution ${id} has no recording: it is ${found.execution.status}, not completed.`);
        }
        return { status: 302, headers: { location: `${settings.baseUrl}${recordingAudioPath(id)}` } };
      },
    ],
    ["GET", /^\/recordings\/transfer\/([^/]+)$/, ([id = ""]) => failure(404, `Execution ${id} has no transfer leg.`)],
    [
      "POST",
      /^\/batches$/,
      async (_, request, status) => batches.create(await formBody(request), (id) => agents.has(id), status),
    ],
    [
      "GET",
      /^\/batches\/([^/]+)\/all$/,
      ([agentId]) =>
        json(
          200,
          [...batchStore.values()].filter((e) => e.agentId === agentId).map((e) => batches.view(e)),
        ),
    ],
    [
      "GET",
      /^\/batches\/([^/]+)\/executions$/,
      ([id = ""]) => {
        const found = batch(id);
        if (found === undefined) return notFound("batch", id);
        return json(
          200,
          found.executionIds.flatMap((executionId) => call(executionId)?.execution ?? []),
        );
      },
    ],
    [
      "GET",
      /^\/batches\/([^/]+)$/,
      ([id = ""]) => {
        const found = batch(id);
        return found === undefined ? notFound("batch", id) : json(200, batches.view(found));
      },
    ],
    [
      "DELETE",
      /^\/batches\/([^/]+)$/,
      ([id = ""]) => {
        const found = batch(id);
        return found === undefined ? notFound("batch", id) : batches.delete(found);
      },
    ],
    [
      "POST",
      /^\/batches\/([^/]+)\/schedule$/,
      async ([id = ""], request) => {
        const found = batch(id);
        if (found === undefined) return notFound("batch", id);
        const scheduledAt = (await formBody(request)).get("scheduled_at");
        return batches.schedule(found, typeof scheduledAt === "string" ? scheduledAt : "");
      },
    ],
    [
      "POST",
      /^\/batches\/([^/]+)\/stop$/,
      ([id = ""]) => {
        const found = batch(id);
        return found === undefined ? notFound("batch", id) : batches.stop(found);
      },
    ],
  ];

  return {
    /** The state's answer to a request Prism answered with `status` (< 400), or `undefined` to keep Prism's. */
    async answer(request: StatefulRequest, status: number): Promise<Reply | undefined> {
      if (request.headers["prefer"] !== undefined) return undefined;
      const method = request.method.toUpperCase();
      for (const [routeMethod, pattern, handle] of routes) {
        const match = routeMethod === method ? pattern.exec(request.url.pathname) : null;
        if (match !== null) return handle(match.slice(1).map(decodeURIComponent), request, status);
      }
      return undefined;
    },

    /** The recording audio a completed call's redirect points at (served without Prism: it is not an API path). */
    audio(method: string, path: string): Reply | undefined {
      if (method.toUpperCase() !== "GET" || !RECORDING_AUDIO_PATH.test(path)) return undefined;
      const id = decodeURIComponent(path.slice(path.lastIndexOf("/") + 1, -".wav".length));
      if (!call(id)?.execution.telephony_data?.recording_url) return failure(404, `No recording for execution ${id}.`);
      return { status: 200, body: recordingWav(), headers: { "content-type": "audio/wav" } };
    },

    /** Cancels every pending step, batch start and webhook delivery. */
    close(): void {
      timers.clear();
      webhooks.close();
    },
  };
}

export type StatefulMock = ReturnType<typeof createStatefulMock>;
