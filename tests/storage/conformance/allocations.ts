import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import type { AllocationRow, Store, TrialRow } from "../../../src/master/storage/store.js";
import { type ConformanceContext, newExperiment, newTrial, rejection } from "./context.js";

function newAllocation(store: Store, trial: TrialRow, runId = trial.runId, slots = 1) {
  return store.createAllocation({
    id: randomUUID(),
    trialId: trial.id,
    experimentId: trial.experimentId,
    runId,
    slots,
    tokenHash: `sha256-${randomUUID()}`,
  });
}

export function allocationTests(ctx: ConformanceContext): void {
  test("a new allocation is PENDING with no preemption, handle or exit", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const trial = await newTrial(store, experiment);
    const before = Date.now();
    const allocation = await store.createAllocation({
      id: "alloc-1-" + randomUUID(),
      trialId: trial.id,
      experimentId: experiment.id,
      runId: 4,
      slots: 2,
      resourcePool: "gpu",
      tokenHash: "ab".repeat(32),
    });
    expect(allocation).toMatchObject({
      trialId: trial.id,
      experimentId: experiment.id,
      state: "PENDING",
      runId: 4,
      slots: 2,
      resourcePool: "gpu",
      tokenHash: "ab".repeat(32),
      preemptRequested: false,
      preemptRequestedAt: null,
      preemptAcked: false,
      launcherHandle: null,
      exitCode: null,
      exitReason: null,
      endedAt: null,
    });
    expect(allocation.createdAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(await store.getAllocation(allocation.id)).toEqual(allocation);
    expect(await store.getAllocation("no-such-allocation")).toBeNull();
  });

  test("an allocation given no resource pool is in the default one", async () => {
    const allocation = await newAllocation(
      ctx.store,
      await newTrial(ctx.store, await newExperiment(ctx.store)),
    );
    expect(allocation.resourcePool).toBe("default");
    expect((await ctx.store.getAllocation(allocation.id))?.resourcePool).toBe("default");
  });

  test("allocation ids are unique and an allocation needs an existing trial", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const trial = await newTrial(store, experiment);
    const allocation = await newAllocation(store, trial);
    const duplicate = await rejection(() =>
      store.createAllocation({
        id: allocation.id,
        trialId: trial.id,
        experimentId: experiment.id,
        runId: 1,
        slots: 1,
        tokenHash: "x",
      }),
    );
    expect(duplicate).toBeInstanceOf(Error);
    const orphan = await rejection(() =>
      store.createAllocation({
        id: randomUUID(),
        trialId: 987_654_321,
        experimentId: experiment.id,
        runId: 0,
        slots: 1,
        tokenHash: "x",
      }),
    );
    expect(orphan).toBeInstanceOf(Error);
  });

  test("updateAllocation changes only the patched fields; launcher handles round-trip as JSON", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const trial = await newTrial(store, experiment);
    const allocation = await newAllocation(store, trial);
    const handle = { kind: "local", pid: 4242, pgid: 4242, host: "node-ü", argv: ["node", "x.js"] };
    await store.updateAllocation(allocation.id, { state: "RUNNING", launcherHandle: handle });
    const askedAt = new Date(Date.UTC(2029, 5, 1, 12, 0, 0, 250));
    await store.updateAllocation(allocation.id, {
      preemptRequested: true,
      preemptRequestedAt: askedAt,
    });
    await store.updateAllocation(allocation.id, {});
    expect(await store.getAllocation(allocation.id)).toEqual({
      ...allocation,
      state: "RUNNING",
      launcherHandle: handle,
      preemptRequested: true,
      preemptRequestedAt: askedAt,
    });
    const endedAt = new Date(Date.UTC(2029, 11, 31, 23, 59, 59, 999));
    await store.updateAllocation(allocation.id, {
      state: "TERMINATED",
      preemptAcked: true,
      exitCode: 137,
      exitReason: "killed",
      endedAt,
    });
    const ended = await store.getAllocation(allocation.id);
    expect(ended).toMatchObject({
      state: "TERMINATED",
      preemptRequested: true,
      preemptAcked: true,
      exitCode: 137,
      exitReason: "killed",
      launcherHandle: handle,
    });
    expect(ended?.endedAt?.getTime()).toBe(endedAt.getTime());
    await store.updateAllocation(allocation.id, { launcherHandle: null });
    expect((await store.getAllocation(allocation.id))?.launcherHandle).toBeNull();
    for (const scalar of [12345, "slurm-job-77", true]) {
      await store.updateAllocation(allocation.id, { launcherHandle: scalar });
      expect((await store.getAllocation(allocation.id))?.launcherHandle).toEqual(scalar);
    }
  });

  test("live allocations are those not TERMINATED, filtered by trial or experiment", async () => {
    const { store } = ctx;
    const e1 = await newExperiment(store);
    const e2 = await newExperiment(store);
    const t1 = await newTrial(store, e1, 1);
    const t2 = await newTrial(store, e1, 2);
    const t3 = await newTrial(store, e2, 1);
    const a1 = await newAllocation(store, t1, 0);
    const a2 = await newAllocation(store, t1, 1);
    const b1 = await newAllocation(store, t2, 0);
    const c1 = await newAllocation(store, t3, 0);
    await store.updateAllocation(a1.id, { state: "TERMINATED", exitCode: 1 });
    await store.updateAllocation(b1.id, { state: "TERMINATING" });
    await store.updateAllocation(c1.id, { state: "RUNNING" });
    const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();
    expect(ids(await store.listLiveAllocations({ trialId: t1.id }))).toEqual([a2.id]);
    expect(ids(await store.listLiveAllocations({ experimentId: e1.id }))).toEqual(
      [a2.id, b1.id].sort(),
    );
    expect(ids(await store.listLiveAllocations({ experimentId: e2.id }))).toEqual([c1.id]);
    expect(ids(await store.listLiveAllocations({ trialId: t3.id, experimentId: e1.id }))).toEqual(
      [],
    );
    const all = ids(await store.listLiveAllocations());
    expect(all).toEqual(expect.arrayContaining([a2.id, b1.id, c1.id]));
    expect(all).not.toContain(a1.id);
    expect(ids(await store.listLiveAllocations({}))).toEqual(all);
    // What a scheduling pass reads: the same allocations in the same order, fewer fields.
    await store.updateAllocation(b1.id, { preemptRequested: true });
    expect(await store.listLiveAllocationStubs()).toEqual(
      (await store.listLiveAllocations()).map((a) => ({
        id: a.id,
        trialId: a.trialId,
        experimentId: a.experimentId,
        state: a.state,
        slots: a.slots,
        resourcePool: a.resourcePool,
        preemptRequested: a.preemptRequested,
      })),
    );
    const stub = (await store.listLiveAllocationStubs()).find((a) => a.id === b1.id);
    expect(stub).toMatchObject({ state: "TERMINATING", preemptRequested: true, trialId: t2.id });
  });

  test("a trial's allocations are all listed, terminated ones too, in run order", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const trial = await newTrial(store, experiment);
    const other = await newTrial(store, experiment, 2);
    const runs = [];
    for (let run = 0; run < 3; run++) runs.push(await newAllocation(store, trial, run));
    await newAllocation(store, other, 0);
    await store.updateAllocation(runs[0]!.id, { state: "TERMINATED" });
    expect((await store.listAllocations(trial.id)).map((a) => [a.id, a.runId])).toEqual(
      runs.map((a, i) => [a.id, i]),
    );
    expect(await store.listAllocations(987_654_321)).toEqual([]);
  });

  test("the allocations of many trials are listed at once, by trial and in run order, past the 500 trials a statement binds", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const trials = await store.transaction(async (tx) => {
      const made = [];
      for (let r = 1; r <= 520; r++) made.push(await newTrial(tx, experiment, r));
      return made;
    });
    const runs: AllocationRow[] = [];
    // Run 1 made after run 2: run order, not creation order.
    for (const [t, run] of [
      [0, 2],
      [0, 1],
      [519, 0],
      [300, 0],
      [300, 1],
    ] as const)
      runs.push(await newAllocation(store, trials[t]!, run));
    await store.updateAllocation(runs[0]!.id, { state: "TERMINATED" });
    const asked = [trials[519]!.id, trials[0]!.id, trials[300]!.id, trials[5]!.id, 987_654_321];
    const listed = await store.listAllocationsOfTrials([...asked, trials[0]!.id]);
    expect(listed.map((a) => a.id)).toEqual([1, 0, 3, 4, 2].map((i) => runs[i]!.id));
    expect(listed[1]).toEqual((await store.listAllocations(trials[0]!.id))[1]);
    expect(await store.listAllocationsOfTrials([])).toEqual([]);
  });

  test("ended allocations whose processes are marked lingering are listed until the mark is cleared", async () => {
    const { store } = ctx;
    const trial = await newTrial(store, await newExperiment(store));
    const [a, b] = [await newAllocation(store, trial, 0), await newAllocation(store, trial, 1)];
    expect(a.lingering).toBe(false);
    await store.updateAllocation(a.id, { state: "TERMINATED", lingering: true });
    await store.updateAllocation(b.id, { state: "TERMINATED" });
    expect((await store.listLingeringAllocations()).map((l) => l.id)).toContain(a.id);
    expect((await store.listLingeringAllocations()).map((l) => l.id)).not.toContain(b.id);
    await store.updateAllocation(a.id, { lingering: false });
    expect((await store.listLingeringAllocations()).map((l) => l.id)).not.toContain(a.id);
  });

  test("a lingering allocation of a deleted experiment stays listed, ended and with no token, until the mark is cleared", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const trial = await newTrial(store, experiment);
    const [a, b] = [await newAllocation(store, trial, 0), await newAllocation(store, trial, 1)];
    const since = new Date(Math.floor(Date.now() / 1000) * 1000);
    await store.updateAllocation(a.id, {
      state: "TERMINATED",
      lingering: true,
      launcherHandle: { jobId: "42" },
      preemptRequestedAt: since,
    });
    await store.updateAllocation(b.id, { state: "TERMINATED" });
    await store.updateExperiment(experiment.id, { state: "COMPLETED" });
    await store.deleteExperiment(experiment.id);
    expect(await store.getAllocation(a.id)).toBeNull();
    const listed = (await store.listLingeringAllocations()).filter((l) => l.trialId === trial.id);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      id: a.id,
      experimentId: experiment.id,
      state: "TERMINATED",
      lingering: true,
      launcherHandle: { jobId: "42" },
      preemptRequestedAt: since,
      tokenHash: "",
    });
    await store.updateAllocation(a.id, { lingering: false });
    expect((await store.listLingeringAllocations()).map((l) => l.id)).not.toContain(a.id);
  });
}
