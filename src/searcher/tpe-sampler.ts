/**
 * TPE as a sampler of new trials' hyperparameters (Bergstra et al. 2011, in
 * the manner of Optuna's independent TPESampler), for the `tpe` searcher and
 * for ASHA with `sampler: tpe`.
 *
 * The model is what the searcher state keeps: each trial's hyperparameters as
 * coordinates (`tpe-space.ts`) and the (normalised: smaller is better) metrics
 * trials reported, by length. To sample, it takes the results at the longest
 * length that has enough of them; with none, the trial is sampled at random
 * exactly as random search does. Trials are ranked by their results at that
 * length, those stopped before it after them (see `tpe-split.ts`).
 *
 * - The `tpe` searcher (Optuna's rule): enough is max(n_startup_trials, 1);
 *   the best min(ceil(gamma * n), 25) of the n trials with a result are good,
 *   the rest bad.
 * - ASHA's sampler (BOHB's rule, Falkner et al. 2018): the highest rung with
 *   enough results, falling back to lower rungs. Enough is
 *   max(n_startup_trials, 2 * (d + 1)) for d varying hyperparameters (BOHB
 *   fits a model to a budget once both its good and its bad set hold d + 1
 *   of the budget's results); the good set is the best
 *   max(d + 1, min(ceil(gamma * m), 25)) of the m results at that rung, so
 *   the rung's ranking decides it: ranked against every trial, as the `tpe`
 *   searcher ranks, a rung above the first would be good as a whole (few
 *   trials reach it) and its results would not count. One new trial in
 *   three is still sampled at random (BOHB's random fraction), so that a
 *   model fitted to a few noisy results cannot hold the search at one point,
 *   and the search stays within a constant factor of random ASHA.
 *
 * For each varying hyperparameter, independently and in the config's order,
 * it fits a Parzen estimator l to the good values and g to the bad ones,
 * draws n_ei_candidates values from l and keeps the one with the highest
 * l(x)/g(x) (the first on ties). With `multivariate` (Optuna's option) it
 * does so once for all varying hyperparameters together: l and g are
 * mixtures of product kernels (bandwidths by Scott's rule, as Optuna's), a
 * candidate is a whole point.
 *
 * Early exits carry no metric and are not results; a trial that exits with
 * INVALID_HP is forgotten. All randomness comes from the searcher's generator.
 */
import { SEARCHER_DEFAULTS } from "../protocol/config/searcher-config.js";
import type {
  ExperimentConfig,
  HParams,
  SearcherConfig,
  TpeSettings,
} from "../protocol/config/types.js";
import { normaliseMetric } from "./asha-state.js";
import {
  type Bandwidth,
  logParzenDensity,
  type ParzenDomain,
  parzenEstimator,
  sampleParzen,
} from "./parzen-estimator.js";
import { nextFloat } from "./rng.js";
import { axisDomain, decodeHParams, encodeHParams, type TpeAxis, tpeAxes } from "./tpe-space.js";
import {
  type GoodSize,
  gammaShare,
  optunaGoodSize,
  splitResults,
  type TpeRung,
} from "./tpe-split.js";
import type { MethodContext, MethodEvent, RequestId, RngState } from "./types.js";

export type { TpeRung } from "./tpe-split.js";

export interface TpeModelState {
  /** points[requestId - 1]: the trial's coordinates; null once it is forgotten (INVALID_HP). */
  points: (number[] | null)[];
  /** Shortest length first. */
  rungs: TpeRung[];
}

export function newTpeModel(): TpeModelState {
  return { points: [], rungs: [] };
}

/** The TPE settings of a searcher that samples with TPE, else null. */
export function tpeSettingsOf(searcher: SearcherConfig): TpeSettings | null {
  if (searcher.name === "tpe") return searcher;
  if (searcher.name !== "async_halving" && searcher.name !== "adaptive_asha") return null;
  if (searcher.sampler !== "tpe") return null;
  const {
    n_startup_trials = SEARCHER_DEFAULTS.n_startup_trials,
    gamma = SEARCHER_DEFAULTS.gamma,
    n_ei_candidates = SEARCHER_DEFAULTS.n_ei_candidates,
    multivariate = SEARCHER_DEFAULTS.multivariate,
  } = searcher;
  return { n_startup_trials, gamma, n_ei_candidates, multivariate };
}

/** Records a trial's (normalised) metric at `length`. */
function recordResult(
  model: TpeModelState,
  requestId: RequestId,
  length: number,
  metric: number,
): void {
  if (!model.points[requestId - 1]) return;
  let rung = model.rungs.find((r) => r.length === length);
  if (rung === undefined) {
    rung = { length, results: [] };
    model.rungs.push(rung);
    model.rungs.sort((a, b) => a.length - b.length);
  }
  rung.results.push([requestId, metric]);
}

/** Forgets a trial and its results (its hyperparameters were invalid). */
function forgetTrial(model: TpeModelState, requestId: RequestId): void {
  if (requestId - 1 < model.points.length) model.points[requestId - 1] = null;
  for (const rung of model.rungs) rung.results = rung.results.filter(([id]) => id !== requestId);
}

/**
 * What the model learns from a method event: a validation is a result, an
 * INVALID_HP exit forgets the trial; other events teach it nothing.
 */
