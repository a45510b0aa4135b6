import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConfigurationError } from "../../src/extensions/errors.js";
import { createRateLimiter, type RateLimiter, type RateLimiterOptions, type Sleep } from "../../src/extensions/rate-limit.js";

/** A clock that moves only when the test says so; sleeps wake in time order as it passes their deadline. */
function fakeClock() {
  let time = 0;
  const sleepers: { at: number; wake(): void }[] = [];
  const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  const sleep: Sleep = (ms, signal) =>
    new Promise((resolve, reject) => {
      const sleeper = { at: time + ms, wake: resolve };
      sleepers.push(sleeper);
      signal.addEventListener(
        "abort",
        () => {
          sleepers.splice(sleepers.indexOf(sleeper), 1);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  async function advanceTo(target: number): Promise<void> {
    for (;;) {
      await flush();
      sleepers.sort((a, b) => a.at - b.at);
      const next = sleepers[0];
      if (next === undefined || next.at > target) break;
      sleepers.shift();
      time = Math.max(time, next.at);
      next.wake();
    }
    time = target;
    await flush();
  }
  return { now: () => time, sleep, advanceTo, flush, sleeping: () => sleepers.length };
}

/** The window algorithm's tests run without the safety margin (`{}`: the default one), which has tests of its own. */
function setup(windowMs = 1000, margin: Pick<RateLimiterOptions, "marginMs"> = { marginMs: 0 }) {
  const clock = fakeClock();
  const limiter = createRateLimiter({ windowMs, ...margin, now: clock.now, sleep: clock.sleep });
  const grants: { id: string; at: number }[] = [];
  const take = (id: string, bucket: string, limit: number, signal?: AbortSignal): Promise<void> =>
    limiter.acquire(bucket, limit, signal).then(() => {
      grants.push({ id, at: clock.now() });
    });
  return { clock, limiter, grants, take };
}

function maxGrantsInAnyWindow(times: number[], windowMs: number): number {
  return Math.max(...times.map((start) => times.filter((t) => t >= start && t < start + windowMs).length));
}

describe("createRateLimiter", () => {
  it("never grants more than the limit in any window, and grants as soon as the window allows", async () => {
    const { clock, grants, take } = setup(1000);
    for (let i = 0; i < 4; i++) void take(`a${i}`, "calls", 3);
    await clock.advanceTo(400);
    for (let i = 0; i < 6; i++) void take(`b${i}`, "calls", 3);
    await clock.advanceTo(10_000);

    const times = grants.map((g) => g.at);
    expect(times).toEqual([0, 0, 0, 1000, 1000, 1000, 2000, 2000, 2000, 3000]);
    expect(maxGrantsInAnyWindow(times, 1000)).toBe(3);
    expect(clock.sleeping()).toBe(0);
  });

  it("slides the window from each grant rather than resetting it on a fixed boundary", async () => {
    const { clock, grants, take } = setup(1000);
    void take("first", "b", 2);
    await clock.advanceTo(600);
    void take("second", "b", 2);
    void take("third", "b", 2);
    void take("fourth", "b", 2);
    await clock.advanceTo(5000);
    expect(grants).toEqual([
      { id: "first", at: 0 },
      { id: "second", at: 600 },
      { id: "third", at: 1000 },
      { id: "fourth", at: 1600 },
    ]);
  });

  it("serves waiters first come, first served, and a newcomer queues behind them", async () => {
    const { clock, grants, take } = setup(1000);
    for (const id of ["x1", "x2", "w1", "w2", "w3"]) void take(id, "b", 2);
    await clock.advanceTo(1000);
    expect(grants.map((g) => g.id)).toEqual(["x1", "x2", "w1", "w2"]);
    void take("late", "b", 2); // there is room at t=1000 only for w3's turn first
    await clock.advanceTo(3000);
    expect(grants.map((g) => `${g.id}@${g.at}`)).toEqual(["x1@0", "x2@0", "w1@1000", "w2@1000", "w3@2000", "late@2000"]);
  });

  it("rejects an aborted waiter at once with the signal's reason and gives its place to the next", async () => {
    const { clock, grants, take } = setup(1000);
    void take("a", "b", 1);
    const controller = new AbortController();
    const aborted = take("b", "b", 1, controller.signal);
    void take("c", "b", 1);
    await clock.flush();
    const reason = new Error("caller gave up");
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    expect(clock.now()).toBe(0);
    await clock.advanceTo(5000);
    expect(grants).toEqual([
      { id: "a", at: 0 },
      { id: "c", at: 1000 },
    ]);
  });

  it("cancels its pending sleep when every waiter has aborted, and still serves later callers", async () => {
    const { clock, grants, take } = setup(1000);
    await take("a", "b", 1);
    const controller = new AbortController();
    const waiting = take("b", "b", 1, controller.signal);
    await clock.flush();
    expect(clock.sleeping()).toBe(1);
    controller.abort();
    await expect(waiting).rejects.toThrow();
    expect(clock.sleeping()).toBe(0);

    void take("c", "b", 1); // must start a fresh pump
    await clock.advanceTo(1000);
    expect(grants.map((g) => `${g.id}@${g.at}`)).toEqual(["a@0", "c@1000"]);
  });

  it("rejects an already-aborted signal without taking a slot", async () => {
    const { grants, take } = setup(1000);
    const reason = new Error("already");
    await expect(take("a", "b", 1, AbortSignal.abort(reason))).rejects.toBe(reason);
    await take("b", "b", 1);
    expect(grants.map((g) => g.id)).toEqual(["b"]);
  });

  it("keeps buckets independent", async () => {
    const { clock, grants, take } = setup(1000);
    void take("exec1", "executions", 1);
    void take("exec2", "executions", 1);
    void take("other", "default", 1);
    await clock.flush();
    expect(grants.map((g) => g.id)).toEqual(["exec1", "other"]);
    await clock.advanceTo(1000);
    expect(grants.map((g) => g.id)).toEqual(["exec1", "other", "exec2"]);
  });

  it("treats Infinity as no limit and refuses a nonsensical one", async () => {
    const { grants, take, limiter } = setup(1000);
    await Promise.all(Array.from({ length: 50 }, (_, i) => take(`n${i}`, "b", Infinity)));
    expect(grants).toHaveLength(50);
    await expect(limiter.acquire("b", 0)).rejects.toBeInstanceOf(ConfigurationError);
    await expect(limiter.acquire("b", 1.5)).rejects.toBeInstanceOf(ConfigurationError);
    expect(() => createRateLimiter({ windowMs: 0 })).toThrow(ConfigurationError);
  });

  it("keeps a grant in its window for max(2% of the window, 50 ms) longer by default", async () => {
    const short = setup(1000, {}); // margin 50 ms
    for (let i = 0; i < 5; i++) void short.take(`s${i}`, "b", 2);
    await short.clock.advanceTo(10_000);
    expect(short.grants.map((g) => g.at)).toEqual([0, 0, 1050, 1050, 2100]);

    const minute = setup(60_000, {}); // margin 1 200 ms
    for (let i = 0; i < 3; i++) void minute.take(`m${i}`, "b", 2);
    await minute.clock.advanceTo(120_000);
    expect(minute.grants.map((g) => g.at)).toEqual([0, 0, 61_200]);

    const explicit = setup(1000, { marginMs: 300 });
    for (let i = 0; i < 2; i++) void explicit.take(`e${i}`, "b", 1);
    await explicit.clock.advanceTo(5000);
    expect(explicit.grants.map((g) => g.at)).toEqual([0, 1300]);

    expect(() => createRateLimiter({ marginMs: -1 })).toThrow(ConfigurationError);
  });

  it("keeps an arrival-counting server under its limit despite latency jitter; the bare window does not", async () => {
    const WINDOW = 1000;
    const LIMIT = 10;
    /** The most arrivals a sliding-window server (as Bolna's) sees in one window, each request's latency jittered. */
    async function busiestServerWindow(marginMs: number): Promise<number> {
      const { clock, grants, take } = setup(WINDOW, { marginMs });
      for (let i = 0; i < 60; i++) void take(`r${i}`, "b", LIMIT);
      await clock.advanceTo(20_000);
      // Latency from 0 to 45 ms (under the 50 ms default margin), deterministic: 0, 9, 18, 27, 36, 45, 4, 13, …
      const arrivals = grants.map((g, i) => g.at + ((i * 9) % 46)).sort((a, b) => a - b);
      return maxGrantsInAnyWindow(arrivals, WINDOW);
    }
    expect(await busiestServerWindow(0)).toBeGreaterThan(LIMIT); // the 429s the margin exists for
    expect(await busiestServerWindow(50)).toBe(LIMIT);
  });

  it("waits out a short window with real timers", async () => {
    const limiter: RateLimiter = createRateLimiter({ windowMs: 20 });
    const order: number[] = [];
    const grantedAt: number[] = [];
    const start = performance.now(); // the limiter's clock: no grant can predate it
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        limiter.acquire("b", 2).then(() => {
          order.push(i);
          grantedAt.push(performance.now());
        }),
      ),
    );
    expect(order).toEqual([0, 1, 2, 3, 4]);
    // Lower bounds only: a loaded machine can make grants later, never earlier.
    expect((grantedAt[2] as number) - start).toBeGreaterThanOrEqual(20);
    expect((grantedAt[4] as number) - start).toBeGreaterThanOrEqual(40);
  });

  describe("timers (vitest fake timers count exactly the limiter's own)", () => {
    beforeEach(() => void vi.useFakeTimers());
    afterEach(() => void vi.useRealTimers());

    it("keeps no timer once every waiter is served", async () => {
      const limiter = createRateLimiter({ windowMs: 1000, marginMs: 0 });
      const granted = Promise.all([1, 2, 3, 4, 5].map(() => limiter.acquire("b", 2)));
      expect(vi.getTimerCount()).toBe(1);
      await vi.advanceTimersByTimeAsync(2000);
      await granted;
      expect(vi.getTimerCount()).toBe(0);
    });

    it("clears its timer when the only waiter aborts", async () => {
      const limiter = createRateLimiter({ windowMs: 60_000 });
      await limiter.acquire("b", 1);
      const controller = new AbortController();
      const waiting = limiter.acquire("b", 1, controller.signal);
      expect(vi.getTimerCount()).toBe(1);
      controller.abort();
      await expect(waiting).rejects.toThrow();
      expect(vi.getTimerCount()).toBe(0);
    });
  });
});
