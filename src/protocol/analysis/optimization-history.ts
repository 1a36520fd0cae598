/**
 * Whether a search is still improving: every validation of the searcher
 * metric in the order it was reported, with the compute spent by then and
 * the best value so far. Pure, shared by the web UI and the CLI.
 */

/** Validation columns as the master serves them (`ValidationColumns`), in any order. */
export interface ValidationPoints {
  trialIds: ArrayLike<number>;
  steps: ArrayLike<number>;
  values: ArrayLike<number>;
  /** Report times, in ms since the epoch. */
  times: ArrayLike<number>;
}

export interface OptimizationHistory {
  /** Every validation, in report order (ties in the order given). */
  trialIds: Float64Array;
  values: Float64Array;
  /** Ms since the epoch. */
  times: Float64Array;
  /**
   * Length the experiment had trained when the point was reported: the sum
   * over trials of the furthest length each had validated at by then (work
   * redone after a restart from an earlier checkpoint is not counted twice).
   */
  compute: Float64Array;
  /** Best so far after each point, in the search's direction. */
  best: Float64Array;
  /** Indices of the points that set a new best, in order. */
  improvements: number[];
}

export function optimizationHistory(
  points: ValidationPoints,
  smallerIsBetter: boolean,
): OptimizationHistory {
  const n = points.values.length;
  const order = new Uint32Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    order[i] = i;
    if (i > 0 && points.times[i]! < points.times[i - 1]!) sorted = false;
  }
  // Columns come in row order, which is report order but for writes that raced: sort only then.
  if (!sorted) sortByTime(order, points.times);
  const out: OptimizationHistory = {
    trialIds: new Float64Array(n),
    values: new Float64Array(n),
    times: new Float64Array(n),
    compute: new Float64Array(n),
    best: new Float64Array(n),
    improvements: [],
  };
  const furthest = new Map<number, number>();
  let total = 0;
  let best = smallerIsBetter ? Infinity : -Infinity;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const trialId = points.trialIds[i]!;
    const step = points.steps[i]!;
    const value = points.values[i]!;
    const before = furthest.get(trialId) ?? 0;
    if (step > before) {
      total += step - before;
      furthest.set(trialId, step);
    }
    if (smallerIsBetter ? value < best : value > best) {
      best = value;
      out.improvements.push(k);
    }
    out.trialIds[k] = trialId;
    out.values[k] = value;
    out.times[k] = points.times[i]!;
    out.compute[k] = total;
    out.best[k] = best;
  }
  return out;
}

/**
 * Indices in time order, ties in index order. Times within about a year of
 * each other are packed with their index into one number each and sorted
 * natively, many times faster than a comparator over 250,000 points.
 */
function sortByTime(order: Uint32Array, times: ArrayLike<number>): void {
  const n = order.length;
  let t0 = Infinity;
  let t1 = -Infinity;
  for (let i = 0; i < n; i++) {
    t0 = Math.min(t0, times[i]!);
    t1 = Math.max(t1, times[i]!);
  }
  const slots = 2 ** Math.ceil(Math.log2(n + 1));
  const exact = Number.isInteger(t0) && Number.isInteger(t1) && (t1 - t0 + 1) * slots < 2 ** 53;
  if (!exact) {
    order.sort((a, b) => times[a]! - times[b]! || a - b);
    return;
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = (times[i]! - t0) * slots + i;
  keys.sort();
  for (let k = 0; k < n; k++) order[k] = keys[k]! % slots;
}
