/**
 * One hyperparameter's Parzen estimator, the density TPE fits to a set of
 * observed values (in the manner of Optuna's independent TPE):
 *
 * - a number is a mixture of Gaussians truncated to its range, one per
 *   observation plus a prior (centred, as wide as the range, weight 1). Each
 *   observation's bandwidth is the larger gap to its neighbours among the
 *   sorted observations, prior and range ends (the outermost take their inner
 *   gap), clipped to [range / min(100, n + 2), range] (the "magic clip");
 * - a categorical value is a mixture of one kernel per observation (mass
 *   1 + w/k on the observed value, w/k on each of the k values, w = 1, made to
 *   sum to 1) and a uniform prior: smoothed counts.
 *
 * Observations are weighted by age as Optuna's default: all 1 below 25, else
 * the oldest n - 25 ramp up linearly from 1/n and the newest 25 weigh 1.
 * Estimators are built, used and dropped within one step: nothing here is state.
 */
import { logNormalDensity, standardNormal, standardNormalMass } from "./gaussian.js";
import { nextFloat } from "./rng.js";
import type { RngState } from "./types.js";

/** The weight of the prior component, relative to an observation's. */
export const PRIOR_WEIGHT = 1;

/**
 * Where a hyperparameter's values live, in the estimator's coordinates: a
 * number in [low, high) (integers: rounded, with a half-unit margin on each
 * side of their range), or the index of a categorical value.
 */
export type ParzenDomain =
  | { kind: "numeric"; low: number; high: number; integer: boolean }
  | { kind: "categorical"; size: number };

export type ParzenEstimator =
  | {
      kind: "numeric";
      domain: Extract<ParzenDomain, { kind: "numeric" }>;
      mus: number[];
      sigmas: number[];
      /**
       * log of each component's density factor: weight / (truncated mass *
       * sigma * sqrt(2 pi)), so its log density at x is
       * logScale - ((x - mu) / sigma)^2 / 2.
       */
      logScale: number[];
      /** Cumulative weights, for picking a component. */
      cumulative: number[];
    }
  | { kind: "categorical"; probabilities: number[] };

/** Optuna's default observation weights, oldest first. */
export function ageWeights(n: number): number[] {
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = n - 25;
  const weights: number[] = [];
  for (let i = 0; i < ramp; i++) {
    weights.push(ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1));
  }
  for (let i = 0; i < 25; i++) weights.push(1);
  return weights;
}

