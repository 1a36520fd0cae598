import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import type { Store, TrialRow } from "../../../src/master/storage/store.js";
import { type ConformanceContext, newExperiment, newTrial, rejection } from "./context.js";

function addCheckpoint(store: Store, trial: TrialRow, stepsCompleted: number) {
  return store.addCheckpoint({
    uuid: randomUUID(),
    trialId: trial.id,
    experimentId: trial.experimentId,
    runId: trial.runId,
    stepsCompleted,
    resources: { "model.bin": 1000, "optimizer.bin": 24 },
    metadata: { framework: "torch" },
  });
}

export function checkpointTests(ctx: ConformanceContext): void {
  test("a checkpoint round-trips with resources, metadata and its summed size", async () => {
    const { store } = ctx;
    const trial = await newTrial(store, await newExperiment(store));
    const before = Date.now();
    const input = {
      uuid: randomUUID(),
      trialId: trial.id,
      experimentId: trial.experimentId,
      runId: 2,
      stepsCompleted: 1200,
      resources: { "model/weights.bin": 5_000_000_000, "ü/state.json": 17, empty: 0 },
      metadata: { steps: 1200, nested: { tags: ["best", "ünï"], ok: true }, none: null },
    };
    const checkpoint = await store.addCheckpoint(input);
    expect(checkpoint).toMatchObject({ ...input, sizeBytes: 5_000_000_017, state: "ACTIVE" });
    expect(checkpoint.createdAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(await store.getCheckpoint(input.uuid)).toEqual(checkpoint);
    expect(await store.getCheckpoint(randomUUID())).toBeNull();
  });

  test("a checkpoint uuid is unique and a checkpoint needs an existing trial", async () => {
    const { store } = ctx;
    const trial = await newTrial(store, await newExperiment(store));
    const checkpoint = await addCheckpoint(store, trial, 100);
    const duplicate = await rejection(() =>
      store.addCheckpoint({
        uuid: checkpoint.uuid,
        trialId: trial.id,
        experimentId: trial.experimentId,
        runId: 0,
        stepsCompleted: 200,
        resources: {},
        metadata: {},
      }),
    );
    expect(duplicate).toBeInstanceOf(Error);
    const orphan = await rejection(() =>
      store.addCheckpoint({
        uuid: randomUUID(),
        trialId: 987_654_321,
        experimentId: trial.experimentId,
        runId: 0,
        stepsCompleted: 1,
        resources: {},
        metadata: {},
      }),
    );
    expect(orphan).toBeInstanceOf(Error);
  });

  test("checkpoints are listed in the order added, by experiment or by trial", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const t1 = await newTrial(store, experiment, 1);
    const t2 = await newTrial(store, experiment, 2);
    const elsewhere = await newTrial(store, await newExperiment(store), 1);
    const a = await addCheckpoint(store, t1, 300);
    const b = await addCheckpoint(store, t2, 100);
    const c = await addCheckpoint(store, t1, 200);
    await addCheckpoint(store, elsewhere, 100);
    const uuids = (rows: { uuid: string }[]) => rows.map((r) => r.uuid);
    expect(uuids(await store.listCheckpoints({ experimentId: experiment.id }))).toEqual([
      a.uuid,
      b.uuid,
      c.uuid,
    ]);
    expect(uuids(await store.listCheckpoints({ trialId: t1.id }))).toEqual([a.uuid, c.uuid]);
    expect(
      uuids(await store.listCheckpoints({ experimentId: experiment.id, trialId: t2.id })),
    ).toEqual([b.uuid]);
    expect(await store.listCheckpoints({ experimentId: 987_654_321 })).toEqual([]);
  });

  test("deleted checkpoints are listed only when asked for, and stay readable", async () => {
    const { store } = ctx;
    const trial = await newTrial(store, await newExperiment(store));
    const a = await addCheckpoint(store, trial, 100);
    const b = await addCheckpoint(store, trial, 200);
    const c = await addCheckpoint(store, trial, 300);
    await store.markCheckpointsDeleted([a.uuid, c.uuid, randomUUID()]);
    expect((await store.listCheckpoints({ trialId: trial.id })).map((r) => r.uuid)).toEqual([
      b.uuid,
    ]);
    const all = await store.listCheckpoints({ trialId: trial.id, includeDeleted: true });
    expect(all.map((r) => [r.uuid, r.state])).toEqual([
      [a.uuid, "DELETED"],
      [b.uuid, "ACTIVE"],
      [c.uuid, "DELETED"],
    ]);
    expect((await store.getCheckpoint(a.uuid))?.state).toBe("DELETED");
    await store.markCheckpointsDeleted([]);
    await store.markCheckpointsDeleted([a.uuid]);
    expect((await store.listCheckpoints({ trialId: trial.id })).map((r) => r.uuid)).toEqual([
      b.uuid,
    ]);
  });

  test("many checkpoints can be marked deleted at once", async () => {
    const { store } = ctx;
    const trial = await newTrial(store, await newExperiment(store));
    const uuids: string[] = [];
    for (let i = 0; i < 30; i++) uuids.push((await addCheckpoint(store, trial, i)).uuid);
    const many = [...uuids, ...Array.from({ length: 1_200 }, () => randomUUID())];
    await store.markCheckpointsDeleted(many);
    expect(await store.listCheckpoints({ trialId: trial.id })).toEqual([]);
  });

  test("a page of checkpoints: after and limit pick it, and its sizes are resources and metadata in UTF-8 bytes", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const t1 = await newTrial(store, experiment, 1);
    const t2 = await newTrial(store, experiment, 2);
    const added = [
      await addCheckpoint(store, t1, 100),
      await store.addCheckpoint({
        uuid: randomUUID(),
        trialId: t2.id,
        experimentId: experiment.id,
        runId: 0,
        stepsCompleted: 10,
        resources: { "größe/model.bin": 7, "ünï.json": 2 },
        metadata: { note: "é".repeat(5000), nested: { ok: true } },
      }),
      await addCheckpoint(store, t1, 200),
      await addCheckpoint(store, t2, 20),
    ];
    await addCheckpoint(store, await newTrial(store, await newExperiment(store)), 1);
    await store.markCheckpointsDeleted([added[2]!.uuid]);
    const all = { experimentId: experiment.id, includeDeleted: true };
    const sizes = await store.listCheckpointSizes(all);
    expect(sizes.map((s) => s.bytes)).toEqual(
      added.map(
        (c) =>
          Buffer.byteLength(JSON.stringify(c.resources)) +
          Buffer.byteLength(JSON.stringify(c.metadata)),
      ),
    );
    const ids = sizes.map((s) => s.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const uuids = (rows: { uuid: string }[]) => rows.map((r) => r.uuid);
    expect(uuids(await store.listCheckpoints({ ...all, limit: 2 }))).toEqual(
      uuids(added.slice(0, 2)),
    );
    expect(uuids(await store.listCheckpoints({ ...all, after: ids[1]!, limit: 1 }))).toEqual([
      added[2]!.uuid,
    ]);
    expect(
      uuids(await store.listCheckpoints({ experimentId: experiment.id, after: ids[1]! })),
    ).toEqual([added[3]!.uuid]);
    expect(uuids(await store.listCheckpoints({ trialId: t2.id, after: ids[1]! }))).toEqual([
      added[3]!.uuid,
    ]);
    expect(await store.listCheckpoints({ ...all, limit: 0 })).toEqual([]);
    for (const filter of [
      { experimentId: experiment.id },
      { trialId: t1.id, includeDeleted: true },
      { ...all, after: ids[0]!, limit: 2 },
      { ...all, limit: 0 },
    ]) {
      const rows = await store.listCheckpoints(filter);
      const page = await store.listCheckpointSizes(filter);
      expect(page.length).toBe(rows.length);
      expect(page.map((s) => s.bytes)).toEqual(
        rows.map(
          (c) =>
            Buffer.byteLength(JSON.stringify(c.resources)) +
            Buffer.byteLength(JSON.stringify(c.metadata)),
        ),
      );
    }
  });
}
