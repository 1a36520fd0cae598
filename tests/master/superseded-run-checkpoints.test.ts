/**
 * A trial's "latest" checkpoint, for the keep rule at the end of its
 * experiment and for continuing it, is the one it would be resumed from (its
 * `latestCheckpointUuid`), not the one with the most steps: a run the trial has
 * moved past may hand in a checkpoint further along, which is kept as a
 * lesser one but is neither kept as the latest nor continued from. One it
 * hands in after the experiment has ended goes through the keep rule too: an
 * ended experiment never shows an ACTIVE checkpoint the rule drops.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running, trial } from "./support/trial.js";

let tm: TestMaster;
beforeEach(async () => {
  tm = await startTestMaster({ slots: 1, preemptionTimeoutSeconds: 0.3 });
});
afterEach(async () => tm.close());

const singleConfig = () => ({
  name: "one",
  entrypoint: "node train.js",
  hyperparameters: { lr: 0.01 },
  searcher: { name: "single", metric: "validation_loss", max_length: { batches: 300 } },
  reproducibility: { experiment_seed: 3 },
});

const body = (trialId: number, uuid: string, steps: number) => ({
  uuid,
  trialId,
  stepsCompleted: steps,
  resources: { "w.bin": 4 },
  metadata: {},
});

/** A checkpoint's folder in checkpoint storage, with its one file. */
async function files(root: string, uuid: string): Promise<string> {
  const dir = join(root, uuid);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "w.bin"), Buffer.alloc(4));
  return dir;
}

/**
 * A trial whose run 1 the launcher took for gone while it still trained: run 2
 * started over and checkpointed at 160 ("mine", the trial's latest); then run
 * 1, further along, handed in its checkpoint at 250 ("stale") on its way out.
 * The user cancels, and the experiment ends.
 */
async function supersededRunCheckpoints(saveTrialLatest: number) {
  const config = {
    ...singleConfig(),
    checkpoint_storage: {
      save_experiment_best: 0,
      save_trial_best: 0,
      save_trial_latest: saveTrialLatest,
    },
  };
  const id = (await tm.admin.post<{ id: number }>("/experiments", { config, workdir: "/tmp" })).body
    .id;
  await tm.settle();
  const first = running(tm)[0]!;
  const root = first.env.PUSHTUNE_CHECKPOINT_DIR!;
  tm.launcher.exit(first.allocationId, { exitCode: null, lost: true });
  await tm.settle();
  const second = trial(tm, first.trialId);
  expect(second.spec.allocationId).not.toBe(first.allocationId);
  const mine = { uuid: "bbbbbbbb-0000-4000-8000-000000000160", dir: "" };
  mine.dir = await files(root, mine.uuid);
  expect((await second.api.post("/checkpoints", body(second.id, mine.uuid, 160))).status).toBe(200);
  const stale = { uuid: "aaaaaaaa-0000-4000-8000-000000000250", dir: "" };
  stale.dir = await files(root, stale.uuid);
  const ask = await tm
    .as(first.env.PUSHTUNE_TOKEN!)
    .post(`/allocations/${first.allocationId}/next_trial`, {
      checkpoint: body(second.id, stale.uuid, 250),
    });
  expect(ask.status).toBe(409);
  expect((await tm.store.getTrial(second.id))?.latestCheckpointUuid).toBe(mine.uuid);
  await tm.admin.post(`/experiments/${id}/cancel`);
  await tm.settle();
  await second.ackAndExit();
  expect((await tm.store.getExperiment(id))?.state).toBe("CANCELED");
  return { trialId: second.id, mine, stale };
}

test("save_trial_latest: 1 keeps the trial's latest, not a checkpoint with more steps from a run it moved past", async () => {
  const { trialId, mine, stale } = await supersededRunCheckpoints(1);
  const states = Object.fromEntries(
    (await tm.store.listCheckpoints({ trialId, includeDeleted: true })).map((c) => [
      c.uuid,
      c.state,
    ]),
  );
  expect(states).toEqual({ [mine.uuid]: "ACTIVE", [stale.uuid]: "DELETED" });
  expect(existsSync(mine.dir)).toBe(true);
  expect(existsSync(stale.dir)).toBe(false);
});

test("continuing the trial starts from its latest, though a run it moved past got further", async () => {
  const { trialId, mine, stale } = await supersededRunCheckpoints(2);
  expect((await tm.store.getCheckpoint(stale.uuid))?.state).toBe("ACTIVE");
  const cont = await tm.admin.post<{ config: { searcher: { source_checkpoint_uuid?: string } } }>(
    `/trials/${trialId}/continue`,
    { length: 600 },
  );
  expect(cont.status).toBe(201);
  expect(cont.body.config.searcher.source_checkpoint_uuid).toBe(mine.uuid);
});

test("a checkpoint a moved-past run hands in after the experiment ended is collected by its keep rule", async () => {
  const config = {
    ...singleConfig(),
    checkpoint_storage: { save_experiment_best: 0, save_trial_best: 0, save_trial_latest: 1 },
  };
  const id = (await tm.admin.post<{ id: number }>("/experiments", { config, workdir: "/tmp" })).body
    .id;
  await tm.settle();
  const first = running(tm)[0]!;
  // Run 1 is taken for gone but goes on; run 2 checkpoints at 300 and completes the trial.
  tm.launcher.exit(first.allocationId, { exitCode: null, lost: true });
  await tm.settle();
  const second = trial(tm, first.trialId);
  const latest = "bbbbbbbb-0000-4000-8000-000000000300";
  expect((await second.api.post("/checkpoints", body(second.id, latest, 300))).status).toBe(200);
  await second.complete(300, 0.5);
  await second.exit(0);
  expect((await tm.store.getExperiment(id))?.state).toBe("COMPLETED");

  const stale = "aaaaaaaa-0000-4000-8000-000000000200";
  const dir = await files(first.env.PUSHTUNE_CHECKPOINT_DIR!, stale);
  const ask = await tm
    .as(first.env.PUSHTUNE_TOKEN!)
    .post(`/allocations/${first.allocationId}/next_trial`, {
      checkpoint: body(second.id, stale, 200),
    });
  expect(ask.status).toBe(409);
  await tm.settle();
  const states = Object.fromEntries(
    (await tm.store.listCheckpoints({ experimentId: id, includeDeleted: true })).map((c) => [
      c.uuid,
      c.state,
    ]),
  );
  expect(states).toEqual({ [latest]: "ACTIVE", [stale]: "DELETED" });
  expect(existsSync(dir)).toBe(false);
});
