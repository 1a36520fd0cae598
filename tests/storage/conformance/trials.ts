import { expect, test } from "vitest";
import type { TrialRow } from "../../../src/master/storage/store.js";
import { type ConformanceContext, newExperiment, newTrial, rejection } from "./context.js";
import { trickyHParams } from "./experiments.js";

export function trialTests(ctx: ConformanceContext): void {
  test("a new trial is ACTIVE at run 0 with no restarts, ops, checkpoint or validation", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const before = Date.now();
    const trial = await store.createTrial({
      experimentId: experiment.id,
      requestId: 3,
      hparams: { lr: 0.1 },
      trialSeed: 4_294_967_295,
    });
    expect(trial).toMatchObject({
      experimentId: experiment.id,
      requestId: 3,
      state: "ACTIVE",
      hparams: { lr: 0.1 },
      trialSeed: 4_294_967_295,
      restarts: 0,
      runId: 0,
      closeRequested: false,
      completedLength: 0,
      lengthTrained: 0,
      latestCheckpointUuid: null,
      parentTrialId: null,
      warmStartCheckpointUuid: null,
      latestValidation: null,
      bestValidation: null,
      endedAt: null,
      endReason: null,
    });
    expect(trial.createdAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(await store.getTrial(trial.id)).toEqual(trial);
  });

  test("a warm-started trial records its parent and starts with the parent's checkpoint as its latest", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const parent = await newTrial(store, experiment, 1);
    const warm = await store.createTrial({
      experimentId: experiment.id,
      requestId: 2,
      hparams: { lr: 0.2 },
      trialSeed: 5,
      warmStart: { parentTrialId: parent.id, checkpointUuid: "parent-ckpt" },
    });
    expect(warm).toMatchObject({
      parentTrialId: parent.id,
      warmStartCheckpointUuid: "parent-ckpt",
      latestCheckpointUuid: "parent-ckpt",
    });
    expect(await store.getTrial(warm.id)).toEqual(warm);
    // Its own checkpoints replace the latest; where it started from stays.
    await store.updateTrial(warm.id, { latestCheckpointUuid: "own-ckpt" });
    expect(await store.getTrial(warm.id)).toMatchObject({
      parentTrialId: parent.id,
      warmStartCheckpointUuid: "parent-ckpt",
      latestCheckpointUuid: "own-ckpt",
    });
  });

  test("the checkpoints an experiment's trials start from are each one's latest and warm start, once each", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const other = await newExperiment(store);
    const parent = await newTrial(store, experiment, 1);
    await newTrial(store, experiment, 2);
    await store.updateTrial(parent.id, { latestCheckpointUuid: "parent-latest" });
    for (const requestId of [3, 4])
      await store.createTrial({
        experimentId: experiment.id,
        requestId,
        hparams: {},
        trialSeed: 1,
        warmStart: { parentTrialId: parent.id, checkpointUuid: "parent-latest" },
      });
    const own = await store.getTrialByRequestId(experiment.id, 4);
    await store.updateTrial(own!.id, { latestCheckpointUuid: "own-latest" });
    const elsewhere = await newTrial(store, other, 1);
    await store.updateTrial(elsewhere.id, { latestCheckpointUuid: "elsewhere" });
    expect((await store.listTrialStartCheckpoints(experiment.id)).sort()).toEqual([
      "own-latest",
      "parent-latest",
    ]);
    expect(await store.listTrialStartCheckpoints(987_654_321)).toEqual([]);
  });

  test("hyperparameters round-trip exactly: nesting, unicode, extremes", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const trial = await newTrial(store, experiment, 1, trickyHParams);
    expect((await store.getTrial(trial.id))?.hparams).toEqual(trickyHParams);
    expect((await store.listTrials({ experimentId: experiment.id }))[0]?.hparams.control).toBe(
      "tab\tnew\nline\u0000nul",
    );
  });

  test("a trial is found by (experiment, requestId); requestIds repeat only across experiments", async () => {
    const { store } = ctx;
    const a = await newExperiment(store);
    const b = await newExperiment(store);
    const a1 = await newTrial(store, a, 1);
    const b1 = await newTrial(store, b, 1);
    expect(a1.id).not.toBe(b1.id);
    expect(await store.getTrialByRequestId(a.id, 1)).toEqual(a1);
    expect(await store.getTrialByRequestId(b.id, 1)).toEqual(b1);
    expect(await store.getTrialByRequestId(a.id, 2)).toBeNull();
    expect(await rejection(() => newTrial(store, a, 1))).toBeInstanceOf(Error);
  });

  test("an unknown trial is null, and a trial needs an existing experiment", async () => {
    const { store } = ctx;
    expect(await store.getTrial(987_654_321)).toBeNull();
    const error = await rejection(() =>
      store.createTrial({ experimentId: 987_654_321, requestId: 1, hparams: {}, trialSeed: 1 }),
    );
    expect(error).toBeInstanceOf(Error);
  });

  test("an experiment's trials are listed in creation order and filtered by state", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const other = await newExperiment(store);
    const t1 = await newTrial(store, experiment, 1);
    const t2 = await newTrial(store, experiment, 2);
    const t3 = await newTrial(store, experiment, 3);
    await newTrial(store, other, 1);
    await store.updateTrial(t2.id, { state: "COMPLETED" });
    await store.updateTrial(t3.id, { state: "ERROR" });
    const ids = async (states?: Parameters<typeof store.listTrials>[0]["states"]) =>
      (await store.listTrials({ experimentId: experiment.id, states })).map((t) => t.id);
    expect(await ids()).toEqual([t1.id, t2.id, t3.id]);
    expect(await ids(["COMPLETED", "ERROR"])).toEqual([t2.id, t3.id]);
    expect(await ids(["ACTIVE"])).toEqual([t1.id]);
    expect(await ids([])).toEqual([]);
  });

  test("trials are counted by state for each experiment asked for", async () => {
    const { store } = ctx;
    const [a, b, none, notAsked] = [
      await newExperiment(store),
      await newExperiment(store),
      await newExperiment(store),
      await newExperiment(store),
    ];
    for (let i = 1; i <= 3; i++) await newTrial(store, a, i);
    const done = await newTrial(store, a, 4);
    await store.updateTrial(done.id, { state: "COMPLETED" });
    await store.updateTrial((await newTrial(store, b, 1)).id, { state: "ERROR" });
    await newTrial(store, notAsked, 1);
    const counts = await store.countTrials([a.id, b.id, none.id, 987_654_321]);
    expect(Object.fromEntries(counts)).toEqual({
      [a.id]: { ACTIVE: 3, COMPLETED: 1 },
      [b.id]: { ERROR: 1 },
    });
    expect((await store.countTrials([])).size).toBe(0);
  });

  test("an experiment's trials are listed by id, with the state filter, in creation order", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const other = await newExperiment(store);
    // More ids than one statement binds, so the list is read in parts and put back in order.
    const trials: TrialRow[] = [];
    for (let i = 1; i <= 1200; i++) trials.push(await newTrial(store, experiment, i));
    const elsewhere = await newTrial(store, other, 1);
    await store.updateTrial(trials[5]!.id, { state: "COMPLETED" });
    const wanted = [...trials.slice(0, 10), ...trials.slice(600, 1200)].reverse().map((t) => t.id);
    const listed = async (ids: number[], states?: ["ACTIVE"]) =>
      (await store.listTrials({ experimentId: experiment.id, ids, states })).map((t) => t.id);
    expect(await listed(wanted)).toEqual([...wanted].sort((a, b) => a - b));
    expect(await listed(wanted, ["ACTIVE"])).toEqual(
      [...wanted].sort((a, b) => a - b).filter((id) => id !== trials[5]!.id),
    );
    expect(await listed([elsewhere.id, trials[0]!.id])).toEqual([trials[0]!.id]);
    expect(await listed([])).toEqual([]);
  });

  test("trial stubs are the listed trials' id, experiment, request id and close flag", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const trials: TrialRow[] = [];
    for (let i = 1; i <= 700; i++) trials.push(await newTrial(store, experiment, 100 + i));
    await store.updateTrial(trials[3]!.id, { closeRequested: true });
    await store.updateTrial(trials[4]!.id, { state: "COMPLETED" });
    const stubOf = (t: TrialRow) => ({
      id: t.id,
      experimentId: t.experimentId,
      requestId: t.requestId,
      closeRequested: t.closeRequested,
    });
    const wanted = trials.map((t) => t.id).reverse();
    for (const filter of [
      { experimentId: experiment.id },
      { experimentId: experiment.id, states: ["ACTIVE" as const] },
      { experimentId: experiment.id, ids: wanted.slice(0, 650), states: ["ACTIVE" as const] },
      { experimentId: experiment.id, ids: [] },
    ]) {
      const stubs = await store.listTrialStubs(filter);
      expect(stubs).toEqual((await store.listTrials(filter)).map(stubOf));
    }
    const [closing] = await store.listTrialStubs({
      experimentId: experiment.id,
      ids: [trials[3]!.id],
    });
    expect(closing).toEqual({ ...stubOf(trials[3]!), closeRequested: true });
  });

  test("updateTrial changes only the fields in the patch", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const trial = await newTrial(store, experiment);
    const endedAt = new Date(Date.UTC(2030, 0, 2, 3, 4, 5, 678));
    await store.updateTrial(trial.id, {
      restarts: 2,
      runId: 3,
      closeRequested: true,
      completedLength: 1000,
      lengthTrained: 1234.5,
      latestCheckpointUuid: "ckpt-1",
      latestValidation: 0.5,
      bestValidation: 0.25,
    });
    await store.updateTrial(trial.id, { lengthTrained: 1500 });
    await store.updateTrial(trial.id, {});
    expect(await store.getTrial(trial.id)).toEqual({
      ...trial,
      restarts: 2,
      runId: 3,
      closeRequested: true,
      completedLength: 1000,
      lengthTrained: 1500,
      latestCheckpointUuid: "ckpt-1",
      latestValidation: 0.5,
      bestValidation: 0.25,
    });
    await store.updateTrial(trial.id, {
      state: "ERROR",
      endedAt,
      endReason: "exceeded max_restarts",
      closeRequested: false,
      latestCheckpointUuid: null,
    });
    const ended = await store.getTrial(trial.id);
    expect(ended).toMatchObject({
      state: "ERROR",
      endReason: "exceeded max_restarts",
      closeRequested: false,
      latestCheckpointUuid: null,
    });
    expect(ended?.endedAt?.getTime()).toBe(endedAt.getTime());
  });

  test("an offered validation becomes the trial's and the experiment's best only where it is better", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const [a, b] = [await newTrial(store, experiment, 1), await newTrial(store, experiment, 2)];
    const bests = async () => [
      (await store.getExperiment(experiment.id))?.bestMetric,
      (await store.getTrial(a.id))?.bestValidation,
      (await store.getTrial(b.id))?.bestValidation,
    ];
    await store.offerBestValidation(a.id, 0.5, true);
    expect(await bests()).toEqual([0.5, 0.5, null]);
    await store.offerBestValidation(b.id, 0.7, true);
    expect(await bests()).toEqual([0.5, 0.5, 0.7]);
    await store.offerBestValidation(b.id, 0.2, true);
    expect(await bests()).toEqual([0.2, 0.5, 0.2]);
    // Larger is better: a value replaces only what it is above.
    await store.offerBestValidation(a.id, 0.4, false);
    expect(await bests()).toEqual([0.4, 0.5, 0.2]);
    await store.offerBestValidation(a.id, 0.9, false);
    expect(await bests()).toEqual([0.9, 0.9, 0.2]);
  });

  test("validations offered at the same time keep the best of them, whatever their order", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const trials = [];
    for (let i = 1; i <= 8; i++) trials.push(await newTrial(store, experiment, i));
    for (let round = 0; round < 10; round++) {
      const values = trials.map((_, i) => 100 - round * 10 - ((i * 5) % 8));
      await Promise.all(
        trials.map((t, i) =>
          store.transaction(async (tx) => {
            await tx.updateTrial(t.id, { latestValidation: values[i]! });
            await tx.offerBestValidation(t.id, values[i]!, true);
          }),
        ),
      );
      expect((await store.getExperiment(experiment.id))?.bestMetric).toBe(Math.min(...values));
    }
  });
}