export function observeTpe(
  model: TpeModelState | undefined,
  event: MethodEvent,
  smallerIsBetter: boolean,
): void {
  if (model === undefined) return;
  if (event.type === "validationCompleted") {
    const metric = normaliseMetric(event.metric, smallerIsBetter);
    recordResult(model, event.requestId, event.length, metric);
  } else if (event.type === "trialExitedEarly" && event.reason === "INVALID_HP") {
    forgetTrial(model, event.requestId);
  }
}

/** BOHB's share of new trials sampled at random once there is a model. */
export const BOHB_RANDOM_FRACTION = 1 / 3;

/** How a searcher models its results: the `tpe` searcher as Optuna, ASHA's sampler as BOHB. */
export interface TpeModelRule {
  /** Results a length needs to be modelled. */
  needed: number;
  goodSize: GoodSize;
  /** The share of new trials sampled at random while there is a model. */
  randomFraction: number;
}

export function tpeModelRule(config: ExperimentConfig, settings: TpeSettings): TpeModelRule {
  const startup = Math.max(settings.n_startup_trials, 1);
  if (config.searcher.name === "tpe") {
    return { needed: startup, goodSize: optunaGoodSize(settings.gamma), randomFraction: 0 };
  }
  const minPoints = tpeAxes(config.hyperparameters).length + 1;
  return {
    needed: Math.max(startup, 2 * minPoints),
    goodSize: (_ranked, reached) => Math.max(minPoints, gammaShare(settings.gamma, reached)),
    randomFraction: BOHB_RANDOM_FRACTION,
  };
}

/** The results to model: the longest length with at least `needed` of them, or null (sample at random). */
export function tpeModelledRung(model: TpeModelState, needed: number): TpeRung | null {
  for (let k = model.rungs.length - 1; k >= 0; k--) {
    if (model.rungs[k]!.results.length >= needed) return model.rungs[k]!;
  }
  return null;
}

/**
 * The coordinates the model suggests over `domains`: n_ei_candidates points
 * drawn from l, the one with the highest l(x)/g(x) (the first on ties).
 */
function sampleJointly(
  domains: ParzenDomain[],
  good: number[][],
  bad: number[][],
  candidates: number,
  bandwidth: Bandwidth,
  rng: RngState,
): number[] {
  const l = parzenEstimator(domains, good, bandwidth);
  const g = parzenEstimator(domains, bad, bandwidth);
  let best: number[] = [];
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < candidates; i++) {
    const x = sampleParzen(l, rng);
    const score = logParzenDensity(l, x) - logParzenDensity(g, x);
    if (i === 0 || score > bestScore) {
      best = x;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Coordinates for every axis: independently, one axis at a time in order
 * (Optuna's default), or all axes jointly (`multivariate`). An axis whose
 * range is one value takes it.
 */
function sampleCoordinates(
  axes: TpeAxis[],
  good: number[][],
  bad: number[][],
  settings: TpeSettings,
  rng: RngState,
): number[] {
  const domains = axes.map(axisDomain);
  const varies = domains.map((d) => d.kind === "categorical" || d.high > d.low);
  const coords = domains.map((d) => (d.kind === "numeric" ? d.low : 0));
  const modelled = domains.flatMap((_, j) => (varies[j] ? [j] : []));
  const columns = (points: number[][], js: number[]) => js.map((j) => points.map((p) => p[j]!));
  const groups = settings.multivariate ? [modelled] : modelled.map((j) => [j]);
  for (const js of groups) {
    if (js.length === 0) continue;
    const bandwidth: Bandwidth = settings.multivariate
      ? { rule: "scott", dimensions: js.length }
      : { rule: "neighbours" };
    const x = sampleJointly(
      js.map((j) => domains[j]!),
      columns(good, js),
      columns(bad, js),
      settings.n_ei_candidates,
      bandwidth,
      rng,
    );
    js.forEach((j, k) => {
      coords[j] = x[k]!;
    });
  }
  return coords;
}

/** Hyperparameters for a new trial from the model, or null to sample it at random (too few results, or BOHB's random draw). */
export function suggestTpe(
  ctx: MethodContext,
  model: TpeModelState,
  settings: TpeSettings,
): HParams | null {
  const rule = tpeModelRule(ctx.config, settings);
  const rung = tpeModelledRung(model, rule.needed);
  if (rung === null) return null;
  // Drawn only once there is a model, so that until then the draws are random search's.
  if (rule.randomFraction > 0 && nextFloat(ctx.rng) < rule.randomFraction) return null;
  const { good, bad } = splitResults(model.rungs, rung.length, rule.goodSize, model.points.length);
  const specs = ctx.config.hyperparameters;
  const points = (ids: RequestId[]) => ids.map((id) => model.points[id - 1]!);
  const coords = sampleCoordinates(tpeAxes(specs), points(good), points(bad), settings, ctx.rng);
  return decodeHParams(specs, coords);
}

/**
 * The context new trials are created with: with a model (and TPE settings),
 * `ctx` with a `newTrial` that samples from the model when it is not given
 * hyperparameters and records every new trial's coordinates; else `ctx`.
 */
export function tpeSampling(ctx: MethodContext, model: TpeModelState | undefined): MethodContext {
  const settings = tpeSettingsOf(ctx.config.searcher);
  if (model === undefined || settings === null) return ctx;
  return {
    config: ctx.config,
    rng: ctx.rng,
    newTrial(hparams) {
      const create = ctx.newTrial(hparams ?? suggestTpe(ctx, model, settings) ?? undefined);
      const axes = tpeAxes(ctx.config.hyperparameters);
      model.points[create.requestId - 1] = encodeHParams(axes, create.hparams);
      return create;
    },
  };
}
