import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import type { ExperimentRow, Store, TrialRow } from "../../../src/master/storage/store.js";
import { type ConformanceContext, newExperiment, newTrial, newUser } from "./context.js";

/** An experiment with something in every table that can belong to it. */
async function populated(store: Store, experiment: ExperimentRow) {
  const trials = [await newTrial(store, experiment, 1), await newTrial(store, experiment, 2)];
  await store.appendSearcherEvent(experiment.id, { type: "initialize" });
  const checkpoints = [];
  for (const trial of trials) {
    await store.addTrialOp(trial.id, 100);
    await store.createAllocation({
      id: randomUUID(),
      trialId: trial.id,
      experimentId: experiment.id,
      runId: 0,
      slots: 1,
      tokenHash: randomUUID(),
    });
    await store.addMetrics(trial.id, 0, [
      { group: "training", stepsCompleted: 50, metrics: { loss: 1 }, reportTime: new Date() },
      { group: "validation", stepsCompleted: 100, metrics: { loss: 1 }, reportTime: new Date() },
    ]);
    await store.addLogs([
      { trialId: trial.id, allocationId: null, time: new Date(), stream: "stdout", line: "hi" },
    ]);
    checkpoints.push(
      await store.addCheckpoint({
        uuid: randomUUID(),
        trialId: trial.id,
        experimentId: experiment.id,
        runId: 0,
        stepsCompleted: 100,
        resources: { "w.bin": 10 },
        metadata: {},
      }),
    );
  }
  return { trials, checkpoints };
}

/**
 * Writes lines, metrics and checkpoints of `trial` one after another, as a
 * trial's late reports and the log sink's flushes do, until one is refused
 * or `stop` is called; `started` resolves after the first write.
 */
function lateWriter(store: Store, trial: TrialRow) {
  let stopped = false;
  let first: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    first = resolve;
  });
  const done = (async () => {
    for (let step = 0; !stopped; step++) {
      try {
        await store.addLogs([
          {
            trialId: trial.id,
            allocationId: null,
            time: new Date(),
            stream: "stdout",
            line: "late",
          },
        ]);
        await store.addMetrics(trial.id, 0, [
          {
            group: "training",
            stepsCompleted: 1000 + step,
            metrics: { loss: 1 },
            reportTime: new Date(),
          },
        ]);
        await store.addCheckpoint({
          uuid: randomUUID(),
          trialId: trial.id,
          experimentId: trial.experimentId,
          runId: 0,
          stepsCompleted: 1000 + step,
          resources: { "w.bin": 1 },
          metadata: {},
        });
      } catch {
        break; // the trial is gone
      } finally {
        first();
      }
    }
  })();
  return {
    started,
    async stop() {
      stopped = true;
      await done;
    },
  };
}

