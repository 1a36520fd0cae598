import { describe, expect, it } from "vitest";
import { erfc, standardNormalMass } from "../../src/searcher/gaussian.js";
import {
  ageWeights,
  logParzenDensity as logDensityAt,
  type ParzenDomain,
  type ParzenEstimator,
  parzenEstimator,
  sampleParzen as sampleOf,
} from "../../src/searcher/parzen-estimator.js";
import { seedRng } from "../../src/searcher/rng.js";
import type { RngState } from "../../src/searcher/types.js";

const unit: ParzenDomain = { kind: "numeric", low: 0, high: 10, integer: false };

/** One hyperparameter's estimator, as independent TPE fits it. */
const estimatorOf = (domain: ParzenDomain, observations: number[]) =>
  parzenEstimator([domain], [observations], { rule: "neighbours" });
const logParzenDensity = (e: ParzenEstimator, x: number) => logDensityAt(e, [x]);
const sampleParzen = (e: ParzenEstimator, rng: RngState) => sampleOf(e, rng)[0]!;

function numericAxis(e: ParzenEstimator) {
  const axis = e.axes[0]!;
  if (axis.kind !== "numeric") throw new Error("numeric expected");
  return axis;
}

/** Each value's probability under a categorical estimator. */
const probabilities = (e: ParzenEstimator, size: number) =>
  Array.from({ length: size }, (_, c) => Math.exp(logParzenDensity(e, c)));

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
    const e = numericAxis(estimatorOf(wide, [20, 30, 90, 95, 96, 97, 98, 99]));
    // Sorted with the prior (50): 20 30 50 90 95 … 99; the outermost take their inner gap.
    expect(e.mus).toEqual([20, 30, 90, 95, 96, 97, 98, 99, 50]);
    expect(e.sigmas.slice(0, 3)).toEqual([10, 20, 40]);
    expect(e.sigmas.at(-1)).toBe(100);
  });

  it("clip bandwidths to at least range / min(100, n + 2) (the magic clip)", () => {
    const e = numericAxis(estimatorOf(unit, [4.99, 5.01]));
    expect(e.sigmas.slice(0, 2)).toEqual([10 / 4, 10 / 4]);
  });

  it("draw numbers inside the range, integers rounded, and mostly near the observations", () => {
    const rng = seedRng(1);
    const near = estimatorOf(unit, new Array(20).fill(8));
    const draws = Array.from({ length: 400 }, () => sampleParzen(near, rng));
    expect(draws.every((x) => x >= 0 && x < 10)).toBe(true);
    expect(draws.filter((x) => x > 6).length).toBeGreaterThan(300);
    const ints: ParzenDomain = { kind: "numeric", low: 1.5, high: 4.5, integer: true };
    const e = estimatorOf(ints, [2, 4]);
    const values = new Set(Array.from({ length: 200 }, () => sampleParzen(e, rng)));
    expect([...values].sort()).toEqual([2, 3, 4]);
  });

  it("have a higher density near the observations than far from them", () => {
    const e = estimatorOf(unit, [1, 1.5, 2]);
    expect(logParzenDensity(e, 1.5)).toBeGreaterThan(logParzenDensity(e, 8));
    // A truncated mixture integrates to 1 over the range (midpoint rule).
    let total = 0;
    for (let i = 0; i < 10_000; i++)
      total += Math.exp(logParzenDensity(e, (i + 0.5) / 1000)) / 1000;
    expect(total).toBeCloseTo(1, 3);
  });

  it("smooth categorical counts: every value keeps some probability, observed ones more", () => {
    const e = estimatorOf({ kind: "categorical", size: 3 }, [0, 0, 2]);
    const [a, b, c] = probabilities(e, 3);
    expect(a! + b! + c!).toBeCloseTo(1, 12);
    expect(a!).toBeGreaterThan(c!);
    expect(c!).toBeGreaterThan(b!);
    expect(b!).toBeGreaterThan(0);
    const rng = seedRng(2);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[sampleParzen(e, rng)]!++;
    expect(counts[0]! / 3000).toBeCloseTo(a!, 1);
  });

  it("give a categorical observation's kernel prior_weight / (n + 1) on each value and 1 more on its own, as Optuna", () => {
    // n = 3: each kernel is (1/4 + [own]) / (1 + 3/4); the prior's is uniform; all weigh 1/4.
    const [a, b, c] = probabilities(estimatorOf({ kind: "categorical", size: 3 }, [0, 0, 2]), 3);
    const hit = 1.25 / 1.75;
    const miss = 0.25 / 1.75;
    expect(a).toBeCloseTo((2 * hit + miss + 1 / 3) / 4, 12);
    expect(b).toBeCloseTo((3 * miss + 1 / 3) / 4, 12);
    expect(c).toBeCloseTo((hit + 2 * miss + 1 / 3) / 4, 12);
  });

  it("sharpen a categorical model as observations agree: the smoothing shrinks with n", () => {
    const size = 4;
    const agreeing = (n: number) =>
      probabilities(estimatorOf({ kind: "categorical", size }, new Array(n).fill(1)), size)[1]!;
    expect(agreeing(40)).toBeGreaterThan(agreeing(4));
    expect(agreeing(40)).toBeGreaterThan(0.9);
  });

  it("are fitted to as many observations as a search may have, however deep the caller's stack", () => {
    const observations = Array.from({ length: 200_000 }, (_, i) => (i % 1000) / 100);
    const deep = (depth: number): ParzenEstimator =>
      depth === 0 ? estimatorOf(unit, observations) : deep(depth - 1);
    expect(numericAxis(deep(3000)).mus).toHaveLength(200_001);
  });

  it("give an integer's bin under a kernel millions wide its true small mass, never NaN", () => {
    // One unit around the centre: the mass is the density there, 1 / (sigma sqrt(2 pi)).
    for (const sigma of [1e6, 1e7, 1e8]) {
      const exact = 1 / (sigma * Math.sqrt(2 * Math.PI));
      expect(standardNormalMass(-0.5 / sigma, 0.5 / sigma) / exact).toBeCloseTo(1, 9);
    }
    // A seed-like range: an observation's own integer has a finite density.
    const seeds: ParzenDomain = { kind: "numeric", low: -0.5, high: 2 ** 31 - 0.5, integer: true };
    const e = estimatorOf(seeds, [5, 1000, 123456]);
    expect(Number.isFinite(logParzenDensity(e, 1000))).toBe(true);
  });

  it("give an integer the mass of its unit bin, so the masses sum to 1 however narrow the kernels", () => {
    // 200 observations of a 1..4 range: bandwidths clip to 4 / 100, far below one unit.
    const ints: ParzenDomain = { kind: "numeric", low: 0.5, high: 4.5, integer: true };
    const observations = Array.from({ length: 200 }, (_, i) => 1 + (i % 4));
    const e = estimatorOf(ints, observations);
    expect(Math.min(...numericAxis(e).sigmas)).toBeLessThan(0.1);
    const masses = [1, 2, 3, 4].map((x) => Math.exp(logParzenDensity(e, x)));
    expect(masses.reduce((s, m) => s + m, 0)).toBeCloseTo(1, 6);
    // Wide kernels too: 16..256 with a handful of observations.
    const wide = estimatorOf({ kind: "numeric", low: 15.5, high: 256.5, integer: true }, [20, 256]);
    let total = 0;
    for (let x = 16; x <= 256; x++) total += Math.exp(logParzenDensity(wide, x));
    expect(total).toBeCloseTo(1, 6);
  });

  it("give every observation one bandwidth by Scott's rule when multivariate: 0.2 · range · n^(-1/(d + 4))", () => {
    const observations = [
      [1, 2, 3, 4, 5, 6, 7, 8],
      [0, 10, 20, 30, 40, 50, 60, 70],
    ];
    const e = parzenEstimator(
      [unit, { kind: "numeric", low: 0, high: 100, integer: false }],
      observations,
      {
        rule: "scott",
        dimensions: 2,
      },
    );
    const axes = e.axes.map((axis) => {
      if (axis.kind !== "numeric") throw new Error("numeric expected");
      return axis.sigmas;
    });
    const factor = 0.2 * 8 ** (-1 / 6);
    for (const sigma of axes[0]!.slice(0, 8)) expect(sigma).toBeCloseTo(10 * factor, 12);
    for (const sigma of axes[1]!.slice(0, 8)) expect(sigma).toBeCloseTo(100 * factor, 12);
    expect(axes.map((sigmas) => sigmas.at(-1))).toEqual([10, 100]);
  });

  it("draw a multivariate point's coordinates from one component, keeping them together", () => {
    // Observations in two opposite corners: a draw lands in a mixed corner only via the prior.
    const corners = [
      [1, 1, 1, 9, 9, 9],
      [1, 1, 1, 9, 9, 9],
    ];
    const e = parzenEstimator([unit, unit], corners, { rule: "scott", dimensions: 2 });
    const rng = seedRng(3);
    const draws = Array.from({ length: 2000 }, () => sampleOf(e, rng));
    const mixed = draws.filter(([x, y]) => (x! - 5) * (y! - 5) < 0).length / draws.length;
    // The prior weighs 1/7 and puts about half of its draws in mixed corners; the corners' kernels almost none.
    expect(mixed).toBeLessThan(0.15);
    expect(logDensityAt(e, [1, 1])).toBeGreaterThan(logDensityAt(e, [1, 9]) + 1);
  });

  it("normalise truncated Gaussians accurately in the tails", () => {
    expect(erfc(0)).toBeCloseTo(1, 6);
    expect(standardNormalMass(-1.96, 1.96)).toBeCloseTo(0.95, 4);
    expect(standardNormalMass(8, 9) / 6.22096e-16).toBeCloseTo(1, 3);
    expect(standardNormalMass(-9, -8) / 6.22096e-16).toBeCloseTo(1, 3);
  });
});
