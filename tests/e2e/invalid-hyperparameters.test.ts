/**
 * A trial whose hyperparameters cannot work (the synthetic model with more
 * than 512 hidden units "does not fit in memory") raises InvalidHPError: it
 * exits early with INVALID_HP, is not counted, and the searcher samples a
 * replacement, so the search still trains max_trials usable trials.
 */
import { expect, test } from "vitest";
import { CORE_API_DIR, SYNTHETIC_DIR } from "./support/build.js";
import {
  clustersClosedAfterEach,
  createExperiment,
  trialDetails,
  waitForEnd,
} from "./support/cluster.js";
import { batches, syntheticConfig, withChanges } from "./support/configs.js";

const startCluster = clustersClosedAfterEach();

const MAX_TRIALS = 6;
const base = withChanges(syntheticConfig("adaptive.yaml"), {
  // About half the samples are too wide to fit.
  hyperparameters: {
    lr: { type: "log", minval: -3, maxval: -1, base: 10 },
    hidden: { type: "int", minval: 16, maxval: 1024 },
    optimizer: "adam",
  },
  min_validation_period: batches(16),
  min_checkpoint_period: batches(16),
  scheduling_unit: 8,
  reproducibility: { experiment_seed: 3 },
});

const random = {
  name: "random",
  max_trials: MAX_TRIALS,
  max_concurrent_trials: 3,
  max_length: batches(32),
};

test.each([
  ["random", SYNTHETIC_DIR, random, [32]],
  ["random (the core-API example)", CORE_API_DIR, random, [32]],
  [
    "async_halving",
    SYNTHETIC_DIR,
    {
      name: "async_halving",
      max_trials: MAX_TRIALS,
      max_concurrent_trials: 3,
      max_length: batches(64),
      num_rungs: 2,
      divisor: 4,
    },
    [16, 64],
  ],
])(
  "%s replaces a trial that exits early with INVALID_HP",
  async (_, workdir, searcher, rungs) => {
    const cluster = await startCluster({ slots: 3 });
    const c = cluster;
    const { mode: _m, max_rungs: _r, divisor: _d, ...rest } = base.searcher;
    const config = { ...base, searcher: { ...rest, ...searcher } };
    const id = await createExperiment(c, config, workdir);
    expect(await waitForEnd(c, id)).toBe("COMPLETED");

    const trials = await trialDetails(c, id);
    const invalid = trials.filter((t) => Number(t.hparams.hidden) > 512);
    const usable = trials.filter((t) => Number(t.hparams.hidden) <= 512);
    expect(invalid.length).toBeGreaterThan(0);
    expect(usable).toHaveLength(MAX_TRIALS);
    for (const t of invalid) {
      // Exited 0 before training anything; not a crash, so no restart.
      expect([t.state, t.endReason, t.restarts, t.lengthTrained]).toEqual([
        "COMPLETED",
        "early exit: INVALID_HP",
        0,
        0,
      ]);
      expect(t.ops.filter((o) => o.completed)).toEqual([]);
      expect(t.allocations.map((a) => a.exitCode)).toEqual([0]);
    }
    for (const t of usable) {
      expect([t.state, t.endReason, t.restarts]).toEqual(["COMPLETED", null, 0]);
      const lengths = t.ops.filter((o) => o.completed).map((o) => o.length);
      expect(lengths).toEqual(rungs.slice(0, lengths.length));
      expect(lengths.length).toBeGreaterThan(0);
    }
  },
  120_000,
);
