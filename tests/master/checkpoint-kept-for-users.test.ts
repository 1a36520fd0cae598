/**
 * A checkpoint that an experiment not yet ended starts trials from (its
 * `searcher.source_checkpoint_uuid`, or a trial's latest or warm-start
 * checkpoint) survives the keep rule of the experiment it belongs to, as
 * Determined keeps checkpoints other experiments reference; once the
 * experiments using it have ended, the keep rule collects it after all.
 */
import { existsSync } from "node:fs";
import { afterEach, beforeEach, expect, test } from "vitest";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running, type TrialHandle, trial } from "./support/trial.js";

let tm: TestMaster;
beforeEach(async () => {
  tm = await startTestMaster({ slots: 2 });
});
afterEach(async () => tm.close());

const singleConfig = (extra: Record<string, unknown> = {}) => ({
  name: "one",
  entrypoint: "node train.js",
  hyperparameters: { lr: 0.01 },
  searcher: { name: "single", metric: "validation_loss", max_length: { batches: 300 }, ...extra },
  checkpoint_storage: { save_experiment_best: 0, save_trial_best: 0, save_trial_latest: 1 },
  reproducibility: { experiment_seed: 3 },
});

const checkpoint = (t: TrialHandle, uuid: string, steps: number) => t.storeCheckpoint(uuid, steps);

test("an experiment forked from a checkpoint keeps it past its source's end, and it is collected when the fork ends", async () => {
  const a = (
    await tm.admin.post<{ id: number }>("/experiments", { config: singleConfig(), workdir: "/tmp" })
  ).body.id;
  await tm.settle();
  const ta = trial(tm, running(tm)[0]!.trialId);
  const x = "aaaaaaaa-0000-4000-8000-000000000100";
  const xDir = await checkpoint(ta, x, 100);
  const b = await tm.admin.post<{ id: number }>("/experiments", {
    config: singleConfig({ max_length: { batches: 600 }, source_checkpoint_uuid: x }),
    workdir: "/tmp",
  });
  expect(b.status).toBe(201);
  await tm.settle();
  const bSpec = running(tm).find((s) => s.experimentId === b.body.id)!;
  expect(bSpec.env.PUSHTUNE_LATEST_CHECKPOINT).toBe(x);

  // A trains on to 300 and completes: its keep rule alone would keep only the checkpoint at 300.
  await checkpoint(ta, "aaaaaaaa-0000-4000-8000-000000000300", 300);
  await ta.complete(300, 0.5);
  await ta.exit(0);
  expect((await tm.store.getExperiment(a))?.state).toBe("COMPLETED");
  expect((await tm.store.getCheckpoint(x))?.state).toBe("ACTIVE");
  expect(existsSync(xDir)).toBe(true);

  // B's trial crashes and restarts from x, whose files are still there.
  await trial(tm, bSpec.trialId).exit(1);
  const again = trial(tm, bSpec.trialId);
  expect(again.spec.env.PUSHTUNE_LATEST_CHECKPOINT).toBe(x);

  // Once B has ended, nothing starts from x any more: A's keep rule takes it.
  await tm.admin.post(`/experiments/${b.body.id}/kill`);
  await tm.settle();
  expect((await tm.store.getExperiment(b.body.id))?.state).toBe("CANCELED");
  expect((await tm.store.getCheckpoint(x))?.state).toBe("DELETED");
  expect(existsSync(xDir)).toBe(false);
  expect((await tm.store.getCheckpoint("aaaaaaaa-0000-4000-8000-000000000300"))?.state).toBe(
    "ACTIVE",
  );
});
