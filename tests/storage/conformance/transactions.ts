import { expect, test } from "vitest";
import { type ConformanceContext, newExperiment, newTrial, newUser, unique } from "./context.js";

class Boom extends Error {}

export function transactionTests(ctx: ConformanceContext): void {
  test("a transaction commits everything its callback did and returns its result", async () => {
    const { store } = ctx;
    const username = unique("user");
    const result = await store.transaction(async (tx) => {
      const user = await tx.createUser({ username, passwordHash: null, admin: false });
      const experiment = await newExperiment(tx, user);
      await tx.appendSearcherEvent(experiment.id, { type: "initialize" });
      return experiment.id;
    });
    expect((await store.getUserByName(username))?.username).toBe(username);
    expect(await store.listSearcherEvents(result)).toEqual([
      { seq: 1, event: { type: "initialize" } },
    ]);
  });

  test("a transaction whose callback throws leaves nothing behind", async () => {
    const { store } = ctx;
    const user = await newUser(store);
    const experiment = await newExperiment(store, user);
    const trial = await newTrial(store, experiment);
    const username = unique("user");
    let createdExperimentId = 0;
    let createdTrialId = 0;
    const error = await store
      .transaction(async (tx) => {
        await tx.createUser({ username, passwordHash: null, admin: false });
        createdExperimentId = (await newExperiment(tx, user)).id;
        createdTrialId = (await newTrial(tx, experiment, 2)).id;
        await tx.appendSearcherEvent(experiment.id, { type: "initialize" });
        await tx.updateTrial(trial.id, { state: "PAUSED", restarts: 3 });
        await tx.addTrialOp(trial.id, 100);
        await tx.addMetrics(trial.id, 0, [
          { group: "training", stepsCompleted: 1, metrics: { loss: 1 }, reportTime: new Date() },
        ]);
        await tx.addLogs([
          {
            trialId: trial.id,
            allocationId: null,
            time: new Date(),
            stream: "stdout",
            line: "x",
          },
        ]);
        throw new Boom("rolled back");
      })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(Boom);
    expect(await store.getUserByName(username)).toBeNull();
    expect(await store.getExperiment(createdExperimentId)).toBeNull();
    expect(await store.getTrial(createdTrialId)).toBeNull();
    expect(await store.listSearcherEvents(experiment.id)).toEqual([]);
    const after = await store.getTrial(trial.id);
    expect(after?.state).toBe("ACTIVE");
    expect(after?.restarts).toBe(0);
    expect(await store.listTrialOps(trial.id)).toEqual([]);
    expect(await store.listMetrics({ trialId: trial.id, limit: 10 })).toEqual([]);
    expect(await store.listLogs({ trialId: trial.id, limit: 10 })).toEqual([]);
  });

  test("a rolled-back transaction gives back the seqs it took", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const trial = await newTrial(store, experiment);
    await store
      .transaction(async (tx) => {
        await tx.appendSearcherEvent(experiment.id, { type: "initialize" });
        await tx.addTrialOp(trial.id, 100);
        throw new Boom();
      })
      .catch(() => undefined);
    expect(await store.appendSearcherEvent(experiment.id, { type: "initialize" })).toBe(1);
    expect((await store.addTrialOp(trial.id, 100)).seq).toBe(1);
  });

  test("a nested transaction commits with the open one", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    await store.transaction(async (tx) => {
      await tx.appendSearcherEvent(experiment.id, { type: "initialize" });
      const inner = await tx.transaction(async (nested) => {
        await nested.appendSearcherEvent(experiment.id, { type: "trialCreated", requestId: 1 });
        return "inner result";
      });
      expect(inner).toBe("inner result");
      // The outer transaction sees the nested one's write before commit.
      expect(await tx.listSearcherEvents(experiment.id)).toHaveLength(2);
    });
    expect((await store.listSearcherEvents(experiment.id)).map((e) => e.seq)).toEqual([1, 2]);
  });

  test("a nested transaction rolls back with the outer one", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    await store
      .transaction(async (tx) => {
        await tx.transaction(async (nested) => {
          await nested.appendSearcherEvent(experiment.id, { type: "initialize" });
        });
        throw new Boom();
      })
      .catch(() => undefined);
    expect(await store.listSearcherEvents(experiment.id)).toEqual([]);
  });

  test("a nested transaction that fails is undone alone, and the open one goes on and commits", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const trial = await newTrial(store, experiment);
    const line = (trialId: number, text: string) => ({
      trialId,
      allocationId: null,
      time: new Date(),
      stream: "stdout" as const,
      line: text,
    });
    await store.transaction(async (tx) => {
      await tx.addLogs([line(trial.id, "before")]);
      const refused = await tx
        .transaction(async (nested) => {
          await nested.addLogs([line(trial.id, "undone")]);
          await nested.updateTrial(trial.id, { restarts: 3 });
          await nested.addLogs([line(987_654_321, "no such trial")]); // refused by the database
        })
        .catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(Error);
      const thrown = await tx
        .transaction(async (nested) => {
          await nested.addLogs([line(trial.id, "undone too")]);
          throw new Boom();
        })
        .catch((err: unknown) => err);
      expect(thrown).toBeInstanceOf(Boom);
      await tx.addLogs([line(trial.id, "after")]);
    });
    const lines = await store.listLogs({ trialId: trial.id, limit: 10 });
    expect(lines.map((l) => l.line)).toEqual(["before", "after"]);
    expect((await store.getTrial(trial.id))?.restarts).toBe(0);
  });

  test("writes made inside a transaction are visible to it before commit", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    await store.transaction(async (tx) => {
      const trial = await newTrial(tx, experiment, 7);
      expect((await tx.getTrialByRequestId(experiment.id, 7))?.id).toBe(trial.id);
      await tx.updateExperiment(experiment.id, { state: "PAUSED" });
      expect((await tx.getExperiment(experiment.id))?.state).toBe("PAUSED");
    });
    expect((await store.getExperiment(experiment.id))?.state).toBe("PAUSED");
  });

  test("a failing statement inside a transaction rejects it and keeps none of its writes", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    await newTrial(store, experiment, 1);
    const error = await store
      .transaction(async (tx) => {
        await tx.appendSearcherEvent(experiment.id, { type: "initialize" });
        await newTrial(tx, experiment, 1); // duplicate requestId
      })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(Error);
    expect(await store.listSearcherEvents(experiment.id)).toEqual([]);
  });
}
