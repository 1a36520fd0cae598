/**
 * The search-efficiency benchmark's measurement on its recorded curves, at two
 * seeds: what it prints is what the searchers did (random search trains every
 * trial to the end; ASHA trains four times the trials with a quarter of the
 * compute or less; the ratios are what they say), so the benchmark cannot go
 * stale unnoticed.
 */
import { describe, expect, it } from "vitest";
import { ashaAtBestPoints, METHODS, measure } from "../../bench/search-efficiency.js";

const pick = (...names: string[]) => METHODS.filter((m) => names.includes(m.name));

describe("bench/search-efficiency", () => {
  it.each(["digits", "mnist"] as const)(
    "measures random, ASHA and ASHA+TPE on the %s curves",
    (set) => {
      const [random, asha, tpe] = measure(
        [1, 2],
        "validation_error",
        pick("random", "ASHA", "ASHA+TPE"),
        set,
      );
      expect(random!.trials).toBe(64);
      expect(random!.full).toBe(64);
      // Random search reaches its own final best on every seed, by construction.
      expect(random!.reached).toBe(2);
      expect(random!.ratioToRandomsReach).toBe(1);
      for (const f of [asha!, tpe!]) {
        expect(f.trials).toBe(256);
        expect(f.full).toBeLessThan(16);
        expect(f.meanCompute).toBeLessThan(random!.meanCompute / 3);
        expect(f.meanToReach).toBeLessThanOrEqual(f.meanCompute);
        expect(f.ratio).toBeCloseTo(f.meanToReach / random!.meanCompute, 12);
        expect(f.atBestPoints).toBeGreaterThan(0);
        expect(f.atBestPoints).toBeLessThanOrEqual(1);
      }
      expect(tpe!.aim).toBe(1 / 8);
      expect(tpe!.meetsAim).toBe(tpe!.reached === 2 && tpe!.ratio <= 1 / 8);
    },
  );

  it("bounds what a sampler could do: ASHA with every trial at the best point reaches a model as good on average on every seed", () => {
    const [random, asha] = measure([1, 2], "validation_error", pick("random", "ASHA"), "mnist");
    // One point: the best by its mean, as good on average as any random search can find.
    const best = ashaAtBestPoints([1, 2], 1e-9, "validation_error", "mnist");
    expect(best.expected.reached).toBe(2);
    // Only a trial trained to max_length counts: ASHA trains some of its trials before one is.
    expect(best.expected.ratio).toBeGreaterThan(64 / random!.meanCompute);
    expect(best.expected.ratio).toBeLessThan(asha!.meanCompute / random!.meanCompute);
    const tenth = ashaAtBestPoints([1, 2], 1 / 10, "validation_error", "mnist");
    for (const f of [tenth, tenth.expected]) {
      expect(f.reached).toBeLessThanOrEqual(2);
      expect(f.ratio).toBeGreaterThan(0);
    }
  });
});
