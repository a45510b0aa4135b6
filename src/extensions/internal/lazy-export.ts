/**
 * `bolna.exportExecutions()` without the export in the bundle of a client that never exports: the export's code
 * (planning, scheduling, page checks, checkpoints) is imported when the first export is created, as the agent body
 * check is on the first agent operation.
 *
 * Contract (what differs from calling the export module directly):
 * - The options are checked once the code has loaded, when iterating starts (or `.checkpoint` is read), still before
 *   anything is sent: a bad option rejects the first `next()` with the same `BolnaInputError`.
 * - A `to` left out means the moment `exportExecutions()` was called, as documented, not the moment it loaded.
 * - `.checkpoint` read before the code has loaded (in the same tick as the call) throws a `BolnaError` saying so.
 */
import { BolnaError } from "../errors.js";
import type { ExportCheckpoint } from "../export/checkpoint.js";
import type { ExecutionExport, ExportExecutionsOptions, ListExecutionsPage } from "../export/index.js";

type ExportModule = typeof import("../export/index.js");

let loading: Promise<ExportModule> | undefined;
let loaded: ExportModule | undefined;

function load(): Promise<ExportModule> {
  loading ??= import("../export/index.js").then((module) => (loaded = module));
  return loading;
}

export function lazyExport<T>(listPage: ListExecutionsPage, options: ExportExecutionsOptions): ExecutionExport<T> {
  // Loading starts now, so it is done by the time the caller iterates; a failure surfaces there.
  load().catch(() => undefined);
  const fixed = options.to === undefined && options.resume === undefined ? { ...options, to: new Date() } : options;
  return new LazyExport<T>(listPage, fixed);
}

class LazyExport<T> implements ExecutionExport<T> {
  readonly #listPage: ListExecutionsPage;
  readonly #options: ExportExecutionsOptions;
  #run: ExecutionExport<T> | undefined;

  constructor(listPage: ListExecutionsPage, options: ExportExecutionsOptions) {
    this.#listPage = listPage;
    this.#options = options;
  }

  get checkpoint(): ExportCheckpoint {
    if (loaded === undefined) {
      throw new BolnaError("The export's code is still loading; read its checkpoint once iterating has started.");
    }
    return this.#create(loaded).checkpoint;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.#iterate();
  }

  async *#iterate(): AsyncGenerator<T, void, undefined> {
    // A second iteration reaches the export's own check, which refuses it.
    yield* this.#create(await load());
  }

  /** The export itself, created (and its options checked) once, when its code has loaded. */
  #create(module: ExportModule): ExecutionExport<T> {
    this.#run ??= module.exportExecutions<T>(this.#listPage, this.#options);
    return this.#run;
  }
}
