/**
 * How wide a Parzen estimator's kernels are, and how much each weighs (in the
 * manner of Optuna's TPE, for a numeric hyperparameter in the estimator's
 * coordinates).
 */

/** How bandwidths are chosen: Optuna's independent rule, or its multivariate one for d dimensions. */
export type Bandwidth = { rule: "neighbours" } | { rule: "scott"; dimensions: number };

/** Optuna's multivariate bandwidth: this fraction of the range for one observation. */
const SCOTT_MAGNITUDE = 0.2;

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
function neighbourGaps(mus: number[], low: number, high: number): number[] {
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

/**
 * The bandwidths of `mus` (the observations, then the prior) in [low, high]:
 * by `rule`, clipped to [range / min(100, n + 2), range] (the "magic clip");
 * the prior's is the range.
 */
export function bandwidths(mus: number[], low: number, high: number, rule: Bandwidth): number[] {
  const range = high - low;
  const n = mus.length - 1;
  const minSigma = range / Math.min(100, n + 2);
  const raw =
    rule.rule === "neighbours"
      ? neighbourGaps(mus, low, high)
      : mus.map(() => SCOTT_MAGNITUDE * range * Math.max(n, 1) ** (-1 / (rule.dimensions + 4)));
  const sigmas = raw.map((s) => Math.min(Math.max(s, minSigma), range));
  sigmas[n] = range;
  return sigmas;
}
