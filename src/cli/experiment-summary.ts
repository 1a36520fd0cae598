/**
 * What `experiment describe` shows besides the experiment itself, as the web
 * page shows it at its top: the best trial, the rungs of an ASHA search and
 * the optimization history.
 */
import { type HParamSpecs, hyperparameterSpecs } from "../protocol/analysis/flat-hparams.js";
import {
  type OptimizationHistory,
  optimizationHistory,
} from "../protocol/analysis/optimization-history.js";
import type { AshaRung } from "../protocol/api/charts.js";
import type { ExperimentDetail, TrialSummary } from "../protocol/api/resources.js";
import type { MasterClient } from "./client.js";
import { sortTrials } from "./format/trials.js";

const ASHA = new Set(["async_halving", "adaptive_asha"]);

export interface ExperimentSummary {
  trials: TrialSummary[];
  bestTrial: TrialSummary | null;
  /** Null unless the searcher is an ASHA. */
  rungs: AshaRung[] | null;
  history: OptimizationHistory;
  /** The experiment's hyperparameter specs, which say how to flatten a trial's. */
  specs: HParamSpecs;
}

export async function loadSummary(
  client: MasterClient,
  e: ExperimentDetail,
): Promise<ExperimentSummary> {
  const [{ trials }, rungs, columns] = await Promise.all([
    client.trials(e.id),
    ASHA.has(e.searcher) ? client.rungs(e.id).then((r) => r.rungs) : Promise.resolve(null),
    allColumns(client, e.id),
  ]);
  const best = sortTrials(trials, { name: e.metric, smallerIsBetter: e.smallerIsBetter })[0];
  return {
    trials,
    bestTrial: best && best.bestValidation !== null ? best : null,
    rungs,
    history: optimizationHistory(columns, e.smallerIsBetter),
    specs: hyperparameterSpecs(e.config),
  };
}

async function allColumns(client: MasterClient, id: number) {
  const all = {
    trialIds: [] as number[],
    steps: [] as number[],
    values: [] as number[],
    times: [] as number[],
  };
  for (let after = 0; ; ) {
    const page = await client.validationColumns(id, after);
    all.trialIds.push(...page.trialIds);
    all.steps.push(...page.steps);
    all.values.push(...page.values);
    all.times.push(...page.times);
    after = page.next;
    if (!page.more) return all;
  }
}

/** The summary for `--json`: the history as its improvements. */
export function summaryJson(s: ExperimentSummary) {
  const h = s.history;
  return {
    bestTrial: s.bestTrial,
    rungs: s.rungs,
    optimizationHistory: {
      validations: h.values.length,
      lengthTrained: h.values.length > 0 ? h.compute[h.values.length - 1]! : 0,
      improvements: h.improvements.map((k) => ({
        trialId: h.trialIds[k]!,
        value: h.values[k]!,
        lengthTrained: h.compute[k]!,
        time: new Date(h.times[k]!).toISOString(),
      })),
    },
  };
}
