/**
 * Simulation tables (in the manner of Determined's searcher tests): run a
 * search with trials that report a given metric, and compare what each trial
 * trained to with a compact plan such as
 *   { "1": "1000 3000 9000", "2-4": "1000 3000", "5-12": "1000" }
 * (request ids or ranges → the lengths validated at, space-separated; "exit"
 * for a trial that exited before validating).
 *
 * After every event the state goes through snapshot → restore → snapshot,
 * which must be byte-identical, and the search continues from the restored
 * state, so anything a snapshot loses shows up in the plan.
 */
import { expect } from "vitest";
import type { ExperimentConfig, HParams } from "../../../src/protocol/config/types.js";
import {
  type SimulationResult,
  simulate,
  type TrialOutcome,
} from "../../../src/searcher/simulate.js";
import { restoreSearcher, snapshotSearcher } from "../../../src/searcher/snapshot.js";
import type { SearcherEvent, SearcherOp } from "../../../src/searcher/types.js";

export type Plan = Record<string, string>;

export interface TableRun extends SimulationResult {
  plan: Plan;
  events: SearcherEvent[];
  ops: SearcherOp[][];
  totalLength: number;
}

/** Expands "2-4" style keys into one entry per request id. */
export function expandPlan(plan: Plan): Plan {
  const out: Plan = {};
  for (const [key, lengths] of Object.entries(plan)) {
    const [from, to = from] = key.split("-").map(Number);
    for (let id = from!; id <= to!; id++) out[String(id)] = lengths;
  }
  return out;
}

/** `trialLimit`: fail past that many trials (a search that would never end) instead of running on. */
export function runTable(
  config: ExperimentConfig,
  report: (requestId: number, length: number, hparams: HParams) => TrialOutcome,
  trialLimit?: number,
): TableRun {
  const events: SearcherEvent[] = [];
  const ops: SearcherOp[][] = [];
  const result = simulate(config, {
    ...(trialLimit === undefined ? {} : { trialLimit }),
    report: ({ requestId, length, hparams }) => report(requestId, length, hparams),
    afterEvent(state, event, stepOps) {
      events.push(event);
      ops.push(stepOps);
      const snapshot = snapshotSearcher(state);
      const restored = restoreSearcher(snapshot);
      expect(snapshotSearcher(restored)).toBe(snapshot);
      return restored;
    },
  });
  const plan: Plan = {};
  for (const trial of result.trials) {
    plan[String(trial.requestId)] =
      trial.lengths.length > 0 ? trial.lengths.join(" ") : trial.exited ? "exit" : "";
  }
  const totalLength = result.trials.reduce((sum, t) => sum + (t.lengths.at(-1) ?? 0), 0);
  return { ...result, plan, events, ops, totalLength };
}

/** Runs the table and checks the plan. */
export function expectPlan(
  config: ExperimentConfig,
  report: (requestId: number, length: number, hparams: HParams) => TrialOutcome,
  expected: Plan,
): TableRun {
  const run = runTable(config, report);
  expect(run.plan).toEqual(expandPlan(expected));
  return run;
}
