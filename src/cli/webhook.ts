/**
 * `bolna-api webhook listen [--port N] [--host HOST] [--secret S] [--allow-any-ip] [--trust-proxy N]`: a webhook
 * receiver for trying things out. It serves `createWebhookHandler` (so it checks exactly what a receiver built on
 * the library checks) and prints each verified, de-duplicated delivery as one JSON line on stdout; everything
 * else (where it listens, each refused request and why) goes to stderr, so stdout can be piped to `jq` or a file.
 */
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createWebhookHandler, toNodeListener, type WebhookHandler } from "../webhooks.js";
import { EXIT, UsageError } from "./exit.js";
import { parseFlags, portOf } from "./flags.js";
import { webhookHelp } from "./help.js";

const LISTEN_OPTIONS = {
  port: { type: "string", short: "p" },
  host: { type: "string" },
  secret: { type: "string" },
  "allow-any-ip": { type: "boolean" },
  "trust-proxy": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export const DEFAULT_WEBHOOK_PORT = 8787;
/** Read when --secret is not given, so the secret can stay out of shell history and the process list. */
const SECRET_VARIABLE = "BOLNA_WEBHOOK_SECRET";

function hopsOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 32) {
    throw new UsageError(
      `--trust-proxy must be the number of proxies in front of this server, 0 to 32; got ${JSON.stringify(value)}.`,
    );
  }
  return Number(value);
}

/** Tells stderr about every request the handler refused, with its status and reason. */
function reportingRefusals(handler: WebhookHandler): WebhookHandler {
  return async (request, info) => {
    const response = await handler(request, info);
    if (response.status >= 300) {
      const { error } = (await response.clone().json()) as { error?: string };
      process.stderr.write(`${response.status} from ${info?.remoteAddress ?? "an unknown address"}: ${error}\n`);
    }
    return response;
  };
}

export async function runWebhook(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h") {
    (command === undefined ? process.stderr : process.stdout).write(webhookHelp());
    return command === undefined ? EXIT.input : EXIT.ok;
  }
  if (command !== "listen") {
    throw new UsageError(`Unknown command "webhook ${command}". Run \`bolna-api webhook --help\` for the commands.`);
  }
  const { values } = parseFlags(rest, LISTEN_OPTIONS, "webhook");
  if (values.help) {
    process.stdout.write(webhookHelp());
    return EXIT.ok;
  }
  const port = portOf(values.port, DEFAULT_WEBHOOK_PORT);
  const trustProxy = hopsOf(values["trust-proxy"]);
  const secret = values.secret ?? process.env[SECRET_VARIABLE];
  let deliveries = 0;
  const handler = createWebhookHandler({
    ...(values["allow-any-ip"] ? { allowedIps: false } : {}),
    ...(trustProxy === undefined ? {} : { trustProxy }),
    ...(secret === undefined || secret === "" ? {} : { secret }),
    onExecution: (execution) => {
      deliveries++;
      process.stdout.write(`${JSON.stringify(execution)}\n`);
    },
  });
  const server = createServer(toNodeListener(reportingRefusals(handler)));
  server.listen(port, values.host ?? "127.0.0.1");
  await Promise.race([once(server, "listening"), once(server, "error").then(([error]) => Promise.reject(error))]);
  const { address, port: bound } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  const senders = values["allow-any-ip"] ? "any sender" : "Bolna's webhook addresses only";
  process.stderr.write(
    `Listening for Bolna webhooks on http://${host}:${bound}/ (${senders}` +
      `${secret ? ", secret required" : ""}). One JSON line per delivery on stdout; Ctrl-C to stop.\n`,
  );
  await Promise.race([once(process, "SIGINT"), once(process, "SIGTERM")]);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  process.stderr.write(`Stopped after ${deliveries} ${deliveries === 1 ? "delivery" : "deliveries"}.\n`);
  return EXIT.ok;
}
