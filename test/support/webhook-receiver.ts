/**
 * A loopback webhook receiver for the stateful mock's tests and bench: it records every delivery (validated with the
 * package's own `parseExecutionWebhook`, so a payload that breaks the spec's webhook schema fails the test that
 * waits for it) and lets a test wait for a delivery, event-driven, without polling.
 */
import type { Execution } from "../../src/generated/schema.js";
import { parseExecutionWebhook } from "../../src/extensions/webhooks.js";
import { listenOnLoopback, type LoopbackServer } from "./loopback-server.js";

export interface Delivery {
  readonly execution: Execution;
  /** The mock's try number (`X-Mock-Attempt`). */
  readonly attempt: number;
  /** The status this receiver answered with. */
  readonly answered: number;
  /** `performance.now()` at arrival. */
  readonly arrivedAt: number;
}

export interface WebhookReceiver extends LoopbackServer {
  readonly deliveries: Delivery[];
  /** Payloads that did not validate (with the error). */
  readonly invalid: Error[];
  /** Resolves with the first delivery, past or future, that `match` accepts. */
  until(match: (delivery: Delivery) => boolean): Promise<Delivery>;
}

/**
 * `answer` picks the status for each delivery (default 200); `lifetimeMs` bounds how long it listens. With
 * `validate: false` a body is only parsed as JSON on arrival (a bench that times the mock validates afterwards, so
 * the receiver's own work in the same process does not slow what it measures).
 */
export async function startWebhookReceiver(
  answer: (execution: Execution, attempt: number) => number = () => 200,
  lifetimeMs = 60_000,
  validate = true,
): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = [];
  const invalid: Error[] = [];
  const waiters = new Set<{ match: (delivery: Delivery) => boolean; resolve: (delivery: Delivery) => void }>();
  const server = await listenOnLoopback((_request, response, received) => {
    let execution: Execution;
    try {
      execution = validate
        ? parseExecutionWebhook(received.body)
        : (JSON.parse(received.body.toString("utf8")) as Execution);
    } catch (error) {
      invalid.push(error as Error);
      response.writeHead(400).end();
      return;
    }
    const attempt = Number(received.headers["x-mock-attempt"] ?? 1);
    const answered = answer(execution, attempt);
    const delivery = { execution, attempt, answered, arrivedAt: received.arrivedAt };
    deliveries.push(delivery);
    response.writeHead(answered, { "content-type": "application/json" }).end('{"received":true}');
    for (const waiter of waiters) {
      if (!waiter.match(delivery)) continue;
      waiters.delete(waiter);
      waiter.resolve(delivery);
    }
  }, lifetimeMs);
  return {
    ...server,
    deliveries,
    invalid,
    until(match) {
      const seen = deliveries.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.add({ match, resolve }));
    },
  };
}
