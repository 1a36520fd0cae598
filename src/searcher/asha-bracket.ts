/**
 * The shape of one ASHA bracket (Determined's `async_halving`): how many rungs,
 * how long each rung trains, how many trials and how many at once. Both ASHA
 * variants and adaptive ASHA's brackets are built from these parameters, which
 * are kept in the searcher state so a bracket is self-contained.
 */

export interface BracketParams {
  numRungs: number;
  divisor: number;
  maxTrials: number;
  /** Trials with work outstanding at once (already resolved: never 0). */
  concurrency: number;
  /** Absolute length of each rung, lowest first. */
  lengths: number[];
  /** true = the stopping variant (`stop_once`), false = promotions. */
  stopOnce: boolean;
}

/** Rung k trains to max(floor(maxLength / divisor^(numRungs-1-k)), 1). */
export function rungLengths(maxLength: number, divisor: number, numRungs: number): number[] {
  const lengths: number[] = [];
  for (let k = 0; k < numRungs; k++) {
    lengths.push(Math.max(Math.floor(maxLength / divisor ** (numRungs - 1 - k)), 1));
  }
  return lengths;
}

/**
 * How many trials a bracket keeps busy: `max_concurrent_trials` (capped by
 * max_trials) or, when it is 0, divisor^(numRungs-1) — enough for one trial to
 * reach the top rung — clamped to [1, maxTrials] (Determined's default).
 */
export function bracketConcurrency(
  maxConcurrent: number,
  divisor: number,
  numRungs: number,
  maxTrials: number,
): number {
  if (maxConcurrent > 0) return Math.max(Math.min(maxConcurrent, maxTrials), 1);
  return Math.max(Math.min(Math.floor(divisor ** (numRungs - 1)), maxTrials), 1);
}

export function makeBracket(
  maxLength: number,
  numRungs: number,
  divisor: number,
  maxTrials: number,
  maxConcurrent: number,
  stopOnce: boolean,
): BracketParams {
  if (!(divisor > 1)) throw new Error(`searcher.divisor: must be > 1, got ${divisor}`);
  if (!Number.isInteger(numRungs) || numRungs < 1) {
    throw new Error(`searcher.num_rungs: must be an integer >= 1, got ${numRungs}`);
  }
  return {
    numRungs,
    divisor,
    maxTrials,
    concurrency: bracketConcurrency(maxConcurrent, divisor, numRungs, maxTrials),
    lengths: rungLengths(maxLength, divisor, numRungs),
    stopOnce,
  };
}

/**
 * How many trials reach each rung when every trial reports the same metric.
 * Promotion variant: floor(n_k / divisor) of rung k's n_k trials move up.
 * Stopping variant: a tie with the best continues, so every trial does.
 */
export function constantMetricRungTrials(params: BracketParams): number[] {
  const counts: number[] = [params.maxTrials];
  for (let k = 1; k < params.numRungs; k++) {
    const below = counts[k - 1]!;
    counts.push(params.stopOnce ? below : Math.floor(below / params.divisor));
  }
  return counts;
}

/** Total length a bracket trains when every trial reports the same metric. */
export function constantMetricLength(params: BracketParams): number {
  const counts = constantMetricRungTrials(params);
  let total = 0;
  for (let k = 0; k < params.numRungs; k++) {
    const from = k === 0 ? 0 : params.lengths[k - 1]!;
    total += counts[k]! * (params.lengths[k]! - from);
  }
  return total;
}
