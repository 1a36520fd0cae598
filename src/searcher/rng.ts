/**
 * xoshiro128** (Blackman & Vigna): a small, fast generator whose whole state is
 * four 32-bit words, so it snapshots as plain JSON. The functions below advance
 * `rng` in place.
 */
import type { RngState } from "./types.js";

const TWO_POW_32 = 4294967296;

/** splitmix32: spreads a seed over the four words and never yields an all-zero state. */
function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A generator seeded from `seed` (any finite number; only its integer part
 * counts, up to 2^53). `stream` picks an independent sequence for the same seed.
 */
export function seedRng(seed: number, stream = 0): RngState {
  const whole = Number.isFinite(seed) ? Math.trunc(seed) : 0;
  const low = whole >>> 0;
  const high = Math.floor(whole / TWO_POW_32) >>> 0;
  const next = splitmix32(low ^ Math.imul(high, 0x27d4eb2d) ^ Math.imul(stream + 1, 0x165667b1));
  const s: [number, number, number, number] = [next(), next(), next(), next()];
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  return { s };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** A uniform 32-bit unsigned integer. */
export function nextUint32(rng: RngState): number {
  const s = rng.s;
  const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
  const t = (s[1] << 9) >>> 0;
  s[2] = (s[2] ^ s[0]) >>> 0;
  s[3] = (s[3] ^ s[1]) >>> 0;
  s[1] = (s[1] ^ s[2]) >>> 0;
  s[0] = (s[0] ^ s[3]) >>> 0;
  s[2] = (s[2] ^ t) >>> 0;
  s[3] = rotl(s[3], 11);
  return result;
}

/** A uniform float in [0, 1) with 53 random bits. */
export function nextFloat(rng: RngState): number {
  const high = nextUint32(rng) >>> 5; // 27 bits
  const low = nextUint32(rng) >>> 6; // 26 bits
  return (high * 67108864 + low) / 9007199254740992;
}

/** A uniform float in [min, max). */
export function uniform(rng: RngState, min: number, max: number): number {
  return min + nextFloat(rng) * (max - min);
}

/** A uniform integer in [min, max], both inclusive; unbiased (rejection sampling). */
export function intInRange(rng: RngState, min: number, max: number): number {
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
    throw new RangeError(`intInRange needs integers min <= max, got ${min}..${max}`);
  }
  const span = max - min + 1;
  // Wider, no 53-bit draw covers the span: the rejection loop below would never end.
  if (!(span < 9007199254740992)) {
    throw new RangeError(`intInRange needs at most 2^53 - 1 integers, got ${min}..${max}`);
  }
  if (span <= TWO_POW_32) {
    const limit = TWO_POW_32 - (TWO_POW_32 % span);
    for (;;) {
      const x = nextUint32(rng);
      if (x < limit) return min + (x % span);
    }
  }
  // Wider than 32 bits: draw 53-bit integers.
  const limit = 9007199254740992 - (9007199254740992 % span);
  for (;;) {
    const x = nextFloat(rng) * 9007199254740992;
    if (x < limit) return min + (x % span);
  }
}

/** One element of `items`, uniformly. */
export function choice<T>(rng: RngState, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError("choice from an empty list");
  return items[intInRange(rng, 0, items.length - 1)]!;
}

/** A seed for a trial's own generators: a non-negative 31-bit integer. */
export function nextTrialSeed(rng: RngState): number {
  return nextUint32(rng) >>> 1;
}