export function deleteExperimentTests(ctx: ConformanceContext): void {
  test("deleting an experiment removes everything it owns and returns its checkpoints", async () => {
    const { store } = ctx;
    const user = await newUser(store);
    const doomed = await newExperiment(store, user);
    const kept = await newExperiment(store, user);
    const gone = await populated(store, doomed);
    const stays = await populated(store, kept);
    await store.markCheckpointsDeleted([gone.checkpoints[0]!.uuid]);

    const returned = await store.deleteExperiment(doomed.id);
    expect(returned.checkpoints.map((c) => c.uuid)).toEqual(gone.checkpoints.map((c) => c.uuid));
    expect(returned.checkpoints.map((c) => c.state)).toEqual(["DELETED", "ACTIVE"]);
    // Its runs, with the launcher handles whose files the caller removes.
    expect(returned.allocations.map((a) => a.trialId).sort()).toEqual(
      gone.trials.map((t) => t.id).sort(),
    );
    expect(returned.allocations.every((a) => a.experimentId === doomed.id)).toBe(true);

    expect(await store.getExperiment(doomed.id)).toBeNull();
    expect(await store.listSearcherEvents(doomed.id)).toEqual([]);
    expect(await store.listTrials({ experimentId: doomed.id })).toEqual([]);
    expect(await store.listLiveAllocations({ experimentId: doomed.id })).toEqual([]);
    expect(await store.listMetrics({ experimentId: doomed.id, limit: 10 })).toEqual([]);
    expect(await store.listCheckpoints({ experimentId: doomed.id, includeDeleted: true })).toEqual(
      [],
    );
    for (const trial of gone.trials) {
      expect(await store.getTrial(trial.id)).toBeNull();
      expect(await store.listTrialOps(trial.id)).toEqual([]);
      expect(await store.listAllocations(trial.id)).toEqual([]);
      expect(await store.listMetrics({ trialId: trial.id, limit: 10 })).toEqual([]);
      expect(await store.listLogs({ trialId: trial.id, limit: 10 })).toEqual([]);
    }
    for (const checkpoint of gone.checkpoints) {
      expect(await store.getCheckpoint(checkpoint.uuid)).toBeNull();
    }

    // The other experiment and the owner are untouched.
    expect(await store.getUser(user.id)).not.toBeNull();
    expect((await store.getExperiment(kept.id))?.id).toBe(kept.id);
    expect(await store.listSearcherEvents(kept.id)).toHaveLength(1);
    expect(await store.listTrials({ experimentId: kept.id })).toHaveLength(2);
    expect(await store.listCheckpoints({ experimentId: kept.id })).toHaveLength(2);
    expect(await store.listMetrics({ experimentId: kept.id, limit: 10 })).toHaveLength(2);
    for (const trial of stays.trials) {
      expect(await store.listMetrics({ trialId: trial.id, limit: 10 })).toHaveLength(2);
      expect(await store.listLogs({ trialId: trial.id, limit: 10 })).toHaveLength(1);
      expect(await store.listAllocations(trial.id)).toHaveLength(1);
      expect(await store.listTrialOps(trial.id)).toHaveLength(1);
    }
  });

  test("an experiment's trials' metric rows and log lines can be deleted some trials at a time, its other rows and other experiments' left", async () => {
    const { store } = ctx;
    const doomed = await newExperiment(store);
    const kept = await newExperiment(store);
    const gone = await populated(store, doomed);
    const stays = await populated(store, kept);
    const [trial] = gone.trials;
    await store.addMetrics(
      trial!.id,
      0,
      Array.from({ length: 5 }, (_, i) => ({
        group: "training" as const,
        stepsCompleted: 200 + i,
        metrics: { loss: i },
        reportTime: new Date(),
      })),
    );
    // The first trial's 7 metric rows and line, then the second's 2 and line.
    const parts = [];
    for (let after: number | null = 0; after !== null; ) {
      const part = await store.deleteTrialOutput(doomed.id, 3, after);
      parts.push([part.deleted, part.lastTrial]);
      after = part.lastTrial;
    }
    expect(parts).toEqual([
      [8, gone.trials[0]!.id],
      [3, gone.trials[1]!.id],
      [0, null],
    ]);
    for (const t of gone.trials) {
      expect(await store.listMetrics({ trialId: t.id, limit: 10 })).toEqual([]);
      expect(await store.listLogs({ trialId: t.id, limit: 10 })).toEqual([]);
      expect(await store.listTrialOps(t.id)).toHaveLength(1);
    }
    expect(await store.listCheckpoints({ experimentId: doomed.id })).toHaveLength(2);
    for (const t of stays.trials) {
      expect(await store.listMetrics({ trialId: t.id, limit: 10 })).toHaveLength(2);
      expect(await store.listLogs({ trialId: t.id, limit: 10 })).toHaveLength(1);
    }
    await store.deleteExperiment(doomed.id);
    expect(await store.getExperiment(doomed.id)).toBeNull();
    expect(await store.deleteTrialOutput(doomed.id, 3, 0)).toEqual({ deleted: 0, lastTrial: null });
  });

  test("deleting an empty or unknown experiment returns no checkpoints and no runs", async () => {
    const { store } = ctx;
    const empty = await newExperiment(store);
    const none = { checkpoints: [], allocations: [] };
    expect(await store.deleteExperiment(empty.id)).toEqual(none);
    expect(await store.getExperiment(empty.id)).toBeNull();
    expect(await store.deleteExperiment(987_654_321)).toEqual(none);
  });

  test("a deletion rolled back with its transaction removes nothing", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const { trials } = await populated(store, experiment);
    await store
      .transaction(async (tx) => {
        await tx.deleteExperiment(experiment.id);
        expect(await tx.getExperiment(experiment.id)).toBeNull();
        throw new Error("changed my mind");
      })
      .catch(() => undefined);
    expect(await store.getExperiment(experiment.id)).not.toBeNull();
    expect(await store.listMetrics({ trialId: trials[0]!.id, limit: 10 })).toHaveLength(2);
  });

  test("an experiment is deleted whole while its trials' lines, metrics and checkpoints are still being written", async () => {
    const { store } = ctx;
    for (let round = 0; round < 10; round++) {
      const experiment = await newExperiment(store);
      const { trials } = await populated(store, experiment);
      const writers = trials.map((t) => lateWriter(store, t));
      await Promise.all(writers.map((w) => w.started));
      const deleted = await store.deleteExperiment(experiment.id).then(
        (d) => d,
        (err: unknown) => err,
      );
      await Promise.all(writers.map((w) => w.stop()));
      expect(deleted).not.toBeInstanceOf(Error);
      expect(await store.getExperiment(experiment.id)).toBeNull();
      for (const trial of trials) {
        expect(await store.getTrial(trial.id)).toBeNull();
        expect(await store.listLogs({ trialId: trial.id, limit: 10 })).toEqual([]);
        expect(await store.listMetrics({ trialId: trial.id, limit: 10 })).toEqual([]);
      }
      expect(
        await store.listCheckpoints({ experimentId: experiment.id, includeDeleted: true }),
      ).toEqual([]);
    }
  });
}
