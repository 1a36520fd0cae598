import { expect, test } from "vitest";
import { type ConformanceContext, newExperiment, newTrial, rejection } from "./context.js";

export function trialOpTests(ctx: ConformanceContext): void {
  test("ops get seq 1, 2, 3 per trial and start not completed", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const t1 = await newTrial(store, experiment, 1);
    const t2 = await newTrial(store, experiment, 2);
    expect(await store.addTrialOp(t1.id, 100)).toEqual({
      trialId: t1.id,
      seq: 1,
      length: 100,
      completed: false,
      searcherMetric: null,
    });
    expect((await store.addTrialOp(t1.id, 400)).seq).toBe(2);
    expect((await store.addTrialOp(t2.id, 100)).seq).toBe(1);
    expect((await store.listTrialOps(t1.id)).map((op) => [op.seq, op.length])).toEqual([
      [1, 100],
      [2, 400],
    ]);
  });

  test("the next op is the first not completed, and none once all are", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const trial = await newTrial(store, experiment);
    expect(await store.getNextTrialOp(trial.id)).toBeNull();
    await store.addTrialOp(trial.id, 100);
    await store.addTrialOp(trial.id, 400);
    expect((await store.getNextTrialOp(trial.id))?.seq).toBe(1);
    await store.completeTrialOp(trial.id, 1, 0.75);
    expect(await store.getNextTrialOp(trial.id)).toMatchObject({ seq: 2, length: 400 });
    await store.completeTrialOp(trial.id, 2, -0.5);
    expect(await store.getNextTrialOp(trial.id)).toBeNull();
    expect(await store.listTrialOps(trial.id)).toEqual([
      { trialId: trial.id, seq: 1, length: 100, completed: true, searcherMetric: 0.75 },
      { trialId: trial.id, seq: 2, length: 400, completed: true, searcherMetric: -0.5 },
    ]);
  });

  test("the next op of every trial of an experiment comes in one list, by trial id", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const elsewhere = await newTrial(store, await newExperiment(store), 1);
    const t1 = await newTrial(store, experiment, 1);
    const t2 = await newTrial(store, experiment, 2);
    const t3 = await newTrial(store, experiment, 3);
    await newTrial(store, experiment, 4); // no ops yet
    await store.addTrialOp(t1.id, 100);
    await store.addTrialOp(t1.id, 400);
    await store.completeTrialOp(t1.id, 1, 0.5);
    await store.addTrialOp(t2.id, 100);
    await store.addTrialOp(t2.id, 300);
    await store.addTrialOp(t3.id, 100);
    await store.completeTrialOp(t3.id, 1, 0.1);
    await store.addTrialOp(elsewhere.id, 100);
    expect(await store.listNextTrialOps(experiment.id)).toEqual([
      { trialId: t1.id, seq: 2, length: 400, completed: false, searcherMetric: null },
      { trialId: t2.id, seq: 1, length: 100, completed: false, searcherMetric: null },
    ]);
    expect(await store.listNextTrialOps(987_654_321)).toEqual([]);
  });

  test("concurrent ops for one trial get distinct, gapless seqs", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const trial = await newTrial(store, experiment);
    const ops = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.addTrialOp(trial.id, (i + 1) * 10)),
    );
    expect(ops.map((op) => op.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  test("an op for an unknown trial is refused, and an unknown trial has none", async () => {
    const { store } = ctx;
    expect(await rejection(() => store.addTrialOp(987_654_321, 100))).toBeInstanceOf(Error);
    expect(await store.listTrialOps(987_654_321)).toEqual([]);
    expect(await store.getNextTrialOp(987_654_321)).toBeNull();
  });
}
