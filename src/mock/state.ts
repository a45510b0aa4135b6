/**
 * The stateful mock's memory: a map with a cap per kind of record (agents, executions, batches). Beyond its cap a
 * store drops its oldest entry (the first inserted), so a mock left running for days stays small.
 */

export interface MockLimits {
  /** Agents kept. Default 1 000. */
  agents?: number;
  /** Executions kept, the seeded history included. Default 10 000. */
  executions?: number;
  /** Batches kept. Default 1 000. */
  batches?: number;
}

export const DEFAULT_LIMITS: Readonly<Required<MockLimits>> = { agents: 1_000, executions: 10_000, batches: 1_000 };

export class CappedStore<T> {
  private readonly items = new Map<string, T>();

  /** `onDrop` hears of each entry dropped for the cap (to cancel what it had pending). */
  constructor(
    readonly cap: number,
    private readonly onDrop: (item: T) => void = () => undefined,
  ) {}

  get size(): number {
    return this.items.size;
  }

  get(id: string): T | undefined {
    return this.items.get(id);
  }

  /** Adds or replaces `id` (a replaced entry keeps its age); drops the oldest entries beyond the cap. */
  set(id: string, item: T): void {
    this.items.set(id, item);
    for (const [oldest, dropped] of this.items) {
      if (this.items.size <= this.cap) break;
      this.items.delete(oldest);
      this.onDrop(dropped);
    }
  }

  delete(id: string): boolean {
    return this.items.delete(id);
  }

  /** Oldest first. */
  values(): IterableIterator<T> {
    return this.items.values();
  }
}

/**
 * Every timer of the stateful mock (timeline steps, webhook retries, batch starts): one timer per pending event,
 * never a polling loop, unref'd so a forgotten mock does not keep a test process alive, and all cleared on close.
 */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();

  after(ms: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(
      () => {
        this.pending.delete(timer);
        run();
      },
      Math.max(0, ms),
    );
    timer.unref();
    this.pending.add(timer);
    return timer;
  }

  cancel(timer: NodeJS.Timeout | undefined): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    this.pending.delete(timer);
  }

  clear(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}
