/**
 * How adaptive ASHA splits a search into brackets (Determined's
 * `adaptive_asha.go`): which brackets, how many trials each, how many at once.
 */
import type { AdaptiveAshaSearcherConfig, AshaMode } from "../protocol/config/types.js";
import { assertNever } from "./types.js";

/** floor(log_base(x)) for x >= 1, computed without floating-point log error at exact powers. */
export function floorLog(x: number, base: number): number {
  if (!(base > 1)) throw new Error(`searcher.divisor: must be > 1, got ${base}`);
  let k = 0;
  let power = base;
  while (power <= x) {
    k++;
    power *= base;
  }
  return k;
}

/** The number of rungs of each bracket for a mode, given the most rungs a bracket may have. */
export function modeBracketRungs(mode: AshaMode, maxRungs: number): number[] {
  const from = (() => {
    switch (mode) {
      case "aggressive":
        return maxRungs;
      case "standard":
        return Math.floor((maxRungs - 1) / 2) + 1;
      case "conservative":
        return 1;
      default:
        return assertNever(mode);
    }
  })();
  const rungs: number[] = [];
  for (let r = from; r <= maxRungs; r++) rungs.push(r);
  return rungs;
}

/**
 * The brackets' rung counts, most rungs (most early stopping) first:
 * `bracket_rungs` when given, else by mode from
 * maxRungs = min(max_rungs, floor(log_d(max_length)) + 1, floor(log_d(max_trials)) + 1).
 */
export function adaptiveBracketRungs(
  config: AdaptiveAshaSearcherConfig,
  maxLength: number,
): number[] {
  let rungs: number[];
  if (config.bracket_rungs && config.bracket_rungs.length > 0) {
    rungs = [...config.bracket_rungs];
  } else {
    const maxRungs = Math.max(
      Math.min(
        config.max_rungs,
        floorLog(maxLength, config.divisor) + 1,
        floorLog(config.max_trials, config.divisor) + 1,
      ),
      1,
    );
    rungs = modeBracketRungs(config.mode, maxRungs);
  }
  return rungs.sort((a, b) => b - a);
}

/**
 * Trials per bracket: weight divisor^(r-1)/r for a bracket of r rungs (roughly
 * equal budget per bracket), at least 1 each, the remainder to the first.
 */
export function bracketMaxTrials(
  maxTrials: number,
  divisor: number,
  bracketRungs: number[],
): number[] {
  const weights = bracketRungs.map((r) => divisor ** (r - 1) / r);
  const total = weights.reduce((a, b) => a + b, 0);
  const trials = weights.map((w) => Math.max(Math.floor((w / total) * maxTrials), 1));
  const allocated = trials.reduce((a, b) => a + b, 0);
  if (trials.length > 0) trials[0]! += Math.max(maxTrials - allocated, 0);
  return trials;
}

/**
 * Concurrent trials per bracket: max_concurrent_trials split evenly (at least
 * one each), the remainder to the first brackets; when it is 0, every bracket
 * gets max(trials of the last bracket, divisor).
 */
export function bracketMaxConcurrentTrials(
  maxConcurrent: number,
  divisor: number,
  bracketTrials: number[],
): number[] {
  const n = bracketTrials.length;
  if (n === 0) return [];
  if (maxConcurrent === 0) {
    const each = Math.max(bracketTrials[n - 1]!, Math.floor(divisor));
    return bracketTrials.map(() => each);
  }
  const total = Math.max(maxConcurrent, n);
  const each = Math.floor(total / n);
  const remainder = total % n;
  return bracketTrials.map((_, i) => each + (i < remainder ? 1 : 0));
}
