/**
 * The Parzen estimator TPE fits to a set of observed trials (in the manner of
 * Optuna's TPE): a mixture with one component per observation plus a prior
 * component, each a product of one kernel per hyperparameter (one
 * hyperparameter alone for independent TPE, all of them for multivariate).
 *
 * - A number's kernel is a Gaussian truncated to its range; the prior's is
 *   centred and as wide as the range. An integer's is discretised: the mass
 *   of the unit-wide bin around the integer, its range widened by half a unit
 *   on each side. The bandwidths, clipped to [range / min(100, n + 2), range]
 *   (the "magic clip"):
 *   - independent: each observation's is the larger gap to its neighbours
 *     among the sorted observations, prior and range ends (the outermost take
 *     their inner gap);
 *   - multivariate: one for all, 0.2 · range · n^(-1/(d + 4)) (Scott's rule
 *     of thumb for d dimensions, as Optuna's).
 * - A categorical value's kernel puts prior_weight / (n + 1) on each of the k
 *   values and 1 more on the observed one, made to sum to 1; the prior's is
 *   uniform. With more observations, each kernel is sharper.
 *
 * Observations are weighted by age as Optuna's default: all 1 below 25, else
 * the oldest n - 25 ramp up linearly from 1/n and the newest 25 weigh 1; the
 * prior weighs 1. Estimators are built, used and dropped within one step:
 * nothing here is state.
 */
import { logNormalDensity, standardNormal, standardNormalMass } from "./gaussian.js";
import { ageWeights, type Bandwidth, bandwidths } from "./parzen-bandwidth.js";
import { nextFloat } from "./rng.js";
import type { RngState } from "./types.js";

export { ageWeights, type Bandwidth } from "./parzen-bandwidth.js";

/** The weight of the prior component, relative to an observation's. */
export const PRIOR_WEIGHT = 1;

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Where a hyperparameter's values live, in the estimator's coordinates: a
 * number in [low, high) (integers: rounded, with a half-unit margin on each
 * side of their range), or the index of a categorical value.
 */
export type ParzenDomain =
  | { kind: "numeric"; low: number; high: number; integer: boolean }
  | { kind: "categorical"; size: number };

type NumericDomain = Extract<ParzenDomain, { kind: "numeric" }>;

/** One hyperparameter's kernels, one per component (the prior last). */
type AxisKernels =
  | {
      kind: "numeric";
      domain: NumericDomain;
      mus: number[];
      sigmas: number[];
      /**
       * -log of each kernel's truncated mass (continuous: times sigma *
       * sqrt(2 pi)), so its log density at x is
       * logNorm - ((x - mu) / sigma)^2 / 2 (integers: log of the bin's mass
       * plus logNorm).
       */
      logNorm: number[];
    }
  | {
      kind: "categorical";
      size: number;
      /** The observed index per component; -1 for the prior. */
      observed: number[];
      /** log probability of the observed value, and of any other, for an observation's kernel. */
      logHit: number;
      logMiss: number;
    };

export interface ParzenEstimator {
  axes: AxisKernels[];
  /**
   * headroom[j]: how much the axes from j on can at most add to a component's
   * log density (a kernel's density can exceed 1), so that a component is
   * dropped as negligible only when it cannot become otherwise.
   */
  headroom: number[];
  /** log of each component's normalised weight. */
  logWeights: number[];
  /** Cumulative weights, for picking a component. */
  cumulative: number[];
  /**
   * One categorical axis alone: the mixture summed into each value's
   * probability (cumulative, then log), so that a density costs O(1) and a
   * draw O(k), not O(n).
   */
  categorical?: { cumulative: number[]; logProbabilities: number[] };
  /**
   * One numeric axis alone: per component, log(weight) plus its kernel's
   * logNorm, and (integers) the log of its weighted peak density.
   */
  numeric?: { logScale: number[]; logPeak: number[] };
}

