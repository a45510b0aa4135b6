/**
 * Small seeded hashes and a PRNG, so generated data (the stateful mock's, the test fakes') and injected faults are
 * the same on every run whatever the order requests arrive in: a value is a function of (seed, index, …), never of
 * a shared random state.
 */

/** murmur3's 32-bit finaliser: a good avalanche for sequential inputs. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of small non-negative integers (an index above 2^32 folds its high part in). */
export function hash32(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = fmix32(h ^ fmix32(part >>> 0) ^ Math.imul(Math.floor(part / 0x1_0000_0000) >>> 0, 0x27d4eb2f));
  }
  return h;
}

/** `hash32` scaled to a float in [0, 1): a reproducible dice roll. */
export function roll(...parts: number[]): number {
  return hash32(...parts) / 0x1_0000_0000;
}

/** FNV-1a over a string's UTF-16 code units. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** mulberry32: a small seeded PRNG giving floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/** The last `digits` hex digits of a 32-bit value, zero-padded. */
export function hex(value: number, digits: number): string {
  return (value >>> 0).toString(16).padStart(8, "0").slice(-digits);
}
