import { describe, expect, it } from "vitest";
import { erfc, standardNormalMass } from "../../src/searcher/gaussian.js";
import {
  ageWeights,
  logParzenDensity,
  type ParzenDomain,
  parzenEstimator,
  sampleParzen,
} from "../../src/searcher/parzen-estimator.js";
import { seedRng } from "../../src/searcher/rng.js";

const unit: ParzenDomain = { kind: "numeric", low: 0, high: 10, integer: false };

describe("Parzen estimators", () => {
  it("weigh observations as Optuna's default: equal below 25, else the oldest ramp up from 1/n", () => {
    expect(ageWeights(3)).toEqual([1, 1, 1]);
    const w = ageWeights(30);
    expect(w).toHaveLength(30);
    expect(w[0]).toBeCloseTo(1 / 30);
    expect(w[4]).toBeCloseTo(1);
    expect(w.slice(5)).toEqual(new Array(25).fill(1));
  });

  it("give each observation the larger gap to its neighbours, the prior the whole range", () => {
    const wide: ParzenDomain = { kind: "numeric", low: 0, high: 100, integer: false };
    const e = parzenEstimator(wide, [20, 30, 90, 95, 96, 97, 98, 99]);
    if (e.kind !== "numeric") throw new Error("numeric expected");
    // Sorted with the prior (50): 20 30 50 90 95 … 99; the outermost take their inner gap.
    expect(e.mus).toEqual([20, 30, 90, 95, 96, 97, 98, 99, 50]);
    expect(e.sigmas.slice(0, 3)).toEqual([10, 20, 40]);
    expect(e.sigmas.at(-1)).toBe(100);
  });

  it("clip bandwidths to at least range / min(100, n + 2) (the magic clip)", () => {
    const e = parzenEstimator(unit, [4.99, 5.01]);
    if (e.kind !== "numeric") throw new Error("numeric expected");
    expect(e.sigmas.slice(0, 2)).toEqual([10 / 4, 10 / 4]);
  });

  it("draw numbers inside the range, integers rounded, and mostly near the observations", () => {
    const rng = seedRng(1);
    const near = parzenEstimator(unit, new Array(20).fill(8));
    const draws = Array.from({ length: 400 }, () => sampleParzen(near, rng));
    expect(draws.every((x) => x >= 0 && x < 10)).toBe(true);
    expect(draws.filter((x) => x > 6).length).toBeGreaterThan(300);
    const ints: ParzenDomain = { kind: "numeric", low: 1.5, high: 4.5, integer: true };
    const e = parzenEstimator(ints, [2, 4]);
    const values = new Set(Array.from({ length: 200 }, () => sampleParzen(e, rng)));
    expect([...values].sort()).toEqual([2, 3, 4]);
  });

  it("have a higher density near the observations than far from them", () => {
    const e = parzenEstimator(unit, [1, 1.5, 2]);
    expect(logParzenDensity(e, 1.5)).toBeGreaterThan(logParzenDensity(e, 8));
    // A truncated mixture integrates to 1 over the range (midpoint rule).
    let total = 0;
    for (let i = 0; i < 10_000; i++)
      total += Math.exp(logParzenDensity(e, (i + 0.5) / 1000)) / 1000;
    expect(total).toBeCloseTo(1, 3);
  });

  it("smooth categorical counts: every value keeps some probability, observed ones more", () => {
    const e = parzenEstimator({ kind: "categorical", size: 3 }, [0, 0, 2]);
    if (e.kind !== "categorical") throw new Error("categorical expected");
    const [a, b, c] = e.probabilities;
    expect(a! + b! + c!).toBeCloseTo(1, 12);
    expect(a!).toBeGreaterThan(c!);
    expect(c!).toBeGreaterThan(b!);
    expect(b!).toBeGreaterThan(0);
    const rng = seedRng(2);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[sampleParzen(e, rng)]!++;
    expect(counts[0]! / 3000).toBeCloseTo(a!, 1);
  });

  it("normalise truncated Gaussians accurately in the tails", () => {
    expect(erfc(0)).toBeCloseTo(1, 6);
    expect(standardNormalMass(-1.96, 1.96)).toBeCloseTo(0.95, 4);
    expect(standardNormalMass(8, 9) / 6.22096e-16).toBeCloseTo(1, 3);
    expect(standardNormalMass(-9, -8) / 6.22096e-16).toBeCloseTo(1, 3);
  });
});
