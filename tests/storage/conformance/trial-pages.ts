/**
 * An experiment's trials read a page at a time: `after` and `limit` pick the
 * page, and `listTrialSizes` sizes it (bytes of stored hyperparameters)
 * before it is read.
 */
import { expect, test } from "vitest";
import type { TrialRow } from "../../../src/master/storage/store.js";
import { type ConformanceContext, newExperiment, newTrial } from "./context.js";
import { trickyHParams } from "./experiments.js";

export function trialPageTests(ctx: ConformanceContext): void {
  test("after and limit pick a page of an experiment's trials in id order", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const other = await newExperiment(store);
    const trials: TrialRow[] = [];
    for (let i = 1; i <= 5; i++) {
      trials.push(await newTrial(store, experiment, i));
      await newTrial(store, other, i);
    }
    await store.updateTrial(trials[3]!.id, { state: "COMPLETED" });
    const ids = trials.map((t) => t.id);
    const page = async (filter: {
      after?: number;
      through?: number;
      limit?: number;
      states?: ["ACTIVE"];
    }) => (await store.listTrials({ experimentId: experiment.id, ...filter })).map((t) => t.id);
    expect(await page({ limit: 2 })).toEqual(ids.slice(0, 2));
    expect(await page({ after: ids[1]!, limit: 2 })).toEqual(ids.slice(2, 4));
    expect(await page({ after: ids[1]! })).toEqual(ids.slice(2));
    expect(await page({ after: ids[1]!, limit: 2, states: ["ACTIVE"] })).toEqual([ids[2], ids[4]]);
    expect(await page({ after: ids[0]!, through: ids[2]! })).toEqual(ids.slice(1, 3));
    expect(await page({ after: ids[4]! })).toEqual([]);
    expect(await page({ limit: 0 })).toEqual([]);
    const chosen = await store.listTrials({
      experimentId: experiment.id,
      ids: [ids[4]!, ids[0]!, ids[2]!],
      after: ids[0]!,
      limit: 1,
    });
    expect(chosen.map((t) => t.id)).toEqual([ids[2]]);
  });

  test("the sizes of a page of trials are their stored hyperparameters' UTF-8 bytes, in the same order", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const long = { constant: Array.from({ length: 5000 }, (_, i) => `größe ${i}`) };
    const trials = [
      await newTrial(store, experiment, 1, trickyHParams),
      await newTrial(store, experiment, 2, long),
      await newTrial(store, experiment, 3, {}),
      await newTrial(store, experiment, 4, { lr: 0.01 }),
    ];
    await newTrial(store, await newExperiment(store), 1, long);
    await store.updateTrial(trials[2]!.id, { state: "COMPLETED" });
    for (const filter of [
      { experimentId: experiment.id },
      { experimentId: experiment.id, after: trials[0]!.id, limit: 2 },
      { experimentId: experiment.id, states: ["ACTIVE" as const] },
      { experimentId: experiment.id, ids: [trials[3]!.id, trials[1]!.id] },
      { experimentId: experiment.id, limit: 0 },
    ]) {
      const rows = await store.listTrials(filter);
      const sizes = await store.listTrialSizes(filter);
      expect(sizes.map((s) => s.id)).toEqual(rows.map((r) => r.id));
      expect(sizes.map((s) => s.bytes)).toEqual(
        rows.map((r) => Buffer.byteLength(JSON.stringify(r.hparams))),
      );
    }
    const [big] = await store.listTrialSizes({ experimentId: experiment.id, ids: [trials[1]!.id] });
    expect(big!.bytes).toBe(Buffer.byteLength(JSON.stringify(long)));
    expect(big!.bytes).toBeGreaterThan(5000 * "größe 1".length);
  });
}
