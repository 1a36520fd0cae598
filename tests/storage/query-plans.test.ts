/**
 * What a page of a big history reads, by SQLite's query plans: a page of a
 * few trials' rows goes by an index that holds just them, not through every
 * row of their experiment (30,000 trials, 50,000 checkpoints and millions of
 * metric rows make the difference between milliseconds and a second).
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Store } from "../../src/master/storage/store.js";
import { type LoggedStore, loggedSqliteStore, newSearch } from "./support/logged-sqlite-store.js";

let logged: LoggedStore;
let store: Store;
let experimentId: number;
let trialId: number;

beforeAll(async () => {
  logged = await loggedSqliteStore();
  store = logged.store;
  const exp = await newSearch(store, "plans");
  experimentId = exp.id;
  for (let requestId = 1; requestId <= 3; requestId++) {
    const t = await store.createTrial({ experimentId, requestId, hparams: {}, trialSeed: 1 });
    trialId = t.id;
  }
});
afterAll(() => logged.close());

/** SQLite's plan of each SELECT `fn` runs. */
async function plansOf(fn: () => Promise<unknown>): Promise<string[]> {
  const plans = (await logged.statementsOf(fn)).flatMap((s) => (s.plan === null ? [] : [s.plan]));
  expect(plans.length).toBeGreaterThan(0);
  return plans;
}

test("the validations of a page's trials are read by the trials' index, not the experiment's", async () => {
  const plans = await plansOf(() =>
    store.listExperimentValidationValues({
      experimentId,
      metric: "loss",
      trialIds: [trialId],
      limit: 50_000,
    }),
  );
  for (const plan of plans)
    expect(plan).toMatch(/USING INDEX metrics_trial_validation \(trial_id=\?/);
});

test("an experiment's validations are still read by its own index, in id order", async () => {
  const plans = await plansOf(() =>
    store.listExperimentValidationValues({ experimentId, metric: "loss", limit: 50_000 }),
  );
  for (const plan of plans) {
    expect(plan).toMatch(/USING INDEX metrics_experiment_validation \(experiment_id=\?/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  }
});

test("a trial's checkpoints are read by the trial's index, not its experiment's", async () => {
  const filter = { experimentId, trialId, limit: 1000 };
  const plans = await plansOf(async () => {
    await store.listCheckpointSizes(filter);
    await store.listCheckpoints(filter);
  });
  for (const plan of plans) expect(plan).toMatch(/USING INDEX checkpoints_trial \(trial_id=\?/);
});

test("a page of an experiment's trials reads that page, in id order, sizes first", async () => {
  const plans = await plansOf(async () => {
    await store.listTrialSizes({ experimentId, after: trialId - 2, limit: 1000 });
    await store.listTrials({ experimentId, after: trialId - 2, through: trialId });
    await store.listTrialStubs({ experimentId });
  });
  for (const plan of plans) {
    expect(plan).toMatch(/USING (COVERING )?INDEX trials_experiment_id \(experiment_id=\?/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  }
});
