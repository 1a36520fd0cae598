/**
 * A master that dies in the middle of deleting an experiment leaves nothing
 * that no one will ever remove: either the experiment is still listed (its
 * checkpoints either stored or marked gone) and deleting it again finishes
 * the job, or it is gone with its checkpoint files. Run by one test file per
 * store.
 */
import { randomUUID } from "node:crypto";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import type { Store } from "../../../src/master/storage/store.js";
import { startTestMaster, type TestMaster } from "./harness.js";
import { running, TrialHandle } from "./trial.js";

export function describeDeleteInterrupted(db: "sqlite" | "postgres"): void {
  let tm: TestMaster;
  afterEach(async () => tm?.close());

  const config = {
    name: "one",
    entrypoint: "node train.js",
    hyperparameters: { lr: 0.01 },
    searcher: { name: "single", metric: "validation_loss", max_length: { batches: 100 } },
    checkpoint_storage: { type: "shared_fs", save_trial_latest: 2 },
    reproducibility: { experiment_seed: 3 },
  };

  /** A completed experiment of one trial that kept two checkpoints, their files on disk. */
  async function endedWithCheckpoints(): Promise<{ id: number; uuids: string[] }> {
    tm = await startTestMaster({ db, slots: 1 });
    const id = (await tm.admin.post<{ id: number }>("/experiments", { config, workdir: "/tmp" }))
      .body.id;
    await tm.settle();
    const t = new TrialHandle(tm, running(tm)[0]!);
    const uuids: string[] = [];
    for (const steps of [50, 100]) {
      const uuid = randomUUID();
      await t.storeCheckpoint(uuid, steps);
      uuids.push(uuid);
    }
    await t.complete(100, 0.5);
    tm.launcher.exit(t.spec.allocationId, { exitCode: 0 });
    await tm.settle();
    expect((await tm.store.getExperiment(id))?.state).toBe("COMPLETED");
    expect(await folders()).toEqual([...uuids].sort());
    return { id, uuids };
  }

  const folders = async () => (await readdir(join(tm.dataDir, "checkpoints"))).sort();

  /** `step` of the store completes, then the master dies before anything else is done. */
  function dieAfter(
    store: Store,
    step: "markCheckpointsDeleted" | "deleteTrialOutput" | "deleteExperiment",
  ): void {
    const real = store[step].bind(store) as (...args: unknown[]) => Promise<unknown>;
    (store as unknown as Record<string, unknown>)[step] = async (...args: unknown[]) => {
      await real(...args);
      throw new Error("the master died");
    };
  }

  test.each(["markCheckpointsDeleted", "deleteTrialOutput", "deleteExperiment"] as const)(
    "a master that dies after %s during a delete leaves nothing behind for good",
    async (step) => {
      const { id, uuids } = await endedWithCheckpoints();
      dieAfter(tm.store, step);
      await tm.admin.del(`/experiments/${id}`);
      await tm.restart();
      const exp = await tm.store.getExperiment(id);
      if (exp) {
        expect(exp.state).toBe("COMPLETED");
        // A checkpoint that says it is stored has its files.
        const stored = (await tm.store.listCheckpoints({ experimentId: id })).map((c) => c.uuid);
        for (const uuid of stored) expect(await folders()).toContain(uuid);
        // Deleting it again finishes the job.
        expect((await tm.admin.del(`/experiments/${id}`)).status).toBe(204);
      }
      expect(await tm.store.getExperiment(id)).toBeNull();
      expect((await folders()).filter((f) => uuids.includes(f))).toEqual([]);
    },
  );
}
