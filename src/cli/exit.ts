/**
 * Exit statuses, one per class of failure, so a script can tell "fix the command" from "fix the key" from
 * "try later" without parsing messages. `--help` and the README print the same table (`EXIT_STATUS_HELP`).
 */
import {
  AuthenticationError,
  BadRequestError,
  BolnaError,
  BolnaInputError,
  ConfigurationError,
  ExportError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from "../index.js";
import { MockServerError } from "../mock/server.js";

export const EXIT = {
  ok: 0,
  other: 1,
  input: 2,
  authentication: 3,
  notFound: 4,
  rateLimit: 5,
  /** 128 + SIGINT, as shells report a Ctrl-C. */
  interrupted: 130,
} as const;

export const EXIT_STATUS_HELP = `Exit statuses:
  0    success
  1    any other failure (server error, network, timeout, an export that gave up, a mock that
       cannot start)
  2    input: an unknown command or option, a value the spec does not allow (nothing was sent),
       or the server answered 400/422
  3    authentication: BOLNA_API_KEY is not set, or the server refused the key (401/403)
  4    not found: the server answered 404
  5    rate limited: the server answered 429 (after the client's own limiter and retries)
  130  interrupted (Ctrl-C); an export writes its checkpoint first`;

/** A mistake in the command line itself (unknown option, malformed value); nothing was sent. */
export class UsageError extends BolnaInputError {
  override name = "UsageError";

  constructor(message: string) {
    super("argv", message);
  }
}

/** BOLNA_API_KEY is not set; reported as an authentication failure. */
export class MissingApiKeyError extends ConfigurationError {
  override name = "MissingApiKeyError";
}

/** The exit status for an error; an export's failure is classed by what made it give up. */
export function exitStatusFor(error: unknown): number {
  const cause = error instanceof ExportError ? error.cause : error;
  if (cause instanceof MissingApiKeyError) return EXIT.authentication;
  if (cause instanceof MockServerError) return cause.code === "BAD_OPTION" ? EXIT.input : EXIT.other;
  if (cause instanceof BolnaInputError || cause instanceof ConfigurationError) return EXIT.input;
  if (cause instanceof BadRequestError || cause instanceof UnprocessableEntityError) return EXIT.input;
  if (cause instanceof AuthenticationError || cause instanceof PermissionDeniedError) return EXIT.authentication;
  if (cause instanceof NotFoundError) return EXIT.notFound;
  if (cause instanceof RateLimitError) return EXIT.rateLimit;
  return EXIT.other;
}

/**
 * Library calls that SDK messages suggest, and the command that does the same job on the command line: a CLI user
 * is told what to type, not which function to call.
 */
const CLI_EQUIVALENTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bexportExecutions\(\)/g, "`bolna-api export`"],
  [/\b(?:getRecordingUrl\(\) or )?downloadRecording\(\)/g, "`bolna-api recording download`"],
  [/\bwaitForExecution\("([^"]+)"\)/g, "`bolna-api getExecution --execution-id $1`"],
  [/\bwaitForBatch\("([^"]+)"\)/g, "`bolna-api getBatch --batch-id $1`"],
  // `bolna-api getCallRecording` gets the redirect to the audio, which the client never follows.
  [
    /(which the client does not follow \(GET \/recordings\/call\/([^)\s]+)\))/g,
    "$1. Save the audio with `bolna-api recording download $2 -o FILE`",
  ],
  [
    /(which the client does not follow \(GET \/recordings\/transfer\/([^)\s]+)\))/g,
    "$1. Save the audio with `bolna-api recording download $2 --leg transfer -o FILE`",
  ],
];

/** An SDK message with the library calls it suggests replaced by the CLI commands that do the same. */
export function inCliTerms(message: string): string {
  return CLI_EQUIVALENTS.reduce((text, [pattern, command]) => text.replace(pattern, command), message);
}

/**
 * What to print on stderr: the message of an error the SDK or the CLI threw on purpose (its class first, except for
 * a usage mistake; library calls it suggests named as CLI commands) or of a system error, the stack of anything
 * else (a bug worth reporting).
 */
export function describeError(error: unknown): string {
  if (error instanceof UsageError) return error.message;
  if (error instanceof BolnaError) return `${error.name}: ${inCliTerms(error.message)}`;
  if (error instanceof MockServerError) return `${error.name}: ${error.message}`;
  // A system error (a closed pipe, a full disk) says all there is in its message.
  if (error instanceof Error && "syscall" in error) return `Error: ${error.message}`;
  return error instanceof Error ? (error.stack ?? String(error)) : String(error);
}
