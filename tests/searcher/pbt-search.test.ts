import { describe, expect, it } from "vitest";
import type { HParams } from "../../src/protocol/config/types.js";
import { formatPreview } from "../../src/searcher/format-preview.js";
import { previewSearch } from "../../src/searcher/preview.js";
import {
  advanceSearcher,
  newSearcher,
  replaySearcher,
  stepSearcher,
} from "../../src/searcher/searcher.js";
import { snapshotSearcher } from "../../src/searcher/snapshot.js";
import type { CreateOp, SearcherEvent, SearcherOp } from "../../src/searcher/types.js";
import { experimentConfig } from "./support/config.js";
import { pbt, pbtHParams } from "./support/pbt-configs.js";
import { expectPlan, runTable } from "./support/simulation.js";

const config = experimentConfig(pbt(), { hyperparameters: pbtHParams });

/** Trial 2 is best, then 4, 3, 1; later trials rank by request id. */
const firstRound: Record<number, number> = { 1: 0.4, 2: 0.1, 3: 0.3, 4: 0.2 };
const metricOf = (requestId: number) => firstRound[requestId] ?? requestId;

function creates(ops: SearcherOp[]): CreateOp[] {
  return ops.filter((op): op is CreateOp => op.type === "create");
}

function runFirstRound(cfg = config) {
  const state = newSearcher(cfg);
  const initial = advanceSearcher(cfg, state, { type: "initialize" });
  const last: SearcherOp[][] = [];
  for (let id = 1; id <= 4; id++) {
    last.push(
      advanceSearcher(cfg, state, {
        type: "validationCompleted",
        requestId: id,
        metric: metricOf(id),
        length: 100,
      }),
    );
  }
  return { state, initial, ops: last };
}

