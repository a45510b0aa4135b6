/**
 * (g) The stateful mock under load, its start and its idle cost. `npx tsx bench/mock-calls.ts` runs it alone;
 * `npm run bench` runs it after the export scenarios.
 *
 * - Load: 100 calls placed at once (plain `fetch`, so the client's rate limiter is not what is measured) against
 *   `startMockServer({ stateful: true, timeScale })`, each followed by its six status webhooks to a loopback receiver.
 *   A call's lag is the time from its `POST /call` answer to the arrival of its `completed` webhook; the target is
 *   the slowest call within 2 × the scaled timeline (3 s × timeScale). Run at timeScale 1 and 0.1.
 * - Start: the time `startMockServer` takes to resolve (Prism's start, most of it), after which the port answers.
 * - Idle: CPU time used over `IDLE_MS` of wall time with nothing asked of it and no call under way, by this process
 *   (the front and the state) and by its child processes (Prism), read from /proc where it exists.
 */
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseExecutionWebhook } from "../src/extensions/webhooks.js";
import { startMockServer } from "../src/mock/server.js";
import { COMPLETED_TIMELINE_MS } from "../src/mock/timeline.js";
import { startWebhookReceiver } from "../test/support/webhook-receiver.js";
import { printTable, seconds, verdict, type Row } from "./report.js";

const CALLS = 100;
const TARGET = 2;
const IDLE_MS = 5_000;
const AGENT_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const HEADERS = { Authorization: "Bearer bench-key", "content-type": "application/json" };

/** CPU seconds used so far by the processes whose parent is this one (Linux /proc; 0 elsewhere). */
function childrenCpuMs(): number {
  let ticks = 0;
  try {
    for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === process.pid) ticks += Number(fields[11]) + Number(fields[12]);
    }
  } catch {
    return 0;
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

async function measure(timeScale: number): Promise<{ rows: Row[]; notes: string[] }> {
  const receiver = await startWebhookReceiver(undefined, 600_000, false);
  const startStarted = performance.now();
  const mock = await startMockServer({ port: 0, stateful: true, timeScale });
  const startMs = performance.now() - startStarted;
  try {
    const patched = await fetch(`${mock.url}/v2/agent/${AGENT_ID}`, {
      method: "PATCH",
      headers: HEADERS,
      body: JSON.stringify({ agent_config: { webhook_url: `${receiver.url}/hook` } }),
    });
    if (!patched.ok) throw new Error(`patchAgent answered ${patched.status}`);

    const idleCpu = process.cpuUsage();
    const idleChildren = childrenCpuMs();
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const { user, system } = process.cpuUsage(idleCpu);
    const ownIdle = (user + system) / 1000 / IDLE_MS;
    const prismIdle = (childrenCpuMs() - idleChildren) / IDLE_MS;

    const placedAt = new Map<string, number>();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CALLS }, async (_, i) => {
        const response = await fetch(`${mock.url}/call`, {
          method: "POST",
          headers: HEADERS,
          body: JSON.stringify({ agent_id: AGENT_ID, recipient_phone_number: `+1415555${String(1000 + i * 10)}` }),
        });
        const { execution_id: id } = (await response.json()) as { execution_id: string };
        placedAt.set(id, performance.now());
      }),
    );
    const placedMs = performance.now() - started;
    const lags = await Promise.all(
      [...placedAt].map(async ([id, at]) => {
        const done = await receiver.until((d) => d.execution.id === id && d.execution.status === "completed");
        return done.arrivedAt - at;
      }),
    );
    const allMs = performance.now() - started;
    const deliveries = receiver.deliveries.length;
    // Validated once the timing is over, so the receiver's work does not slow the mock it shares a process with.
    for (const delivery of receiver.deliveries) parseExecutionWebhook(delivery.execution);
    const scaled = COMPLETED_TIMELINE_MS * timeScale;
    const slowest = Math.max(...lags);
    return {
      rows: [
        {
          measurement: `(g) stateful mock, timeScale ${timeScale}: ${CALLS} concurrent calls, slowest to completed webhook`,
          ours: seconds(slowest),
          baseline: `scaled timeline ${seconds(scaled)}`,
          ratio: `${(slowest / scaled).toFixed(2)}×`,
          target: `≤ ${TARGET}×`,
          result: verdict(slowest / scaled <= TARGET),
        },
      ],
      notes: [
        `(g) timeScale ${timeScale}: startMockServer resolved in ${seconds(startMs)}; ${CALLS} calls placed in ` +
          `${seconds(placedMs)}, all completed webhooks in ${seconds(allMs)}; ${deliveries} deliveries, none invalid. ` +
          `Idle over ${seconds(IDLE_MS)}: this process ${(ownIdle * 100).toFixed(2)} % of a CPU, ` +
          `Prism ${(prismIdle * 100).toFixed(2)} %. Load average ${loadavg()[0]?.toFixed(1)}.`,
      ],
    };
  } finally {
    await mock.close();
    await receiver.close();
  }
}

/** The rows and notes of (g), one mock per timeScale. */
export async function benchMockCalls(): Promise<{ rows: Row[]; notes: string[] }> {
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const timeScale of [1, 0.1]) {
    const result = await measure(timeScale);
    rows.push(...result.rows);
    notes.push(...result.notes);
  }
  return { rows, notes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rows, notes } = await benchMockCalls();
  printTable(rows);
  for (const note of notes) console.log(note);
}
