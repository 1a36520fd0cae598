import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  choice,
  intInRange,
  nextFloat,
  nextTrialSeed,
  nextUint32,
  seedRng,
} from "../../src/searcher/rng.js";

describe("the seeded generator", () => {
  it("gives the same sequence for the same seed and a different one for another seed", () => {
    const draw = (seed: number) => {
      const rng = seedRng(seed);
      return Array.from({ length: 8 }, () => nextUint32(rng));
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it("keeps its whole state as JSON, so a restored generator continues the sequence", () => {
    const rng = seedRng(9);
    nextUint32(rng);
    const restored = JSON.parse(JSON.stringify(rng));
    expect(nextUint32(restored)).toBe(nextUint32(rng));
  });

  it("draws floats in [0, 1), ints in the inclusive range and trial seeds as non-negative int32", () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: -50, max: 50 }),
        fc.nat(30),
        (seed, min, span) => {
          const rng = seedRng(seed);
          const f = nextFloat(rng);
          expect(f >= 0 && f < 1).toBe(true);
          const n = intInRange(rng, min, min + span);
          expect(Number.isInteger(n) && n >= min && n <= min + span).toBe(true);
          const t = nextTrialSeed(rng);
          expect(Number.isInteger(t) && t >= 0 && t < 2 ** 31).toBe(true);
        },
      ),
    );
  });

  it("reaches both ends of an int range roughly uniformly", () => {
    const rng = seedRng(3);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[intInRange(rng, 0, 3)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it("draws from ranges up to 2^53 - 1 integers wide and refuses wider ones instead of looping", () => {
    const rng = seedRng(5);
    const max = Number.MAX_SAFE_INTEGER - 1;
    const n = intInRange(rng, 0, max);
    expect(n >= 0 && n <= max).toBe(true);
    expect(() => intInRange(rng, -5e15, 5e15)).toThrow(/at most 2\^53 - 1 integers/);
  });

  it("chooses every element of a list", () => {
    const rng = seedRng(11);
    const seen = new Set(Array.from({ length: 100 }, () => choice(rng, ["a", "b", "c"])));
    expect([...seen].sort()).toEqual(["a", "b", "c"]);
  });

  it("accepts seeds beyond 32 bits and non-integers", () => {
    expect(seedRng(2 ** 40).s).not.toEqual(seedRng(0).s);
    expect(seedRng(1.7).s).toEqual(seedRng(1).s);
  });
});
