/**
 * TPE's split of the trials with a result into good and bad, in one pass over
 * the results and no sort: each trial's standing, then the best few picked
 * out by insertion (the good set is at most `MAX_GOOD_RESULTS`, so a trial is
 * usually dismissed by one comparison with the worst good one so far).
 *
 * The ranking: trials that reached the modelled length L by their metric at
 * the shortest length >= L, then those stopped before it, the ones that got
 * further first, each by its metric at its longest length (as Optuna ranks
 * pruned trials after complete ones). Ties go to the older trial. Without the
 * stopped trials, a high rung would hold only trials already selected for
 * being good, and g would be fitted to them.
 */
import type { RequestId } from "./types.js";

/** The good set is at most this many results (Optuna's default gamma). */
export const MAX_GOOD_RESULTS = 25;

/** The results reported at one length, in the order they came: [requestId, metric]. */
export interface TpeRung {
  length: number;
  results: [RequestId, number][];
}

/** Each trial's standing, indexed by request id; tier 0 = no result. */
interface Standings {
  /** 1: reached the modelled length; 2: stopped before it. */
  tier: Uint8Array;
  /** The length the metric was taken at. */
  length: Float64Array;
  metric: Float64Array;
}

/** `rungs` shortest first; `trials` is one more than the largest request id. */
function standingsOf(rungs: TpeRung[], modelled: number, trials: number): Standings {
  const s: Standings = {
    tier: new Uint8Array(trials),
    length: new Float64Array(trials),
    metric: new Float64Array(trials),
  };
  for (const rung of rungs) {
    const tier = rung.length >= modelled ? 1 : 2;
    for (const [id, metric] of rung.results) {
      // A later rung is longer: below L it replaces, from L on the first one is kept.
      if (s.tier[id] === 0 || s.tier[id] === 2) {
        s.tier[id] = tier;
        s.length[id] = rung.length;
        s.metric[id] = metric;
      }
    }
  }
  return s;
}

/** Whether trial `a` ranks before trial `b` (both have a result). */
function ranksBefore(s: Standings, a: RequestId, b: RequestId): boolean {
  const order =
    s.tier[a]! - s.tier[b]! ||
    (s.tier[a] === 2 ? s.length[b]! - s.length[a]! : 0) ||
    s.metric[a]! - s.metric[b]! ||
    a - b;
  return order < 0;
}

/**
 * How many of the ranked trials are good, given how many have a result
 * (`ranked`) and how many of them reached the modelled length (`reached`).
 */
export type GoodSize = (ranked: number, reached: number) => number;

/** Optuna's gamma: min(ceil(gamma * n), 25) of n. */
export function gammaShare(gamma: number, n: number): number {
  return Math.min(Math.ceil(gamma * n), MAX_GOOD_RESULTS);
}

/** Optuna's: min(ceil(gamma * n), 25) of the n trials with a result. */
export const optunaGoodSize =
  (gamma: number): GoodSize =>
  (ranked) =>
    gammaShare(gamma, ranked);

/**
 * The best `goodSize` trials with a result are good, the others bad; each set
 * oldest first (weights age by trial order). `trials` is the number of
 * request ids issued so far.
 */
export function splitResults(
  rungs: TpeRung[],
  modelled: number,
  goodSize: GoodSize,
  trials: number,
): { good: RequestId[]; bad: RequestId[] } {
  const s = standingsOf(rungs, modelled, trials + 1);
  let ranked = 0;
  let reached = 0;
  for (let id = 1; id <= trials; id++) {
    if (s.tier[id] !== 0) ranked++;
    if (s.tier[id] === 1) reached++;
  }
  const k = goodSize(ranked, reached);
  // The best k so far, best first.
  const best: RequestId[] = [];
  for (let id = 1; id <= trials && k > 0; id++) {
    if (s.tier[id] === 0) continue;
    if (best.length === k && !ranksBefore(s, id, best[k - 1]!)) continue;
    if (best.length === k) best.pop();
    let at = best.length;
    while (at > 0 && ranksBefore(s, id, best[at - 1]!)) at--;
    best.splice(at, 0, id);
  }
  const isGood = new Uint8Array(trials + 1);
  for (const id of best) isGood[id] = 1;
  const good: RequestId[] = [];
  const bad: RequestId[] = [];
  for (let id = 1; id <= trials; id++) {
    if (s.tier[id] === 0) continue;
    (isGood[id] ? good : bad).push(id);
  }
  return { good, bad };
}