function normalised(weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

/** The first index of `sorted` (ascending) whose value is not below `x`. */
function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Bandwidths of `mus` (observations, prior last) in [low, high], before
 * clipping: each is the larger gap to its neighbours in the order of (value,
 * index). The values are sorted alone (a typed array sorts fast); a value's
 * place is where its value starts plus how many earlier indices hold the same
 * value, so equal values take their places in index order.
 */
function bandwidths(mus: number[], low: number, high: number): number[] {
  const m = mus.length;
  const sorted = Float64Array.from(mus).sort();
  // gaps[j]: the gap below sorted[j], with the range's ends beyond the first and last.
  const gaps = new Float64Array(m + 1);
  gaps[0] = sorted[0]! - low;
  for (let j = 1; j < m; j++) gaps[j] = sorted[j]! - sorted[j - 1]!;
  gaps[m] = high - sorted[m - 1]!;
  const out = new Array<number>(m);
  const seen = new Map<number, number>();
  for (let i = 0; i < m; i++) {
    const x = mus[i]!;
    let place = lowerBound(sorted, x);
    if (place + 1 < m && sorted[place + 1] === x) {
      const before = seen.get(x) ?? 0;
      seen.set(x, before + 1);
      place += before;
    }
    // The range ends are not data: the outermost points take the gap on their inner side.
    if (m >= 2 && place === 0) out[i] = gaps[1]!;
    else if (m >= 2 && place === m - 1) out[i] = gaps[m - 1]!;
    else out[i] = Math.max(gaps[place]!, gaps[place + 1]!);
  }
  return out;
}

/** The estimator of `observations` (oldest first) over `domain`. */
export function parzenEstimator(domain: ParzenDomain, observations: number[]): ParzenEstimator {
  const weights = normalised([...ageWeights(observations.length), PRIOR_WEIGHT]);
  if (domain.kind === "categorical") {
    const k = domain.size;
    const probabilities = new Array<number>(k).fill(weights[observations.length]! / k);
    observations.forEach((index, i) => {
      const w = weights[i]! / (1 + PRIOR_WEIGHT);
      for (let c = 0; c < k; c++) probabilities[c]! += (w * PRIOR_WEIGHT) / k;
      probabilities[index]! += w;
    });
    return { kind: "categorical", probabilities };
  }
  const { low, high } = domain;
  const range = high - low;
  const mus = [...observations, (low + high) / 2];
  const minSigma = range / Math.min(100, mus.length + 1);
  const sigmas = bandwidths(mus, low, high).map((s) => Math.min(Math.max(s, minSigma), range));
  sigmas[mus.length - 1] = range;
  const logScale = mus.map((mu, i) => {
    const s = sigmas[i]!;
    const mass = standardNormalMass((low - mu) / s, (high - mu) / s);
    return Math.log(weights[i]!) - Math.log(mass) + logNormalDensity(mu, mu, s);
  });
  return { kind: "numeric", domain, mus, sigmas, logScale, cumulative: cumulativeOf(weights) };
}

function cumulativeOf(weights: number[]): number[] {
  const out: number[] = [];
  let sum = 0;
  for (const w of weights) {
    sum += w;
    out.push(sum);
  }
  return out;
}

/** An index drawn with the given cumulative weights (the last is the total). */
function pick(rng: RngState, cumulative: number[]): number {
  const u = nextFloat(rng) * cumulative[cumulative.length - 1]!;
  const i = cumulative.findIndex((c) => u < c);
  return i === -1 ? cumulative.length - 1 : i;
}

/** A term this far (in log) below the largest adds less than 1e-17 of it: not worth an exp. */
const NEGLIGIBLE = 40;

/** Draws attempted from a component before a value is clamped into the range (never in practice). */
const MAX_REJECTIONS = 64;

/** A value drawn from the estimator, in its domain's coordinates. */
export function sampleParzen(estimator: ParzenEstimator, rng: RngState): number {
  if (estimator.kind === "categorical") {
    return pick(rng, cumulativeOf(estimator.probabilities));
  }
  const { low, high, integer } = estimator.domain;
  const i = pick(rng, estimator.cumulative);
  const mu = estimator.mus[i]!;
  const sigma = estimator.sigmas[i]!;
  let x = mu;
  for (let tries = 0; tries < MAX_REJECTIONS; tries++) {
    const draw = mu + sigma * standardNormal(rng);
    if (draw >= low && draw < high) {
      x = draw;
      break;
    }
  }
  // + 0 turns Math.round's -0 into 0.
  return integer ? Math.round(x) + 0 : x;
}

/**
 * log of the estimator's density at `x` (for integers, the density at the
 * integer stands for the mass of its unit-wide bin; for categorical values,
 * the probability of index `x`).
 */
export function logParzenDensity(estimator: ParzenEstimator, x: number): number {
  if (estimator.kind === "categorical") return Math.log(estimator.probabilities[x]!);
  const { mus, sigmas, logScale } = estimator;
  // log(sum(exp(terms))) in one pass, skipping terms below 1e-17 of the largest so far.
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (let i = 0; i < mus.length; i++) {
    const z = (x - mus[i]!) / sigmas[i]!;
    const term = logScale[i]! - 0.5 * z * z;
    if (term <= max) {
      if (term > max - NEGLIGIBLE) sum += Math.exp(term - max);
    } else {
      sum = sum * Math.exp(max - term) + 1;
      max = term;
    }
  }
  return max + Math.log(sum);
}
