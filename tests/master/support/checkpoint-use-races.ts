/**
 * Deleting an experiment and starting a new one from its checkpoint (continue
 * a trial, or any config with `searcher.source_checkpoint_uuid`) at the same
 * time, on either store: one of the two wins whole. Either the new experiment
 * exists and the delete is refused (EXPERIMENT_IN_USE), or the delete went
 * first and the new experiment is refused; never a new experiment whose
 * trial starts from a checkpoint deleted under it. A source checkpoint gone
 * anyway when a later trial is created ends the search with an error rather
 * than train that trial from scratch. Run by one test file per store.
 */
import { randomUUID } from "node:crypto";
import { afterEach, expect, test } from "vitest";
import { startTestMaster, type TestMaster } from "./harness.js";
import { running, trial } from "./trial.js";

type Err = { error: { code: string; message: string } };

const singleConfig = (extra: Record<string, unknown> = {}) => ({
  name: "one",
  entrypoint: "node train.js",
  hyperparameters: { lr: 0.01 },
  searcher: { name: "single", metric: "validation_loss", max_length: { batches: 100 }, ...extra },
  reproducibility: { experiment_seed: 3 },
});

export function describeCheckpointUseRaces(db: "sqlite" | "postgres"): void {
  let tm: TestMaster;
  afterEach(async () => tm?.close());

  /** An ended experiment of one trial, checkpointed at 100. */
  async function endedTrial(): Promise<{ experimentId: number; trialId: number; uuid: string }> {
    tm = await startTestMaster({ db, slots: 2 });
    const experimentId = (
      await tm.admin.post<{ id: number }>("/experiments", {
        config: singleConfig(),
        workdir: "/tmp",
      })
    ).body.id;
    await tm.settle();
    const t = trial(tm, running(tm)[0]!.trialId);
    const uuid = randomUUID();
    const res = await t.api.post("/checkpoints", {
      uuid,
      trialId: t.id,
      stepsCompleted: 100,
      resources: { "w.bin": 3 },
      metadata: {},
    });
    expect(res.status).toBe(200);
    await t.complete(100, 0.5);
    await t.exit(0);
    expect((await tm.store.getExperiment(experimentId))?.state).toBe("COMPLETED");
    return { experimentId, trialId: t.id, uuid };
  }

  test("a delete that comes while a continue has checked its source checkpoint waits, and is refused", async () => {
    const { experimentId, trialId, uuid } = await endedTrial();
    // The delete is sent when the continue has checked the checkpoint and is about to store.
    const transaction = tm.store.transaction.bind(tm.store);
    let deleted: Promise<{ status: number; body: Err }> | null = null;
    tm.store.transaction = async (fn) => {
      tm.store.transaction = transaction;
      deleted = tm.admin.del<Err>(`/experiments/${experimentId}`);
      // Time enough for a delete that does not wait to check, and delete.
      await Promise.race([deleted, new Promise((r) => setTimeout(r, 300))]);
      return transaction(fn);
    };
    const cont = await tm.admin.post<{ id: number }>(`/trials/${trialId}/continue`, {
      length: 300,
    });
    const del = await deleted!;
    await tm.settle();
    expect(cont.status).toBe(201);
    expect(del.status).toBe(409);
    expect(del.body.error.code).toBe("EXPERIMENT_IN_USE");
    const [continued] = await tm.store.listTrials({ experimentId: cont.body.id });
    expect(continued?.latestCheckpointUuid).toBe(uuid);
    expect(running(tm, continued!.id)[0]?.env.PUSHTUNE_LATEST_CHECKPOINT).toBe(uuid);
    expect((await tm.store.getCheckpoint(uuid))?.state).toBe("ACTIVE");
  });

  test("a search whose source checkpoint is gone when it creates a trial ends with an error naming it", async () => {
    const { uuid } = await endedTrial();
    const res = await tm.admin.post<{ id: number }>("/experiments", {
      config: {
        ...singleConfig(),
        searcher: {
          name: "random",
          metric: "validation_loss",
          max_length: { batches: 300 },
          max_trials: 2,
          max_concurrent_trials: 1,
          source_checkpoint_uuid: uuid,
        },
      },
      workdir: "/tmp",
    });
    expect(res.status).toBe(201);
    await tm.settle();
    const first = trial(tm, running(tm).find((s) => s.experimentId === res.body.id)!.trialId);
    expect(first.spec.env.PUSHTUNE_LATEST_CHECKPOINT).toBe(uuid);
    // Removed behind the master's back: the second trial has nothing to start from.
    await tm.store.markCheckpointsDeleted([uuid]);
    await first.complete(300, 0.4);
    await first.exit(0);
    const exp = await tm.store.getExperiment(res.body.id);
    expect(exp?.state).toBe("ERROR");
    expect(exp?.endReason).toContain(`checkpoint ${uuid} is DELETED`);
    expect(await tm.store.listTrials({ experimentId: res.body.id })).toHaveLength(1);
  });
}