function normalised(weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

function numericKernels(
  domain: NumericDomain,
  observations: number[],
  bandwidth: Bandwidth,
): AxisKernels {
  const { low, high } = domain;
  const mus = [...observations, (low + high) / 2];
  const sigmas = bandwidths(mus, low, high, bandwidth);
  const logNorm = mus.map((mu, i) => {
    const s = sigmas[i]!;
    const mass = standardNormalMass((low - mu) / s, (high - mu) / s);
    return domain.integer ? -Math.log(mass) : logNormalDensity(mu, mu, s) - Math.log(mass);
  });
  return { kind: "numeric", domain, mus, sigmas, logNorm };
}

function categoricalKernels(size: number, observations: number[]): AxisKernels {
  const spread = PRIOR_WEIGHT / (observations.length + 1);
  const total = 1 + size * spread;
  return {
    kind: "categorical",
    size,
    observed: [...observations, -1],
    logHit: Math.log((1 + spread) / total),
    logMiss: Math.log(spread / total),
  };
}

/**
 * The estimator of n observations over `domains`: `columns[j]` holds their
 * coordinates on domain j, oldest first.
 */
export function parzenEstimator(
  domains: ParzenDomain[],
  columns: number[][],
  bandwidth: Bandwidth,
): ParzenEstimator {
  const n = columns[0]?.length ?? 0;
  const weights = normalised([...ageWeights(n), PRIOR_WEIGHT]);
  const axes = domains.map((domain, j) =>
    domain.kind === "categorical"
      ? categoricalKernels(domain.size, columns[j]!)
      : numericKernels(domain, columns[j]!, bandwidth),
  );
  const peaks = axes.map((axis) =>
    // A fold, not Math.max(...): an axis has a kernel per observation, up to max_trials of them.
    axis.kind === "numeric" && !axis.domain.integer
      ? axis.logNorm.reduce((m, v) => Math.max(m, v), 0)
      : 0,
  );
  const headroom = [...peaks, 0].map((_, j) => peaks.slice(j).reduce((a, b) => a + b, 0));
  const estimator: ParzenEstimator = {
    axes,
    headroom,
    logWeights: weights.map(Math.log),
    cumulative: cumulativeOf(weights),
  };
  const only = axes[0]!;
  if (axes.length === 1 && only.kind === "categorical") {
    // Every observation's kernel gives each value `miss`, and its own `hit - miss` more.
    const prior = weights[n]!;
    const miss = Math.exp(only.logMiss);
    const extra = Math.exp(only.logHit) - miss;
    const probabilities = new Array<number>(only.size).fill(prior / only.size + (1 - prior) * miss);
    for (let i = 0; i < n; i++) probabilities[only.observed[i]!]! += weights[i]! * extra;
    estimator.categorical = {
      cumulative: cumulativeOf(probabilities),
      logProbabilities: probabilities.map(Math.log),
    };
  } else if (axes.length === 1 && only.kind === "numeric") {
    const logScale = only.logNorm.map((norm, i) => estimator.logWeights[i]! + norm);
    const logPeak = logScale.map((scale, i) => scale - Math.log(only.sigmas[i]!) - LOG_SQRT_2PI);
    estimator.numeric = { logScale, logPeak };
  }
  return estimator;
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

function sampleKernel(axis: AxisKernels, i: number, rng: RngState): number {
  if (axis.kind === "categorical") {
    const index = axis.observed[i]!;
    const miss = Math.exp(axis.logMiss);
    const probabilities = Array.from({ length: axis.size }, (_, c) =>
      index === -1 ? 1 : c === index ? Math.exp(axis.logHit) : miss,
    );
    return pick(rng, cumulativeOf(probabilities));
  }
  const { low, high, integer } = axis.domain;
  const mu = axis.mus[i]!;
  const sigma = axis.sigmas[i]!;
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

/** A point drawn from the estimator, one coordinate per axis. */
export function sampleParzen(estimator: ParzenEstimator, rng: RngState): number[] {
  if (estimator.categorical) return [pick(rng, estimator.categorical.cumulative)];
  const i = pick(rng, estimator.cumulative);
  return estimator.axes.map((axis) => sampleKernel(axis, i, rng));
}

/**
 * log of component i's kernel at x on one axis: for integers the mass of x's
 * bin, for categorical values the probability of index x. At or below
 * `bound` the caller has no use for the exact value.
 */
function logKernel(axis: AxisKernels, i: number, x: number, bound: number): number {
  if (axis.kind === "categorical") {
    const index = axis.observed[i]!;
    if (index === -1) return -Math.log(axis.size);
    return index === x ? axis.logHit : axis.logMiss;
  }
  const mu = axis.mus[i]!;
  const sigma = axis.sigmas[i]!;
  if (!axis.domain.integer) {
    const z = (x - mu) / sigma;
    return axis.logNorm[i]! - 0.5 * z * z;
  }
  const logNorm = axis.logNorm[i]!;
  return logBinMass(x, mu, sigma, logNorm, logNorm - Math.log(sigma) - LOG_SQRT_2PI, bound);
}

/**
 * log of `scale` times the mass of x's unit bin under N(mu, sigma), given
 * logScale and logPeak = logScale - log(sigma * sqrt(2 pi)). Where even an
 * upper bound of it (the bin's width times the density at its point nearest
 * mu) is at most `floor`, the bound (the caller drops the term).
 */
function logBinMass(
  x: number,
  mu: number,
  sigma: number,
  logScale: number,
  logPeak: number,
  floor: number,
): number {
  const a = (x - 0.5 - mu) / sigma;
  const b = (x + 0.5 - mu) / sigma;
  const nearest = a > 0 ? a : Math.min(b, 0);
  const bound = logPeak - 0.5 * nearest * nearest;
  return bound <= floor ? bound : logScale + Math.log(standardNormalMass(a, b));
}

/** log(sum(exp(terms))) in one pass, skipping terms below 1e-17 of the largest so far. */
class LogSum {
  private max = Number.NEGATIVE_INFINITY;
  private sum = 0;

  /** Terms at or below this add nothing. */
  floor(): number {
    return this.max - NEGLIGIBLE;
  }

  add(term: number): void {
    if (term <= this.max) {
      if (term > this.max - NEGLIGIBLE) this.sum += Math.exp(term - this.max);
    } else {
      this.sum = this.sum * Math.exp(this.max - term) + 1;
      this.max = term;
    }
  }

  value(): number {
    return this.max + Math.log(this.sum);
  }
}

/** logParzenDensity for one numeric axis (independent TPE's case, the costly one): the same sum, in a tighter loop. */
function logNumericDensity(
  axis: Extract<AxisKernels, { kind: "numeric" }>,
  { logScale, logPeak }: { logScale: number[]; logPeak: number[] },
  x: number,
): number {
  const { mus, sigmas } = axis;
  const integer = axis.domain.integer;
  const total = new LogSum();
  for (let i = 0; i < mus.length; i++) {
    const sigma = sigmas[i]!;
    let term: number;
    if (integer) {
      term = logBinMass(x, mus[i]!, sigma, logScale[i]!, logPeak[i]!, total.floor());
    } else {
      const z = (x - mus[i]!) / sigma;
      term = logScale[i]! - 0.5 * z * z;
    }
    total.add(term);
  }
  return total.value();
}

/**
 * log of the estimator's density at `x` (one coordinate per axis; for
 * integers the mass of the unit bin, for categorical values a probability).
 */
export function logParzenDensity(estimator: ParzenEstimator, x: number[]): number {
  if (estimator.categorical) return estimator.categorical.logProbabilities[x[0]!]!;
  const { axes, headroom, logWeights } = estimator;
  const only = axes[0]!;
  if (estimator.numeric && only.kind === "numeric") {
    return logNumericDensity(only, estimator.numeric, x[0]!);
  }
  const total = new LogSum();
  for (let i = 0; i < logWeights.length; i++) {
    let term = logWeights[i]!;
    for (let j = 0; j < axes.length && term + headroom[j]! > total.floor(); j++) {
      term += logKernel(axes[j]!, i, x[j]!, total.floor() - term - headroom[j + 1]!);
    }
    total.add(term);
  }
  return total.value();
}
