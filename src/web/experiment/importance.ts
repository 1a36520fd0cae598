/**
 * Hyperparameter importance, one hyperparameter at a time: the share of the
 * variance of the trials' metric *ranks* that the hyperparameter's value
 * explains (ω², a one-way analysis of variance corrected for the number of
 * bins, so noise scores about 0), over categories or over up to ten
 * equal-count bins of a numeric hyperparameter. It is not fANOVA: it sees no
 * interactions, and correlated hyperparameters share credit. Spearman's ρ
 * gives a numeric hyperparameter's direction.
 */
import type { Axis } from "./brush.js";

export interface Importance {
  key: string;
  /** ω² in [0, 1]. */
  explained: number;
  /** Spearman's rank correlation with the metric (numeric hyperparameters), else null. */
  rho: number | null;
  /** Trials with both a value and a metric. */
  n: number;
  bins: number;
}

/** Average ranks (ties share their mean rank), 0-based. */
export function ranks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const out = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]!] === values[order[i]!]) j++;
    for (let k = i; k <= j; k++) out[order[k]!] = (i + j) / 2;
    i = j + 1;
  }
  return out;
}

function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

/**
 * Bin of each value: the category itself; each distinct value when few and
 * shared by several trials on average (an int of a few values); else
 * equal-count bins. A continuous value of a few trials is binned too: one
 * trial a group leaves no variance within groups to judge by.
 */
function binsOf(axis: Axis, xs: Float64Array): { bin: Int32Array; count: number } {
  const n = xs.length;
  const bin = new Int32Array(n);
  const distinct = [...new Set(xs)].sort((a, b) => a - b);
  if (axis.kind === "categorical" || distinct.length <= Math.min(10, n / 2)) {
    const index = new Map(distinct.map((v, i) => [v, i]));
    for (let i = 0; i < n; i++) bin[i] = index.get(xs[i]!)!;
    return { bin, count: distinct.length };
  }
  const count = Math.max(2, Math.min(10, Math.floor(n / 5)));
  const r = ranks(xs);
  for (let i = 0; i < n; i++) bin[i] = Math.min(count - 1, Math.floor((r[i]! * count) / n));
  return { bin, count };
}

/** ω² of `ys` grouped by `bin`; 0 when it cannot be told from noise. */
function omegaSquared(ys: Float64Array, bin: Int32Array, count: number): number {
  const n = ys.length;
  if (count < 2 || n <= count) return 0;
  const sum = new Float64Array(count);
  const size = new Float64Array(count);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    sum[bin[i]!]! += ys[i]!;
    size[bin[i]!]!++;
    mean += ys[i]!;
  }
  mean /= n;
  let total = 0;
  for (let i = 0; i < n; i++) total += (ys[i]! - mean) ** 2;
  let between = 0;
  let groups = 0;
  for (let b = 0; b < count; b++) {
    if (size[b]! === 0) continue;
    groups++;
    between += size[b]! * (sum[b]! / size[b]! - mean) ** 2;
  }
  if (total === 0 || groups < 2) return 0;
  const within = (total - between) / (n - groups);
  return Math.max(0, (between - (groups - 1) * within) / (total + within));
}

/**
 * What a numeric hyperparameter's ρ says in words: with a metric that is
 * better smaller, a positive ρ (the metric rises with the hyperparameter)
 * means higher is worse. Empty when |ρ| < 0.1, too weak to say.
 */
export function directionNote(rho: number | null, smallerIsBetter: boolean): string {
  if (rho === null || Math.abs(rho) < 0.1) return "";
  const better = rho > 0 === smallerIsBetter ? "worse" : "better";
  return `higher is ${better} (ρ ${rho.toFixed(2)})`;
}

/** Importance of each hyperparameter axis for the metric (the last axis, `buildAxes`), most important first. */
export function importances(axes: readonly Axis[]): Importance[] {
  const metric = axes.at(-1);
  if (!metric) return [];
  const out: Importance[] = [];
  for (const axis of axes) {
    if (axis === metric) continue;
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < axis.values.length; i++) {
      const x = axis.values[i]!;
      const y = metric.values[i]!;
      if (Number.isNaN(x) || Number.isNaN(y)) continue;
      xs.push(x);
      ys.push(y);
    }
    const x = Float64Array.from(xs);
    const y = ranks(ys);
    const { bin, count } = binsOf(axis, x);
    out.push({
      key: axis.key,
      explained: omegaSquared(y, bin, count),
      rho: axis.kind === "categorical" || xs.length < 3 ? null : pearson(ranks(x), y),
      n: xs.length,
      bins: count,
    });
  }
  return out.sort((a, b) => b.explained - a.explained || a.key.localeCompare(b.key));
}
