import { expect, test } from "vitest";
import type { MetricGroup, MetricReportInput } from "../../../src/master/storage/store.js";
import { type ConformanceContext, newExperiment, newTrial, rejection } from "./context.js";

const T0 = Date.UTC(2030, 5, 1, 12, 0, 0, 0);

function report(
  group: MetricGroup,
  stepsCompleted: number,
  metrics: Record<string, number>,
  at = T0 + stepsCompleted,
): MetricReportInput {
  return { group, stepsCompleted, metrics, reportTime: new Date(at) };
}

function training(steps: number[], value = (s: number) => ({ loss: 1 / s })): MetricReportInput[] {
  return steps.map((s) => report("training", s, value(s)));
}

async function setup(ctx: ConformanceContext) {
  const { store } = ctx;
  const experiment = await newExperiment(store);
  const trial = await newTrial(store, experiment);
  return { store, experiment, trial };
}

export function metricTests(ctx: ConformanceContext): void {
  test("a batch inserts every new report, and rows read back whole in id order", async () => {
    const { store, trial } = await setup(ctx);
    const batch = [
      report("training", 10, { loss: 0.9, accuracy: 0.1 }),
      report("training", 20, { loss: 0.8 }),
      report("validation", 20, { validation_loss: 0.85 }),
    ];
    expect(await store.addMetrics(trial.id, 0, batch)).toEqual({ inserted: 3, conflicts: [] });
    const rows = await store.listMetrics({ trialId: trial.id, limit: 100 });
    expect(rows.map(({ id: _id, ...rest }) => rest)).toEqual(
      batch.map((r) => ({ ...r, trialId: trial.id, runId: 0 })),
    );
    expect(rows.every((r) => r.reportTime instanceof Date)).toBe(true);
    const ids = rows.map((r) => r.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  test("a batch of a run the trial has moved past writes nothing and names the current run", async () => {
    const { store, trial } = await setup(ctx);
    await store.addMetrics(trial.id, 1, training([1, 2]));
    // The trial restarts from a checkpoint at step 1 as run 2; run 1's push comes after.
    await store.updateTrial(trial.id, { runId: 2 });
    await store.hideMetricsAfter(trial.id, 2, 1);
    expect(await store.addMetrics(trial.id, 1, training([3]))).toEqual({
      inserted: 0,
      conflicts: [],
      supersededBy: 2,
    });
    const visible = await store.listMetrics({ trialId: trial.id, limit: 100 });
    expect(visible.map((r) => r.stepsCompleted)).toEqual([1]);
    // Run 2 writes its own step 2 and 3 with no conflict.
    expect(
      await store.addMetrics(
        trial.id,
        2,
        training([2, 3], () => ({ loss: 7 })),
      ),
    ).toEqual({
      inserted: 2,
      conflicts: [],
    });
  });

  test("an empty batch inserts nothing", async () => {
    const { store, trial } = await setup(ctx);
    expect(await store.addMetrics(trial.id, 0, [])).toEqual({ inserted: 0, conflicts: [] });
  });

  test("an identical repeat inserts nothing and reports no conflict", async () => {
    const { store, trial } = await setup(ctx);
    const batch = training([1, 2, 3]);
    await store.addMetrics(trial.id, 0, batch);
    expect(await store.addMetrics(trial.id, 0, batch)).toEqual({ inserted: 0, conflicts: [] });
    expect(await store.listMetrics({ trialId: trial.id, limit: 100 })).toHaveLength(3);
  });

  test("a repeat is identical whatever the key order, report time or run", async () => {
    const { store, trial } = await setup(ctx);
    await store.addMetrics(trial.id, 0, [report("training", 5, { loss: 1, acc: 2, lr: 3 })]);
    const repeat = [report("training", 5, { lr: 3, loss: 1, acc: 2 }, T0 + 999_999)];
    expect(await store.addMetrics(trial.id, 1, repeat)).toEqual({ inserted: 0, conflicts: [] });
    const [row] = await store.listMetrics({ trialId: trial.id, limit: 10 });
    expect(row?.reportTime.getTime()).toBe(T0 + 5);
    expect(row?.runId).toBe(0);
  });

  test("a partly repeated batch inserts only the new reports", async () => {
    const { store, trial } = await setup(ctx);
    await store.addMetrics(trial.id, 0, training([1, 2, 3]));
    expect(await store.addMetrics(trial.id, 0, training([2, 3, 4, 5]))).toEqual({
      inserted: 2,
      conflicts: [],
    });
    const steps = (await store.listMetrics({ trialId: trial.id, limit: 100 })).map(
      (r) => r.stepsCompleted,
    );
    expect(steps).toEqual([1, 2, 3, 4, 5]);
  });

  test("a conflicting value is returned with both values and nothing of that batch is stored", async () => {
    const { store, trial } = await setup(ctx);
    await store.addMetrics(trial.id, 0, [report("training", 10, { loss: 0.5 })]);
    const result = await store.addMetrics(trial.id, 0, [
      report("training", 9, { loss: 0.6 }),
      report("training", 10, { loss: 0.4 }),
      report("validation", 10, { validation_loss: 0.45 }),
      report("training", 11, { loss: 0.3 }),
    ]);
    expect(result).toEqual({
      inserted: 0,
      conflicts: [
        { group: "training", stepsCompleted: 10, stored: { loss: 0.5 }, reported: { loss: 0.4 } },
      ],
    });
    const rows = await store.listMetrics({ trialId: trial.id, limit: 100 });
    expect(rows.map((r) => [r.group, r.stepsCompleted, r.metrics])).toEqual([
      ["training", 10, { loss: 0.5 }],
    ]);
  });

  test("an extra or missing metric name is a conflict too", async () => {
    const { store, trial } = await setup(ctx);
    await store.addMetrics(trial.id, 0, [report("training", 1, { loss: 1, acc: 0.5 })]);
    const missing = await store.addMetrics(trial.id, 0, [report("training", 1, { loss: 1 })]);
    expect(missing.conflicts).toHaveLength(1);
    const extra = await store.addMetrics(trial.id, 0, [
      report("training", 1, { loss: 1, acc: 0.5, lr: 0.1 }),
    ]);
    expect(extra.conflicts).toEqual([
      {
        group: "training",
        stepsCompleted: 1,
        stored: { loss: 1, acc: 0.5 },
        reported: { loss: 1, acc: 0.5, lr: 0.1 },
      },
    ]);
  });

  test("every conflicting report of a batch is returned", async () => {
    const { store, trial } = await setup(ctx);
    await store.addMetrics(trial.id, 0, training([1, 2, 3]));
    const result = await store.addMetrics(
      trial.id,
      0,
      training([1, 2, 3], () => ({ loss: 7 })),
    );
    expect(result.inserted).toBe(0);
    expect(result.conflicts.map((c) => c.stepsCompleted).sort()).toEqual([1, 2, 3]);
  });

  test("the same step twice in one batch is one row if identical and a conflict if not", async () => {
    const { store, trial } = await setup(ctx);
    const same = await store.addMetrics(trial.id, 0, [
      report("training", 1, { loss: 1 }),
      report("training", 1, { loss: 1 }),
    ]);
    expect(same).toEqual({ inserted: 1, conflicts: [] });
    const different = await store.addMetrics(trial.id, 0, [
      report("training", 2, { loss: 2 }),
      report("training", 2, { loss: 3 }),
    ]);
    expect(different).toEqual({
      inserted: 0,
      conflicts: [
        { group: "training", stepsCompleted: 2, stored: { loss: 2 }, reported: { loss: 3 } },
      ],
    });
    expect(
      (await store.listMetrics({ trialId: trial.id, limit: 10 })).map((r) => r.stepsCompleted),
    ).toEqual([1]);
  });

  test("the same step in the other group, or of another trial, is not a conflict", async () => {
    const { store, experiment, trial } = await setup(ctx);
    const other = await newTrial(store, experiment, 2);
    await store.addMetrics(trial.id, 0, [report("training", 100, { loss: 1 })]);
    expect(await store.addMetrics(trial.id, 0, [report("validation", 100, { loss: 2 })])).toEqual({
      inserted: 1,
      conflicts: [],
    });
    expect(await store.addMetrics(other.id, 0, [report("training", 100, { loss: 3 })])).toEqual({
      inserted: 1,
      conflicts: [],
    });
  });

  test("a conflict inside a caller's transaction discards only that batch", async () => {
    const { store, experiment, trial } = await setup(ctx);
    await store.addMetrics(trial.id, 0, [report("training", 1, { loss: 1 })]);
    await store.transaction(async (tx) => {
      await tx.appendSearcherEvent(experiment.id, { type: "initialize" });
      await tx.addMetrics(trial.id, 0, [report("training", 2, { loss: 2 })]);
      const result = await tx.addMetrics(trial.id, 0, [
        report("training", 3, { loss: 3 }),
        report("training", 1, { loss: 9 }),
      ]);
      expect(result.inserted).toBe(0);
      expect(result.conflicts).toHaveLength(1);
    });
    expect(
      (await store.listMetrics({ trialId: trial.id, limit: 10 })).map((r) => r.stepsCompleted),
    ).toEqual([1, 2]);
    expect(await store.listSearcherEvents(experiment.id)).toHaveLength(1);
  });

  test("a batch that fails after its first statement inside a caller's transaction leaves none of its rows", async () => {
    const { store, experiment, trial } = await setup(ctx);
    const batch = training(Array.from({ length: 1_001 }, (_, i) => i + 1));
    batch[1_000] = { ...batch[1_000]!, reportTime: new Date(Number.NaN) };
    await store.transaction(async (tx) => {
      await expect(tx.addMetrics(trial.id, 0, batch)).rejects.toThrow(/invalid Date/);
      await tx.appendSearcherEvent(experiment.id, { type: "initialize" });
    });
    expect(await store.listMetrics({ trialId: trial.id, limit: 2_000 })).toEqual([]);
    expect(await store.listSearcherEvents(experiment.id)).toHaveLength(1);
  });

  test("a batch larger than one statement inserts whole", async () => {
    const { store, trial } = await setup(ctx);
    const steps = Array.from({ length: 2_500 }, (_, i) => i + 1);
    expect(await store.addMetrics(trial.id, 0, training(steps))).toEqual({
      inserted: 2_500,
      conflicts: [],
    });
    const conflicting = training(steps, (s) => ({ loss: s === 2_400 ? 0 : 1 / s }));
    const result = await store.addMetrics(trial.id, 0, [...conflicting, ...training([2_501])]);
    expect(result.conflicts.map((c) => c.stepsCompleted)).toEqual([2_400]);
    const last = await store.listMetrics({ trialId: trial.id, after: 0, limit: 3_000 });
    expect(last).toHaveLength(2_500);
  });

  test("metric values round-trip exactly, NaN and infinities included", async () => {
    const { store, trial } = await setup(ctx);
    const metrics = {
      third: 1 / 3,
      tiny: 5e-324,
      huge: 1.7976931348623157e308,
      negative: -123.456,
      big: 2 ** 53 + 2,
      zero: 0,
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      ninf: Number.NEGATIVE_INFINITY,
      "ünïcödé 损失": 0.5,
    };
    await store.addMetrics(trial.id, 0, [report("validation", 1, metrics)]);
    const [row] = await store.listMetrics({ trialId: trial.id, limit: 1 });
    expect(row?.metrics).toEqual(metrics);
    expect(await store.addMetrics(trial.id, 0, [report("validation", 1, metrics)])).toEqual({
      inserted: 0,
      conflicts: [],
    });
  });

  test("metrics for an unknown trial are refused", async () => {
    const error = await rejection(() =>
      ctx.store.addMetrics(987_654_321, 0, [report("training", 1, { loss: 1 })]),
    );
    expect(error).toBeInstanceOf(Error);
  });

  test("concurrent identical pushes of the same steps store each step once", async () => {
    const { store, trial } = await setup(ctx);
    const batch = training([1, 2, 3, 4, 5]);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => store.addMetrics(trial.id, 0, batch)),
    );
    expect(results.reduce((sum, r) => sum + r.inserted, 0)).toBe(5);
    expect(results.flatMap((r) => r.conflicts)).toEqual([]);
    expect(await store.listMetrics({ trialId: trial.id, limit: 100 })).toHaveLength(5);
  });

  test("concurrent pushes to many trials all land", async () => {
    const { store, experiment } = await setup(ctx);
    const trials = [];
    for (let i = 2; i <= 9; i++) trials.push(await newTrial(store, experiment, i));
    const results = await Promise.all(
      trials.flatMap((t) =>
        [0, 1, 2].map((chunk) =>
          store.addMetrics(t.id, 0, training([1, 2, 3, 4].map((s) => chunk * 10 + s))),
        ),
      ),
    );
    expect(results.every((r) => r.inserted === 4 && r.conflicts.length === 0)).toBe(true);
    for (const t of trials) {
      expect(await store.listMetrics({ trialId: t.id, limit: 100 })).toHaveLength(12);
    }
  });

  test("metric ids increase across trials in insertion order", async () => {
    const { store, experiment, trial } = await setup(ctx);
    const other = await newTrial(store, experiment, 2);
    await store.addMetrics(trial.id, 0, training([1]));
    await store.addMetrics(other.id, 0, training([1]));
    await store.addMetrics(trial.id, 0, training([2]));
    const [a1, a2] = await store.listMetrics({ trialId: trial.id, limit: 10 });
    const [b1] = await store.listMetrics({ trialId: other.id, limit: 10 });
    expect(a1!.id).toBeLessThan(b1!.id);
    expect(b1!.id).toBeLessThan(a2!.id);
  });
}