describe("pbt searcher", () => {
  it("starts the population with one round each", () => {
    const { initial } = runFirstRound();
    expect(initial.map((op) => (op.type === "create" ? "create" : op))).toEqual([
      "create",
      { type: "validateAfter", requestId: 1, length: 100 },
      "create",
      { type: "validateAfter", requestId: 2, length: 100 },
      "create",
      { type: "validateAfter", requestId: 3, length: 100 },
      "create",
      { type: "validateAfter", requestId: 4, length: 100 },
    ]);
  });

  it("waits for the whole population, then replaces the worst with a copy of the best", () => {
    const { ops } = runFirstRound();
    expect(ops.slice(0, 3)).toEqual([[], [], []]);
    const judged = ops[3]!;
    const child = creates(judged)[0]!;
    expect(judged).toEqual([
      { type: "close", requestId: 1 },
      child,
      { type: "validateAfter", requestId: 5, length: 200 },
      { type: "validateAfter", requestId: 2, length: 200 },
      { type: "validateAfter", requestId: 4, length: 200 },
      { type: "validateAfter", requestId: 3, length: 200 },
    ]);
    expect(child.requestId).toBe(5);
    expect(child.checkpoint).toEqual({ requestId: 2, length: 100 });
  });

  it("ranks the other way round when larger is better", () => {
    const cfg = experimentConfig(pbt({ smaller_is_better: false }), {
      hyperparameters: pbtHParams,
    });
    const judged = runFirstRound(cfg).ops[3]!;
    expect(judged[0]).toEqual({ type: "close", requestId: 2 });
    expect(creates(judged)[0]!.checkpoint).toEqual({ requestId: 1, length: 100 });
  });

  it("perturbs the parent's numbers by the factor, keeps categorical and const values", () => {
    const cfg = experimentConfig(
      pbt({ explore_function: { resample_probability: 0, perturb_factor: 0.5 } }),
      { hyperparameters: pbtHParams },
    );
    const { initial, ops } = runFirstRound(cfg);
    const parent = creates(initial)[1]!.hparams;
    const child = creates(ops[3]!)[0]!.hparams;
    const model = (h: HParams) => h.model as HParams;
    const near = (value: number, old: number, min: number, max: number) =>
      [old * 0.5, old * 1.5].map((v) => Math.min(max, Math.max(min, v))).includes(value);
    expect(near(child.dropout as number, parent.dropout as number, 0.1, 0.5)).toBe(true);
    expect(near(child.lr as number, parent.lr as number, 1e-4, 1e-1)).toBe(true);
    const units = parent.units as number;
    expect([Math.max(2, Math.floor(units * 0.5)), Math.min(64, Math.ceil(units * 1.5))]).toContain(
      child.units,
    );
    expect([
      Math.max(1, Math.floor((model(parent).depth as number) * 0.5)),
      Math.min(3, Math.ceil((model(parent).depth as number) * 1.5)),
    ]).toContain(model(child).depth);
    expect(child.optimizer).toBe(parent.optimizer);
    expect(model(child).activation).toBe("relu");
  });

  it("resamples every hyperparameter from its domain with resample_probability 1", () => {
    const children = Array.from({ length: 20 }, (_, seed) => {
      const cfg = experimentConfig(
        pbt({ explore_function: { resample_probability: 1, perturb_factor: 0 } }),
        { hyperparameters: pbtHParams, seed },
      );
      const { initial, ops } = runFirstRound(cfg);
      return { parent: creates(initial)[1]!.hparams, child: creates(ops[3]!)[0]!.hparams };
    });
    for (const { child } of children) {
      expect(child.dropout).toBeGreaterThanOrEqual(0.1);
      expect(child.dropout).toBeLessThanOrEqual(0.5);
      expect(child.lr).toBeGreaterThanOrEqual(1e-4);
      expect(child.lr).toBeLessThanOrEqual(1e-1);
      expect(Number.isInteger(child.units) && (child.units as number) >= 2).toBe(true);
      expect(["adam", "sgd"]).toContain(child.optimizer);
      expect((child.model as HParams).activation).toBe("relu");
    }
    // With no perturbation, only a resample moves a value: every number moves in every search,
    // and the categorical one changes in some.
    for (const name of ["dropout", "lr", "units"]) {
      expect(
        children.every(({ parent, child }) => child[name] !== parent[name]),
        name,
      ).toBe(true);
    }
    expect(children.some(({ parent, child }) => child.optimizer !== parent.optimizer)).toBe(true);
  });

  it("copies the parent's hyperparameters exactly with no perturbation and no resampling", () => {
    const cfg = experimentConfig(
      pbt({ explore_function: { resample_probability: 0, perturb_factor: 0 } }),
      { hyperparameters: pbtHParams },
    );
    const { initial, ops } = runFirstRound(cfg);
    expect(creates(ops[3]!)[0]!.hparams).toEqual(creates(initial)[1]!.hparams);
  });

  it("trains num_rounds rounds: children inherit their parent's length, the total is population × rounds", () => {
    const run = expectPlan(config, (id) => metricOf(id), {
      "1": "100",
      "2-4": "100 200 300",
      "5": "200",
      "6": "300",
    });
    // Round 2 ranks 2, 4, 3, 5 (trial 5 reports 5, the worst): 5 is dropped, 2 copied again.
    const sixth = creates(run.ops.flat())[5]!;
    expect(sixth.checkpoint).toEqual({ requestId: 2, length: 200 });
    expect(run.ops.at(-1)!.at(-1)).toEqual({ type: "shutdown", cancel: false, failure: false });
    const preview = previewSearch(config);
    expect(preview.totalLength).toBe(4 * 3 * 100);
    expect(preview.brackets[0]!.rungs).toEqual([
      { length: 100, trials: 4 },
      { length: 200, trials: 4 },
      { length: 300, trials: 4 },
    ]);
  });

  it("counts none of a warm-started child's parent's length against the search when the child's hyperparameters are invalid", () => {
    const { state } = runFirstRound();
    // Child 5 starts from trial 2's checkpoint at 100 and trains 50 more.
    advanceSearcher(config, state, { type: "trialProgress", requestId: 5, length: 150 });
    expect(state.progress.trained).toBe(450);
    advanceSearcher(config, state, {
      type: "trialExitedEarly",
      requestId: 5,
      reason: "INVALID_HP",
    });
    // Its own 50 no longer count; its parent's 100 still do (trial 2 trained them).
    expect(state.progress.trained).toBe(400);
  });

  it("ranks a trial that exited early last and replaces it", () => {
    const run = runTable(config, (id, length) =>
      id === 2 && length === 100 ? { exit: "ERRORED" } : metricOf(id),
    );
    expect(run.plan["2"]).toBe("exit");
    // The exited trial is not closed, copied or continued; the best live trial (4) is copied.
    expect(creates(run.ops.flat())[4]!.checkpoint).toEqual({ requestId: 4, length: 100 });
    expect(run.plan["5"]).toBe("200");
  });

  it("gives the same trials for the same config, seed and events", () => {
    const a = runTable(config, (id) => metricOf(id));
    const b = runTable(config, (id) => metricOf(id));
    expect(b.ops).toEqual(a.ops);
    const other = runTable(
      experimentConfig(pbt(), { hyperparameters: pbtHParams, seed: 43 }),
      (id) => metricOf(id),
    );
    expect(creates(other.ops.flat())[0]!.hparams).not.toEqual(creates(a.ops.flat())[0]!.hparams);
  });

  it("is rebuilt exactly by replaying its events after a restart at any point", () => {
    const run = runTable(config, (id) => metricOf(id));
    for (let cut = 1; cut <= run.events.length; cut++) {
      // The master dies after `cut` events; a new one replays them and carries on.
      const replayed = replaySearcher(config, run.events.slice(0, cut));
      let live = newSearcher(config);
      for (const event of run.events.slice(0, cut)) live = stepSearcher(config, live, event).state;
      expect(snapshotSearcher(replayed)).toBe(snapshotSearcher(live));
      const rest: SearcherOp[][] = [];
      for (const event of run.events.slice(cut) as SearcherEvent[]) {
        rest.push(advanceSearcher(config, replayed, event));
      }
      expect(rest).toEqual(run.ops.slice(cut));
    }
  });
});

describe("pbt preview", () => {
  it("prints the rounds and how many trials start from a parent's checkpoint", () => {
    expect(formatPreview(config, previewSearch(config))).toBe(
      [
        "pbt: 6 trials",
        "  round 1: 4 trials train to 100 batches",
        "  round 2: 4 trials train to 200 batches",
        "  round 3: 4 trials train to 300 batches",
        "  2 trials start from a parent's checkpoint",
        "total: 1,200 batches trained",
        "",
      ].join("\n"),
    );
  });
});
