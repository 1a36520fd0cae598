/**
 * A searcher replayed on recorded learning curves (bench/search-efficiency.ts):
 * its searcher simulation drives the trials, each validation reports what the
 * curves recorded, and the run notes the compute (length units trained, in
 * the order validations are reported) at which it reached a target.
 */
import type { ExperimentConfig } from "../../src/protocol/config/types.js";
import { simulate } from "../../src/searcher/simulate.js";
import type { LearningCurves, Placement } from "./learning-curves.js";

export interface Run {
  /** Units trained by all trials. */
  compute: number;
  best: number;
  trials: number;
  /** Trials trained to max_length. */
  full: number;
  /** Units trained when a validation first reached `target`; null if none did. */
  reached: number | null;
  /** The grid point of the trial with the best validation at max_length (its model is the one to use). */
  incumbent: number | null;
  /**
   * Units trained when that trial's point first was one whose final value,
   * averaged over its recorded runs, is at least as good as `target.mean`.
   */
  reachedMean: number | null;
  /** The share of its trials sampled at one of the best quarter of grid points. */
  atBestPoints: number;
}

/**
 * What a run must reach: `value`, a validation as good as random search's
 * final best (one run's value, its luck included); `mean`, a model to use
 * whose grid point is on average as good as that of random's best trial.
 */
export interface Target {
  value: number;
  mean: number;
}

/** No target: a run replayed to find random search's own. */
export const NONE: Target = { value: Number.NEGATIVE_INFINITY, mean: Number.NEGATIVE_INFINITY };

export function replay(
  curves: LearningCurves,
  config: ExperimentConfig,
  target: Target,
  place: Placement = (hparams) => curves.pointOf(hparams),
): Run {
  const trained = new Map<number, number>();
  const bestPoints = new Set(curves.bestPoints(1 / 4));
  let atBestPoints = 0;
  const run: Run = {
    compute: 0,
    best: Number.POSITIVE_INFINITY,
    trials: 0,
    full: 0,
    reached: null,
    incumbent: null,
    reachedMean: null,
    atBestPoints: 0,
  };
  const seed = config.reproducibility?.experiment_seed ?? 0;
  const { trials } = simulate(config, {
    report({ requestId, hparams, length }) {
      const point = place(hparams, seed, requestId);
      if (!trained.has(requestId) && bestPoints.has(point)) atBestPoints++;
      run.compute += length - (trained.get(requestId) ?? 0);
      trained.set(requestId, length);
      const loss = curves.validationAt(point, length, seed, requestId);
      if (length === curves.epochs && loss < run.best) {
        run.best = loss;
        run.incumbent = point;
        if (run.reachedMean === null && curves.finalMean(run.incumbent) <= target.mean)
          run.reachedMean = run.compute;
      }
      if (run.reached === null && loss <= target.value) run.reached = run.compute;
      return loss;
    },
  });
  run.trials = trials.length;
  run.atBestPoints = atBestPoints / trials.length;
  run.full = trials.filter((t) => t.lengths.includes(curves.epochs)).length;
  return run;
}

export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** What random search's run reached, as a target for the runs of the same seed. */
export function targetOf(curves: LearningCurves, random: Run): Target {
  return { value: random.best, mean: curves.finalMean(random.incumbent!) };
}

/** Mean units until `reached` (a whole run where it never was), and on how many seeds it was. */
export function reaching(rs: Run[], reached: (r: Run) => number | null) {
  return {
    meanToReach: mean(rs.map((r) => reached(r) ?? r.compute)),
    reached: rs.filter((r) => reached(r) !== null).length,
  };
}
