import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConfigurationError } from "../../src/extensions/errors.js";
import {
  createRateLimiter,
  type RateLimiter,
  type Release,
  type Sleep,
} from "../../src/extensions/internal/rate-limit.js";

/** A clock that moves only when the test says so; sleeps wake in time order as it passes their deadline. */
function fakeClock() {
  let time = 0;
  const sleepers: { at: number; wake(): void }[] = [];
  const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  const sleep: Sleep = (ms, signal) =>
    new Promise((resolve, reject) => {
      const sleeper = { at: time + ms, wake: resolve };
      sleepers.push(sleeper);
      signal?.addEventListener(
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

/**
 * `take` acquires a slot and releases it at once, as a request whose response arrives the moment it is sent would;
 * `hold` keeps it until the test releases it.
 */
function setup(windowMs = 1000) {
  const clock = fakeClock();
  const limiter = createRateLimiter({ windowMs, now: clock.now, sleep: clock.sleep });
  const grants: { id: string; at: number }[] = [];
  const held = new Map<string, Release>();
  const hold = (id: string, bucket: string, limit: number, signal?: AbortSignal): Promise<void> =>
    limiter.acquire(bucket, limit, signal).then((release) => {
      grants.push({ id, at: clock.now() });
      held.set(id, release);
    });
  const take = (id: string, bucket: string, limit: number, signal?: AbortSignal): Promise<void> =>
    hold(id, bucket, limit, signal).then(() => held.get(id)?.());
  return { clock, limiter, grants, take, hold, held };
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
    expect(grants.map((g) => `${g.id}@${g.at}`)).toEqual([
      "x1@0",
      "x2@0",
      "w1@1000",
      "w2@1000",
      "w3@2000",
      "late@2000",
    ]);
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

  it("holds a slot while its request is in flight, and for one window after its response", async () => {
    const { clock, grants, hold, held, take } = setup(1000);
    void hold("slow", "b", 1);
    void take("next", "b", 1);
    await clock.advanceTo(5000);
    expect(grants.map((g) => g.id)).toEqual(["slow"]); // in flight for 5 s: its slot stays taken
    expect(clock.sleeping()).toBe(0); // waiting for a response, not on a timer
    (held.get("slow") as Release)(); // the response arrives at 5000: free at 6000
    await clock.advanceTo(5999);
    expect(grants).toHaveLength(1);
    await clock.advanceTo(6000);
    expect(grants.map((g) => `${g.id}@${g.at}`)).toEqual(["slow@0", "next@6000"]);
    expect(clock.sleeping()).toBe(0);
  });

  it("frees a slot at once when its request was never sent, and ignores a second release", async () => {
    const { clock, grants, hold, held } = setup(1000);
    await hold("refused", "b", 1);
    void hold("next", "b", 1);
    await clock.flush();
    expect(grants).toHaveLength(1);
    const release = held.get("refused") as Release;
    release({ sent: false });
    release();
    await clock.flush();
    expect(grants.map((g) => `${g.id}@${g.at}`)).toEqual(["refused@0", "next@0"]);
  });

  it("keeps an arrival-counting server under its limit however late requests arrive", async () => {
    const WINDOW = 1000;
    const LIMIT = 10;
    const { clock, grants, hold, held } = setup(WINDOW);
    const arrivals: number[] = [];
    const ids = Array.from({ length: 60 }, (_, i) => `r${i}`);
    for (const id of ids) void hold(id, "b", LIMIT);
    // Each request reaches the server 0–300 ms after its grant (a stalled event loop, a slow network) and its
    // response comes back 0–40 ms after that, deterministic per request.
    for (let at = 0; at <= 20_000; at += 5) {
      await clock.advanceTo(at);
      for (const [index, grant] of grants.entries()) {
        const arrival = grant.at + ((index * 97) % 301);
        const response = arrival + ((index * 13) % 41);
        if (arrivals.length === index && arrival <= at) arrivals.push(arrival);
        if (response <= at && held.has(grant.id)) {
          (held.get(grant.id) as Release)();
          held.delete(grant.id);
        }
      }
    }
    expect(grants).toHaveLength(60);
    expect(
      maxGrantsInAnyWindow(
        arrivals.sort((a, b) => a - b),
        WINDOW,
      ),
    ).toBe(LIMIT);
  });

  it("waits out a short window with real timers", async () => {
    const limiter: RateLimiter = createRateLimiter({ windowMs: 20 });
    const order: number[] = [];
    const grantedAt: number[] = [];
    const start = performance.now(); // the limiter's clock: no grant can predate it
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        limiter.acquire("b", 2).then((release) => {
          release();
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
      const limiter = createRateLimiter({ windowMs: 1000 });
      const granted = Promise.all([1, 2, 3, 4, 5].map(() => limiter.acquire("b", 2).then((release) => release())));
      await vi.advanceTimersByTimeAsync(0); // the first two report back, and the third waits for their window
      expect(vi.getTimerCount()).toBe(1);
      await vi.advanceTimersByTimeAsync(2000);
      await granted;
      expect(vi.getTimerCount()).toBe(0);
    });

    it("clears its timer when the only waiter aborts", async () => {
      const limiter = createRateLimiter({ windowMs: 60_000 });
      (await limiter.acquire("b", 1))();
      const controller = new AbortController();
      const waiting = limiter.acquire("b", 1, controller.signal);
      expect(vi.getTimerCount()).toBe(1);
      controller.abort();
      await expect(waiting).rejects.toThrow();
      expect(vi.getTimerCount()).toBe(0);
    });
  });
});
