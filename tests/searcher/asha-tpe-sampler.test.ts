import { describe, expect, it } from "vitest";
import type { ExperimentConfig, HParams } from "../../src/protocol/config/types.js";
import type { AshaSearchState } from "../../src/searcher/asha-search.js";
import { newTpeModel, tpeModelledRung, tpeModelRule } from "../../src/searcher/tpe-sampler.js";
import type { CreateOp } from "../../src/searcher/types.js";
import {
  adaptiveAsha,
  asyncHalving,
  batches,
  everyKindHParams,
  experimentConfig,
  tpe as tpeSearch,
} from "./support/config.js";
import { expectPlan, runTable } from "./support/simulation.js";

const withTpe = { sampler: "tpe", n_startup_trials: 5, gamma: 0.2, n_ei_candidates: 24 } as const;
const halving = asyncHalving({
  max_length: batches(900),
  max_trials: 30,
  max_concurrent_trials: 3,
});
const byDropout = (_id: number, length: number, h: HParams) =>
  ((h.dropout as number) - 0.1) ** 2 + 100 / length;

function creates(config: ExperimentConfig): CreateOp[] {
  return runTable(config, byDropout)
    .ops.flat()
    .filter((op): op is CreateOp => op.type === "create");
}

describe("ASHA with sampler: tpe", () => {
  const random = experimentConfig(halving, { hyperparameters: everyKindHParams });
  const tpe = experimentConfig({ ...halving, ...withTpe }, { hyperparameters: everyKindHParams });

  it("samples new trials as the random sampler does until a rung has enough results to model", () => {
    const a = creates(tpe);
    const b = creates(random);
    // Five varying hyperparameters: a rung is modelled from max(5, 2 * (5 + 1)) = 12 results.
    // Three trials at a time: trials 1–13 are created before the first rung holds its 12th result.
    expect(a.slice(0, 13)).toEqual(b.slice(0, 13));
    expect(a[13]!.hparams).not.toEqual(b[13]!.hparams);
    expect(a.map((op) => op.requestId)).toEqual(b.map((op) => op.requestId));
  });

  it("trains the same lengths as the random sampler when every trial reports the same metric", () => {
    const plan = { "1-3": "100 300 900", "4-10": "100 300", "11-30": "100" };
    expectPlan(experimentConfig(halving), () => 0.5, plan);
    expectPlan(experimentConfig({ ...halving, ...withTpe }), () => 0.5, plan);
  });

  it("keeps its model in the snapshot: results by rung length, and every trial's coordinates", () => {
    const run = runTable(tpe, () => 0.5);
    const method = run.state.method as AshaSearchState;
    expect(method.tpe!.rungs.map((r) => [r.length, r.results.length])).toEqual([
      [100, 30],
      [300, 10],
      [900, 3],
    ]);
    expect(method.tpe!.points).toHaveLength(30);
  });

  it("samples close to the best results once it models them", () => {
    const longer = { ...halving, max_trials: 60 };
    const config = (searcher: typeof halving) =>
      experimentConfig(searcher, { hyperparameters: everyKindHParams });
    const dropout = (ops: CreateOp[]) => ops.slice(20).map((op) => op.hparams.dropout as number);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // The metric is best at dropout 0.1, the low end of [0.1, 0.5).
    expect(mean(dropout(creates(config({ ...longer, ...withTpe }))))).toBeLessThan(
      mean(dropout(creates(config(longer)))) - 0.08,
    );
  });

  it("gives the same trials for the same seed and other trials for another seed", () => {
    const seeded = (seed: number) => ({ ...tpe, reproducibility: { experiment_seed: seed } });
    expect(creates(seeded(5))).toEqual(creates(seeded(5)));
    expect(creates(seeded(5)).slice(10)).not.toEqual(creates(seeded(6)).slice(10));
  });

  it("runs adaptive ASHA's brackets from one model", () => {
    const config = experimentConfig(
      { ...adaptiveAsha({ max_length: batches(1600), max_trials: 24 }), ...withTpe },
      { hyperparameters: everyKindHParams },
    );
    const run = runTable(config, byDropout);
    expect(run.trials).toHaveLength(24);
    expect(run.state.phase).toBe("shutdown");
  });

  it("models the longest rung with enough results, then shorter ones, then none (BOHB's rule)", () => {
    const model = newTpeModel();
    model.points = [[0], [1], [2]];
    const rung = (length: number, ids: number[]) => ({
      length,
      results: ids.map((id): [number, number] => [id, id]),
    });
    model.rungs = [rung(100, [1])];
    expect(tpeModelledRung(model, 2)).toBeNull();
    model.rungs = [rung(100, [1, 2, 3]), rung(300, [1])];
    expect(tpeModelledRung(model, 2)?.length).toBe(100);
    model.rungs = [rung(100, [1, 2, 3]), rung(300, [1, 2]), rung(900, [1])];
    expect(tpeModelledRung(model, 2)?.length).toBe(300);
  });

  it("splits a rung's results by their own ranking, as BOHB does, where the tpe searcher ranks every trial", () => {
    const settings = { n_startup_trials: 5, gamma: 0.1, n_ei_candidates: 24 };
    const asha = tpeModelRule(tpe, settings);
    // Five varying hyperparameters: BOHB's models need 5 + 1 points in each set.
    expect(asha.needed).toBe(12);
    expect(asha.randomFraction).toBeCloseTo(1 / 3);
    // 200 trials with a result, 16 of them at the modelled rung: the best 6 of those 16,
    // not 20 (which would take every trial at the rung, however it did there).
    expect(asha.goodSize(200, 16)).toBe(6);
    expect(asha.goodSize(2000, 240)).toBe(24);
    const pool = tpeModelRule(
      experimentConfig(tpeSearch(settings), { hyperparameters: everyKindHParams }),
      settings,
    );
    expect([pool.needed, pool.goodSize(200, 200), pool.randomFraction]).toEqual([5, 20, 0]);
  });
});
